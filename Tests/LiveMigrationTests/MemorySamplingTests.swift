import Foundation
import Logging
import MigrationModel
import Testing

@testable import LiveMigration

/// The memory sampler's pure parts: where it reads, how it counts zero and
/// changed pages, and how it turns counts into shares with an error.
struct MemorySamplingTests {
    @Test func offsetsAreOnePageAlignedRunPerStratumInsideTheSampledRange() {
        let probe = MemorySampling(samples: 64, pagesPerSample: 16)
        let memory: UInt64 = 128 << 20
        let offsets = probe.offsets(memoryBytes: memory)
        #expect(offsets.count == 64)
        let stratum = memory / 64
        for (i, offset) in offsets.enumerated() {
            #expect(offset % 4096 == 0)
            #expect(offset >= UInt64(i) * stratum, "run \(i) starts before its stratum")
            #expect(offset + probe.readBytes <= UInt64(i + 1) * stratum, "run \(i) leaves its stratum")
        }
        // Not all at the stratum starts: the offsets are drawn, and the seed fixes them.
        #expect(Set(offsets.enumerated().map { $0.element - UInt64($0.offset) * stratum }).count > 1)
        #expect(probe.offsets(memoryBytes: memory) == offsets)
        var other = probe
        other.seed = 42
        #expect(other.offsets(memoryBytes: memory) != offsets)
    }

    @Test func strataSmallerThanARunStillStayInsideMemory() {
        // 8 MiB cut into 1024 strata of 2 pages, runs of 16 pages.
        let probe = MemorySampling(samples: 1024, pagesPerSample: 16)
        let memory: UInt64 = 8 << 20
        let offsets = probe.offsets(memoryBytes: memory)
        #expect(offsets.count == 1024)
        #expect(offsets.allSatisfy { $0 % 4096 == 0 && $0 + probe.readBytes <= memory })
    }

    @Test func largeGuestsAreSampledInTheLowTwoGiBOnly() {
        let probe = MemorySampling()
        let memory: UInt64 = 8 << 30
        #expect(probe.sampledRange(memoryBytes: memory) == 2 << 30)
        #expect(probe.offsets(memoryBytes: memory).allSatisfy { $0 + probe.readBytes <= 2 << 30 })
        #expect(probe.sampledRange(memoryBytes: 100 << 20) == 100 << 20)
    }

    @Test func unusableSettingsAreNamed() {
        #expect(MemorySampling(pagesPerSample: 0).problem(memoryBytes: 1 << 30)?.contains("pagesPerSample") == true)
        #expect(MemorySampling(pagesPerSample: 2048).problem(memoryBytes: 1 << 30)?.contains("peek limit") == true)
        #expect(MemorySampling(pageSize: 3000).problem(memoryBytes: 1 << 30)?.contains("power of two") == true)
        // Zero pages are counted 8 bytes at a time: smaller pages are refused, not a crash.
        #expect(MemorySampling(pageSize: 4).problem(memoryBytes: 1 << 30)?.contains("at least 8") == true)
        #expect(MemorySampling(samples: -1).problem(memoryBytes: 1 << 30)?.contains("negative") == true)
        #expect(MemorySampling(pagesPerSample: 16).problem(memoryBytes: 32 << 10)?.contains("no run") == true)
        #expect(MemorySampling().problem(memoryBytes: 1 << 30) == nil)
        #expect(MemorySampling(pagesPerSample: 0).offsets(memoryBytes: 1 << 30).isEmpty)
        #expect(MemorySampling(samples: 0).offsets(memoryBytes: 1 << 30).isEmpty)
    }

    @Test func aPageIsZeroOnlyWhenEveryByteIs() {
        var bytes = [UInt8](repeating: 0, count: 4 * 4096)
        bytes[4096 + 4095] = 1  // page 1: last byte set
        bytes[3 * 4096] = 0x80  // page 3: first byte set
        let zero = bytes.withUnsafeBytes { ZeroPageEstimate.zeroPageCount(in: $0, pageSize: 4096) }
        #expect(zero == 2)
        let none = [UInt8](repeating: 0xff, count: 2 * 4096).withUnsafeBytes {
            ZeroPageEstimate.zeroPageCount(in: $0, pageSize: 4096)
        }
        #expect(none == 0)
    }

