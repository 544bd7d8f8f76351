import Foundation
import Logging
import MigrationModel
import Testing

@testable import LiveMigration

/// The zero-page sampler's pure parts: where it reads, how it counts and how
/// it turns counts into a share with an error.
struct ZeroPageProbeTests {
    @Test func offsetsAreOnePageAlignedRunPerStratumInsideTheSampledRange() {
        let probe = ZeroPageProbe(samples: 64, pagesPerSample: 16)
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
        let probe = ZeroPageProbe(samples: 1024, pagesPerSample: 16)
        let memory: UInt64 = 8 << 20
        let offsets = probe.offsets(memoryBytes: memory)
        #expect(offsets.count == 1024)
        #expect(offsets.allSatisfy { $0 % 4096 == 0 && $0 + probe.readBytes <= memory })
    }

    @Test func largeGuestsAreSampledInTheLowTwoGiBOnly() {
        let probe = ZeroPageProbe()
        let memory: UInt64 = 8 << 30
        #expect(probe.sampledRange(memoryBytes: memory) == 2 << 30)
        #expect(probe.offsets(memoryBytes: memory).allSatisfy { $0 + probe.readBytes <= 2 << 30 })
        #expect(probe.sampledRange(memoryBytes: 100 << 20) == 100 << 20)
    }

    @Test func unusableSettingsAreNamed() {
        #expect(ZeroPageProbe(pagesPerSample: 0).problem(memoryBytes: 1 << 30)?.contains("pagesPerSample") == true)
        #expect(ZeroPageProbe(pagesPerSample: 2048).problem(memoryBytes: 1 << 30)?.contains("peek limit") == true)
        #expect(ZeroPageProbe(pageSize: 3000).problem(memoryBytes: 1 << 30)?.contains("power of two") == true)
        #expect(ZeroPageProbe(samples: -1).problem(memoryBytes: 1 << 30)?.contains("negative") == true)
        #expect(ZeroPageProbe(pagesPerSample: 16).problem(memoryBytes: 32 << 10)?.contains("no run") == true)
        #expect(ZeroPageProbe().problem(memoryBytes: 1 << 30) == nil)
        #expect(ZeroPageProbe(pagesPerSample: 0).offsets(memoryBytes: 1 << 30).isEmpty)
        #expect(ZeroPageProbe(samples: 0).offsets(memoryBytes: 1 << 30).isEmpty)
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

    @Test func theWorkloadCarriesTheSampledShareAndTheNotesSaySo() {
        let memory = DomainMemoryInfo(maximumBytes: 512 << 20, currentBytes: 512 << 20, virtualCPUs: 1)
        let rate = DirtyRateMeasurement(mebibytesPerSecond: 0, periodSeconds: 1, startTime: nil, mode: nil, waitedSeconds: 1)
        let estimate = ZeroPageEstimate.from(
            runs: Array(repeating: (zero: 12, pages: 16), count: 8), sampledRangeBytes: 512 << 20,
            memoryBytes: 512 << 20, elapsedSeconds: 0.01)
        let known = MeasuredWorkload.derive(domainName: "g", memory: memory, short: rate, long: nil, zeroPages: estimate)
        #expect(known.workload.zeroPageShare == 0.75)
        #expect(known.notes.contains { $0.hasPrefix("zero pages: 75 %") })

        let unknown = MeasuredWorkload.derive(
            domainName: "g", memory: memory, short: rate, long: nil, zeroPagesUnknownBecause: "peek refused")
        #expect(unknown.workload.zeroPageShare == nil)
        #expect(unknown.notes.contains { $0.contains("zero-page share unknown (peek refused)") })

        // The model sends a quarter of the bytes when three quarters are zero.
        let link = LinkEstimate.cap(mebibytesPerSecond: 10)
        let budget = DowntimeBudget(milliseconds: 300)
        let withShare = Predictor().outcome(of: .qemuDefault, workload: known.workload, link: link, budget: budget)
        let without = Predictor().outcome(of: .qemuDefault, workload: unknown.workload, link: link, budget: budget)
        let ratio = (withShare.bytesSent ?? 0) / (without.bytesSent ?? 1)
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
        let estimate = try await domain.sampleZeroPages(ZeroPageProbe(samples: 8, pagesPerSample: 2))
        #expect(estimate.runs == 8 && estimate.sampledPages == 16)
        // The test driver's memory is a byte pattern, never a zero page.
        #expect(estimate.share == 0)
        #expect(estimate.memoryBytes == (try await domain.memoryInfo()).maximumBytes)

        await #expect(throws: ZeroPageSamplingError.self) {
            try await domain.sampleZeroPages(ZeroPageProbe(pagesPerSample: 0))
        }
    }
}