    @Test func shareAndErrorComeFromTheRuns() {
        let uniform = ZeroPageEstimate.from(
            runs: Array(repeating: (zero: 16, pages: 16), count: 10), sampledRangeBytes: 1 << 30, memoryBytes: 1 << 30,
            elapsedSeconds: 0.1)
        #expect(uniform.share == 1 && uniform.standardError == 0 && uniform.sampledPages == 160)
        #expect(!uniform.extrapolated)

        // Half the runs all zero, half none: share 0.5, and the runs disagree completely.
        let split = ZeroPageEstimate.from(
            runs: (0..<100).map { (zero: $0 % 2 == 0 ? 16 : 0, pages: 16) }, sampledRangeBytes: 2 << 30,
            memoryBytes: 4 << 30, elapsedSeconds: 0.1)
        #expect(split.share == 0.5)
        // SE of a mean of 100 values of 0 or 1: sqrt(100 · 0.25 / (100 · 99)) ≈ 0.0503.
        #expect(abs(split.standardError - 0.0503) < 0.001, "standard error \(split.standardError)")
        #expect(split.extrapolated)
        #expect(split.summary.contains("50 %") && split.summary.contains("taken for all 4096 MiB"))

        let empty = ZeroPageEstimate.from(runs: [], sampledRangeBytes: 0, memoryBytes: 0, elapsedSeconds: 0)
        #expect(empty.share == 0 && empty.sampledPages == 0)
    }

    /// A synthetic sample of `runs` runs of 16 pages over 128 MiB: `changed(run, page)`
    /// says whether that page differs from the base content; `zeroPerRun` pages of each run are zero.
    static func sample(
        at start: Double, runs: Int = 64, zeroPerRun: Int = 0, memory: UInt64 = 128 << 20,
        changed: (Int, Int) -> Bool = { _, _ in false }
    ) -> MemorySample {
        let sampling = MemorySampling(samples: runs, pagesPerSample: 16)
        var hashes: [UInt64] = []
        for run in 0..<runs {
            for page in 0..<16 { hashes.append(UInt64(run * 16 + page) &* 31 &+ (changed(run, page) ? 1 : 0)) }
        }
        let zero = ZeroPageEstimate.from(
            runs: Array(repeating: (zero: zeroPerRun, pages: 16), count: runs), sampledRangeBytes: memory,
            memoryBytes: memory, elapsedSeconds: 0.1)
        let startedAt = epoch + .milliseconds(Int(start * 1000))
        return MemorySample(
            sampling: sampling, memoryBytes: memory, pageHashes: hashes,
            readAt: (0..<runs).map { startedAt + .milliseconds($0) }, zeroPages: zero)
    }

    /// The common origin of the synthetic samples' clocks.
    static let epoch = ContinuousClock.now

    @Test func changedPagesBetweenTwoSamplesGiveDistinctBytesAndRate() throws {
        let before = Self.sample(at: 100)
        // A quarter of every run changed, 2 s later.
        let after = Self.sample(at: 102) { _, page in page < 4 }
        let d = try DirtyPageEstimate.between(before, after)
        #expect(d.sampledPages == 1024 && d.changedPages == 256 && d.share == 0.25)
        #expect(d.standardError == 0)
        #expect(abs(d.intervalSeconds - 2) < 1e-9)
        #expect(d.distinctBytes == 32 * 1_048_576)
        #expect(abs(d.bytesPerSecond - 16 * 1_048_576) < 1e-6)
        #expect(try DirtyPageEstimate.between(before, before).changedPages == 0)
        // Samples of different pages cannot be compared.
        #expect(throws: MemorySamplingError.self) { try DirtyPageEstimate.between(before, Self.sample(at: 101, runs: 32)) }
    }

    @Test func pageHashesDifferWhenOneByteDoes() {
        var bytes = [UInt8](repeating: 7, count: 3 * 4096)
        var first: [UInt64] = []
        bytes.withUnsafeBytes { MemorySample.appendPageHashes(of: $0, pageSize: 4096, to: &first) }
        bytes[4096 + 123] = 8
        var second: [UInt64] = []
        bytes.withUnsafeBytes { MemorySample.appendPageHashes(of: $0, pageSize: 4096, to: &second) }
        #expect(first.count == 3 && second.count == 3)
        #expect(first[0] == second[0] && first[2] == second[2] && first[1] != second[1])
    }

    func qemu(_ mibps: Int64, over seconds: Int, mode: String = "page-sampling") -> DirtyRateMeasurement {
        DirtyRateMeasurement(mebibytesPerSecond: mibps, periodSeconds: seconds, startTime: nil, mode: mode, waitedSeconds: Double(seconds))
    }

    let memory128 = DomainMemoryInfo(maximumBytes: 128 << 20, currentBytes: 128 << 20, virtualCPUs: 1)

    @Test func inPageSamplingModeTheSampledCountsAreUsed() {
        // The guest dirties 8 MiB/s (1/16 of memory per second) and never saturates in 5 s;
        // QEMU's 64-page sampling read 13 MiB/s.
        let s0 = Self.sample(at: 0, zeroPerRun: 3)
        let s1 = Self.sample(at: 1.5) { run, _ in run % 32 < 3 }  // 3/32 of memory in 1.5 s = 8 MiB/s
        let s2 = Self.sample(at: 5) { run, _ in run % 32 < 10 }  // 10/32 in 5 s = 8 MiB/s
        let m = MeasuredWorkload.derive(
            domainName: "g", memory: memory128, short: qemu(13, over: 1), long: qemu(13, over: 3), samples: [s0, s1, s2])
        #expect(abs(m.workload.dirtyRateBytesPerSecond / 1_048_576 - 8) < 1e-9)
        #expect(m.workload.writableWorkingSetBytes == nil)
        #expect(m.workload.zeroPageShare == 3.0 / 16)
        #expect(m.sampledIntervals?.count == 2)
        #expect(m.notes.first?.hasPrefix("dirty pages from LivCloud's memory samples") == true)
        #expect(m.notes.first?.contains("QEMU (page-sampling): 13 MiB/s over 1 s") == true)
    }

    @Test func aSaturatedLongIntervalGivesTheWorkingSet() throws {
        // 40 MiB/s for 1.5 s = 60 MiB, but over 5 s only the 64 MiB working set.
        let s0 = Self.sample(at: 0)
        let s1 = Self.sample(at: 1.5) { run, _ in run % 32 < 14 }
        let s2 = Self.sample(at: 5) { run, _ in run % 32 < 16 }
        let m = MeasuredWorkload.derive(domainName: "g", memory: memory128, short: qemu(30, over: 1), long: qemu(20, over: 3), samples: [s0, s1, s2])
        let w = try #require(m.workload.writableWorkingSetBytes)
        #expect(w == 64 << 20)
        #expect(abs(m.workload.dirtyRateBytesPerSecond / 1_048_576 - 56.0 / 1.5) < 1e-9)
    }

    @Test func aGuestThatGoesRoundItsWorkingSetQuicklyIsSeenAtItsRateInTheShortestInterval() throws {
        // 40 MiB/s round a 44 MiB working set: 20 MiB in 0.5 s, then 44 MiB whatever the interval.
        let s0 = Self.sample(at: 0)
        let half = Self.sample(at: 0.5) { run, _ in run % 64 < 10 }  // 10/64 of 128 MiB = 20 MiB
        let saturated: (Int, Int) -> Bool = { run, page in run % 64 < 22 && (run % 64 < 21 || page < 16) }  // 44 MiB
        let s1 = Self.sample(at: 1.7, changed: saturated)
        let s2 = Self.sample(at: 5.2, changed: saturated)
        let m = MeasuredWorkload.derive(
            domainName: "g", memory: memory128, short: qemu(32, over: 1), long: qemu(15, over: 3), samples: [s0, half, s1, s2])
        #expect(abs(m.workload.dirtyRateBytesPerSecond / 1_048_576 - 40) < 1e-9)
        #expect(try #require(m.workload.writableWorkingSetBytes) == 44 << 20)
        // When QEMU's short period saw more, the larger rate is the input.
        let q = MeasuredWorkload.derive(
            domainName: "g", memory: memory128, short: qemu(46, over: 1), long: qemu(15, over: 3), samples: [s0, half, s1, s2])
        #expect(q.workload.dirtyRateBytesPerSecond == 46 * 1_048_576)
        #expect(q.notes.contains { $0.hasPrefix("the rate is taken from QEMU's short period (46.0 MiB/s)") })
        #expect(m.sampledIntervals?.map(\.intervalSeconds).map { ($0 * 10).rounded() / 10 } == [0.5, 1.7, 5.2])
    }

    @Test func aHighReadingOfTheShortestIntervalDoesNotFakeSaturation() {
        // 8 MiB/s, unsaturated throughout; the ~0.5 s interval happened to read twice that.
        let s0 = Self.sample(at: 0)
        let half = Self.sample(at: 0.5) { run, _ in run % 64 < 4 }  // 8 MiB: 16 MiB/s
        let s1 = Self.sample(at: 1.75) { run, _ in run % 64 < 7 }  // 14 MiB: 8 MiB/s
        let s2 = Self.sample(at: 5.25) { run, _ in run % 64 < 21 }  // 42 MiB: 8 MiB/s
        let m = MeasuredWorkload.derive(
            domainName: "g", memory: memory128, short: qemu(13, over: 1), long: qemu(9, over: 3), samples: [s0, half, s1, s2])
        #expect(abs(m.workload.dirtyRateBytesPerSecond / 1_048_576 - 8) < 1e-9)
        #expect(m.workload.writableWorkingSetBytes == nil)
    }

    @Test func kvmDirtyCountsAreUsedAsTheyAre() {
        let s0 = Self.sample(at: 0)
        let s1 = Self.sample(at: 1.5) { run, _ in run % 32 < 3 }
        let s2 = Self.sample(at: 5) { run, _ in run % 32 < 10 }
        let m = MeasuredWorkload.derive(
            domainName: "g", memory: memory128, short: qemu(12, over: 1, mode: "dirty-ring"),
            long: qemu(12, over: 3, mode: "dirty-ring"), samples: [s0, s1, s2])
        #expect(m.workload.dirtyRateBytesPerSecond == 12 * 1_048_576)
        #expect(m.notes.first?.hasPrefix("dirty rate from QEMU (dirty-ring)") == true)
    }

    @Test func withoutSamplesQEMUsCountsAndNoZeroPagesAreUsedAndTheNotesSayWhy() {
        let m = MeasuredWorkload.derive(
            domainName: "g", memory: memory128, short: qemu(8, over: 1), long: qemu(8, over: 3), samplingFailure: "peek refused")
        #expect(m.workload.dirtyRateBytesPerSecond == 8 * 1_048_576)
        #expect(m.workload.zeroPageShare == nil)
        #expect(m.notes.contains { $0.contains("zero-page share unknown (peek refused)") })

        // Only the first sample: zero pages known, QEMU's counts used, and said so.
        let one = MeasuredWorkload.derive(
            domainName: "g", memory: memory128, short: qemu(8, over: 1), long: qemu(8, over: 3),
            samples: [Self.sample(at: 0, zeroPerRun: 12)], samplingFailure: "domain stopped")
        #expect(one.workload.zeroPageShare == 0.75)
        #expect(one.workload.dirtyRateBytesPerSecond == 8 * 1_048_576)
        #expect(one.notes.contains { $0.contains("a later memory sample failed (domain stopped)") })

        // The model sends a quarter of the bytes when three quarters are zero.
        let link = LinkEstimate.cap(mebibytesPerSecond: 10)
        let budget = DowntimeBudget(milliseconds: 300)
        var idle = m.workload, idleZero = one.workload
        idle.dirtyRateBytesPerSecond = 0
        idleZero.dirtyRateBytesPerSecond = 0
        let a = Predictor().outcome(of: .qemuDefault, workload: idleZero, link: link, budget: budget)
        let b = Predictor().outcome(of: .qemuDefault, workload: idle, link: link, budget: budget)
        let ratio = (a.bytesSent ?? 0) / (b.bytesSent ?? 1)
        #expect(ratio > 0.25 && ratio < 0.26, "bytes ratio \(ratio)")
    }

    @Test func theAchievedLinkTakesTheModelsFixedCostsOff() throws {
        let calibration = ModelCalibration(switchoverSeconds: 0.01, jobOverheadSeconds: 0.2)
        let link = try #require(LinkEstimate.achieved(bytesSent: 100 * 1_048_576, elapsedSeconds: 1.21, calibration: calibration))
        #expect(abs(link.bytesPerSecond / 1_048_576 - 100) < 1e-9)
        #expect(link.source == .measured)
        #expect(LinkEstimate.achieved(bytesSent: 1, elapsedSeconds: 0.2, calibration: calibration) == nil)
        #expect(LinkEstimate.achieved(bytesSent: 0, elapsedSeconds: 5, calibration: calibration) == nil)
        // Fed back, the model reproduces the job's time.
        let w = MigrationWorkload(memoryBytes: 100 << 20, dirtyRateBytesPerSecond: 0)
        let again = Predictor(calibration: calibration).outcome(
            of: .qemuDefault, workload: w, link: link, budget: DowntimeBudget(milliseconds: 300))
        #expect(abs((again.totalSeconds ?? 0) - 1.21) < 1e-6, "\(again.totalSeconds ?? -1)")
    }

    @Test func theTestDriverIsSampledThroughTheSamePath() async throws {
        let logger = Logger(label: "test.zero-pages")
        let conn = try await Connection.open("test:///default", logger: logger)
        let domain = try await conn.domain(named: "test")
        let estimate = try await domain.sampleZeroPages(MemorySampling(samples: 8, pagesPerSample: 2))
        #expect(estimate.runs == 8 && estimate.sampledPages == 16)
        // The test driver's memory is a byte pattern, never a zero page.
        #expect(estimate.share == 0)
        #expect(estimate.memoryBytes == (try await domain.memoryInfo()).maximumBytes)

        await #expect(throws: MemorySamplingError.self) {
            try await domain.sampleZeroPages(MemorySampling(pagesPerSample: 0))
        }
    }
}
