import CLivCloudLibvirt
import Foundation

/// How LivCloud samples a running guest's memory, to estimate the share of
/// pages that are all zero (a migration sends those as a header only, QEMU's
/// zero-page check) and, from two samples, how many distinct pages the guest
/// changed in between (its dirty rate and working set).
///
/// The guest-physical range is cut into `samples` equal strata, and from each
/// a run of `pagesPerSample` pages at a random, page-aligned offset is read
/// with `virDomainMemoryPeek(VIR_MEMORY_PHYSICAL)` (QEMU's `pmemsave`; one
/// call per run, about 1.5 ms on the lab). Runs of pages rather than single
/// pages because the cost is per call: 256 runs of 16 pages read 16 MiB in
/// about 0.4 s. That is 4096 pages, where QEMU's own page sampling
/// (`virDomainStartDirtyRateCalc`) looks at 512 per GiB: 64 on a 128 MiB guest.
///
/// Only `[0, min(memory, 2 GiB))` is sampled: below 2 GiB guest-physical
/// addresses are RAM on every x86 machine type QEMU has, while above it the
/// split around the PCI hole depends on the machine type and memory size. For
/// larger guests the share of the low 2 GiB is taken for all memory, and the
/// estimate says so (`extrapolated`).
public struct MemorySampling: Sendable, Equatable, Codable {
    /// Strata (runs read). 0 = do not sample.
    public var samples: Int
    /// Consecutive pages read per run.
    public var pagesPerSample: Int
    /// Seed of the offsets within each stratum (the same seed reads the same pages).
    public var seed: UInt64
    /// Guest page size, bytes (QEMU's target page on x86).
    public var pageSize: UInt64

    public init(samples: Int = 256, pagesPerSample: Int = 16, seed: UInt64 = 0x9E37_79B9_7F4A_7C15, pageSize: UInt64 = 4096) {
        self.samples = samples
        self.pagesPerSample = pagesPerSample
        self.seed = seed
        self.pageSize = pageSize
    }

    /// The highest guest-physical address sampled: RAM below it on every x86 machine type.
    public static let sampledRangeLimit: UInt64 = 2 << 30

    /// Largest read libvirt's remote protocol allows in one call (`REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX`).
    public static let maximumReadBytes: UInt64 = 4 << 20

    /// The byte range sampled for a guest of `memoryBytes`.
    public func sampledRange(memoryBytes: UInt64) -> UInt64 {
        min(memoryBytes, Self.sampledRangeLimit) / pageSize * pageSize
    }

    /// Bytes read per call.
    public var readBytes: UInt64 { UInt64(max(pagesPerSample, 1)) * pageSize }

    /// Why these settings cannot sample a guest of `memoryBytes`, or nil.
    public func problem(memoryBytes: UInt64) -> String? {
        if samples < 0 { return "samples must not be negative (got \(samples))" }
        if pagesPerSample < 1 { return "pagesPerSample must be at least 1 (got \(pagesPerSample))" }
        if pageSize < 8 || pageSize & (pageSize - 1) != 0 { return "pageSize must be a power of two of at least 8 (got \(pageSize))" }
        if readBytes > Self.maximumReadBytes {
            return "a run of \(pagesPerSample) pages (\(readBytes) bytes) exceeds libvirt's \(Self.maximumReadBytes)-byte peek limit"
        }
        let range = sampledRange(memoryBytes: memoryBytes)
        if range < readBytes { return "the guest's \(memoryBytes) bytes hold no run of \(pagesPerSample) pages" }
        return nil
    }

    /// Start offsets of the runs: one per stratum, page-aligned, each run
    /// wholly inside its stratum where the stratum is large enough (pure).
    public func offsets(memoryBytes: UInt64) -> [UInt64] {
        guard problem(memoryBytes: memoryBytes) == nil, samples > 0 else { return [] }
        let pages = sampledRange(memoryBytes: memoryBytes) / pageSize
        let run = UInt64(max(pagesPerSample, 1))
        let count = UInt64(samples)
        var rng = SplitMix64(seed: seed)
        var result: [UInt64] = []
        result.reserveCapacity(samples)
        for i in 0..<count {
            let first = pages * i / count
            let end = pages * (i + 1) / count  // exclusive
            // Latest start that keeps the run inside the stratum, else inside memory.
            let lastStart = end >= first + run ? end - run : min(first, pages - run)
            let start = lastStart > first ? first + rng.next() % (lastStart - first + 1) : lastStart
            result.append(start * pageSize)
        }
        return result
    }
}

/// Run-level counts to a share with its standard error: the ratio estimator
/// for cluster samples (pages within a run are correlated, so the error comes
/// from the spread between runs, not from the page count).
struct RunRatio {
    var hits = 0
    var pages = 0
    var runs: Int
    var share = 0.0
    var standardError = 0.0

    init(_ counts: [(hits: Int, pages: Int)]) {
        runs = counts.count
        for c in counts {
            hits += c.hits
            pages += c.pages
        }
        guard pages > 0 else { return }
        share = Double(hits) / Double(pages)
        // SE² = Σ (h_i − p·n_i)² / (k (k−1) n̄²).
        guard runs > 1 else { return }
        let meanPages = Double(pages) / Double(runs)
        let ss = counts.reduce(0.0) { acc, c in
            let r = Double(c.hits) - share * Double(c.pages)
            return acc + r * r
        }
        standardError = (ss / Double(runs * (runs - 1))).squareRoot() / meanPages
    }
}

/// The zero-page share from one sample (`MemorySample.zeroPages`).
public struct ZeroPageEstimate: Sendable, Equatable, Codable {
    /// Pages read.
    public var sampledPages: Int
    /// Of those, pages whose bytes are all zero.
    public var zeroPages: Int
    /// Runs read (the sampling units).
    public var runs: Int
    /// `zeroPages / sampledPages`.
    public var share: Double
    /// Standard error of `share`, from the spread between runs (pages within a
    /// run are correlated, so this is wider than a binomial error).
    public var standardError: Double
    /// Guest-physical bytes the runs were spread over.
    public var sampledRangeBytes: UInt64
    /// Guest memory.
    public var memoryBytes: UInt64
    /// Wall time of the sampling, seconds.
    public var elapsedSeconds: Double

    /// Whether the share of a low range stands for a larger guest.
    public var extrapolated: Bool { sampledRangeBytes < memoryBytes }

    /// The estimate from per-run counts (pure): `runs[i]` = (zero pages, pages) of run i.
    public static func from(
        runs counts: [(zero: Int, pages: Int)], sampledRangeBytes: UInt64, memoryBytes: UInt64, elapsedSeconds: Double
    ) -> ZeroPageEstimate {
        let r = RunRatio(counts.map { (hits: $0.zero, pages: $0.pages) })
        return ZeroPageEstimate(
            sampledPages: r.pages, zeroPages: r.hits, runs: r.runs, share: r.share, standardError: r.standardError,
            sampledRangeBytes: sampledRangeBytes, memoryBytes: memoryBytes, elapsedSeconds: elapsedSeconds)
    }

    /// One sentence for a person.
    public var summary: String {
        let mib = 1_048_576.0
        var s = String(
            format: "zero pages: %.0f %% ± %.0f %% of %d sampled pages (%d runs over the first %.0f MiB, %.2f s)",
            share * 100, standardError * 100, sampledPages, runs, Double(sampledRangeBytes) / mib, elapsedSeconds)
        if extrapolated { s += String(format: "; taken for all %.0f MiB", Double(memoryBytes) / mib) }
        return s
    }

    /// Counts the all-zero pages in `buffer`, which holds whole pages of `pageSize` bytes (pure).
    public static func zeroPageCount(in buffer: UnsafeRawBufferPointer, pageSize: Int) -> Int {
        precondition(pageSize > 0 && pageSize % 8 == 0, "page size must be a positive multiple of 8")
        var zero = 0
        var page = 0
        while page + pageSize <= buffer.count {
            var acc: UInt64 = 0
            var i = page
            let end = page + pageSize
            while i < end {
                acc |= buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if acc != 0 { break }
                i += 8
            }
            if acc == 0 { zero += 1 }
            page = end
        }
        return zero
    }
}

/// Why a memory sample could not be taken.
public struct MemorySamplingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var domain: String
    public var message: String
    /// The libvirt error behind it, if any.
    public var cause: LibvirtError?
    public var description: String { "memory sampling of \(domain): \(message)" }
}

/// A small, seedable generator (SplitMix64) so the same seed reads the same pages.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Domain {
    /// Reads `size` bytes of guest-physical memory at `offset` into `buffer` (blocking).
    func memoryPeekPhysicalBlocking(offset: UInt64, size: Int, into buffer: UnsafeMutableRawPointer) throws(LibvirtError) {
        try Libvirt.check("virDomainMemoryPeek(\(name), PHYSICAL)") {
            virDomainMemoryPeek(handle, offset, size, buffer, UInt32(VIR_MEMORY_PHYSICAL.rawValue))
        }
    }

    /// Reads a sample of the running guest's memory (see `MemorySampling`):
    /// per page a hash of its bytes, and the zero-page share. The guest keeps
    /// running; the reads happen on a dedicated thread. Two samples with the
    /// same settings give the pages changed in between (`DirtyPageEstimate`).
    ///
    /// Throws `MemorySamplingError` when the settings don't fit the guest or
    /// libvirt refuses the read (e.g. the domain is not running, or the driver
    /// has no `virDomainMemoryPeek`).
    public func sampleMemory(_ sampling: MemorySampling = MemorySampling()) async throws -> MemorySample {
        try await sampleMemory(sampling, memoryBytes: try await memoryInfo().maximumBytes)
    }

    /// `sampleMemory` for a guest whose memory size is already known.
    func sampleMemory(_ sampling: MemorySampling, memoryBytes memory: UInt64) async throws -> MemorySample {
        if let problem = sampling.problem(memoryBytes: memory) {
            throw MemorySamplingError(domain: name, message: problem)
        }
        let offsets = sampling.offsets(memoryBytes: memory)
        let readBytes = Int(sampling.readBytes)
        let pageSize = Int(sampling.pageSize)
        let name = name
        return try await BlockingExecutor.run("livcloud.memory-sample") { () throws -> MemorySample in
            let clock = ContinuousClock()
            let started = clock.now
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readBytes, alignment: 8)
            defer { buffer.deallocate() }
            var counts: [(zero: Int, pages: Int)] = []
            var hashes: [UInt64] = []
            var readAt: [ContinuousClock.Instant] = []
            counts.reserveCapacity(offsets.count)
            hashes.reserveCapacity(offsets.count * readBytes / pageSize)
            readAt.reserveCapacity(offsets.count)
            for offset in offsets {
                readAt.append(clock.now)
                do throws(LibvirtError) {
                    try self.memoryPeekPhysicalBlocking(offset: offset, size: readBytes, into: buffer.baseAddress!)
                } catch {
                    throw MemorySamplingError(
                        domain: name, message: "reading \(readBytes) bytes at guest-physical 0x\(String(offset, radix: 16)) failed: \(error)",
                        cause: error)
                }
                let raw = UnsafeRawBufferPointer(buffer)
                counts.append((ZeroPageEstimate.zeroPageCount(in: raw, pageSize: pageSize), readBytes / pageSize))
                MemorySample.appendPageHashes(of: raw, pageSize: pageSize, to: &hashes)
            }
            let zero = ZeroPageEstimate.from(
                runs: counts, sampledRangeBytes: sampling.sampledRange(memoryBytes: memory), memoryBytes: memory,
                elapsedSeconds: started.duration(to: clock.now).seconds)
            return MemorySample(sampling: sampling, memoryBytes: memory, pageHashes: hashes, readAt: readAt, zeroPages: zero)
        }
    }

    /// The zero-page share of the running guest from one memory sample.
    public func sampleZeroPages(_ sampling: MemorySampling = MemorySampling()) async throws -> ZeroPageEstimate {
        try await sampleMemory(sampling).zeroPages
    }
}

/// One sample of a guest's memory (`Domain.sampleMemory`). The pages read
/// follow from `sampling` and `memoryBytes` (`MemorySampling.offsets`).
public struct MemorySample: Sendable, Equatable {
    public var sampling: MemorySampling
    public var memoryBytes: UInt64
    /// A 64-bit hash of every sampled page, run after run.
    public var pageHashes: [UInt64]
    /// When each run was read.
    public var readAt: [ContinuousClock.Instant]
    public var zeroPages: ZeroPageEstimate

    public init(
        sampling: MemorySampling, memoryBytes: UInt64, pageHashes: [UInt64], readAt: [ContinuousClock.Instant],
        zeroPages: ZeroPageEstimate
    ) {
        self.sampling = sampling
        self.memoryBytes = memoryBytes
        self.pageHashes = pageHashes
        self.readAt = readAt
        self.zeroPages = zeroPages
    }

    /// Appends one FNV-1a hash (over 8-byte words) per whole page of `buffer` (pure).
    static func appendPageHashes(of buffer: UnsafeRawBufferPointer, pageSize: Int, to hashes: inout [UInt64]) {
        var page = 0
        while page + pageSize <= buffer.count {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var i = page
            while i < page + pageSize {
                h = (h ^ buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
                i += 8
            }
            hashes.append(h)
            page += pageSize
        }
    }
}

/// Distinct pages a guest changed between two memory samples: its dirty rate
/// while that is below the working set, and the working set once the interval
/// is long enough for the guest to have gone round it.
public struct DirtyPageEstimate: Sendable, Equatable, Codable {
    public var sampledPages: Int
    public var changedPages: Int
    public var runs: Int
    /// `changedPages / sampledPages`.
    public var share: Double
    /// Standard error of `share` from the spread between runs.
    public var standardError: Double
    /// Mean time between a run's two reads, seconds.
    public var intervalSeconds: Double
    public var memoryBytes: UInt64

    /// Distinct bytes changed in the interval (the share of all memory).
    public var distinctBytes: Double { share * Double(memoryBytes) }
    /// `distinctBytes / intervalSeconds`.
    public var bytesPerSecond: Double { intervalSeconds > 0 ? distinctBytes / intervalSeconds : 0 }

    /// The pages that changed from `first` to `second`, which must sample the same pages (pure).
    public static func between(_ first: MemorySample, _ second: MemorySample) throws -> DirtyPageEstimate {
        let runs = first.readAt.count
        guard first.sampling == second.sampling, first.memoryBytes == second.memoryBytes, runs > 0,
              second.readAt.count == runs, first.pageHashes.count == second.pageHashes.count,
              first.pageHashes.count % runs == 0 else {
            throw MemorySamplingError(domain: "", message: "the two samples do not read the same pages")
        }
        let perRun = first.pageHashes.count / runs
        var counts: [(hits: Int, pages: Int)] = []
        var intervals = 0.0
        for run in 0..<runs {
            let changed = (run * perRun..<(run + 1) * perRun).count { first.pageHashes[$0] != second.pageHashes[$0] }
            counts.append((changed, perRun))
            intervals += first.readAt[run].duration(to: second.readAt[run]).seconds
        }
        let r = RunRatio(counts)
        return DirtyPageEstimate(
            sampledPages: r.pages, changedPages: r.hits, runs: r.runs, share: r.share, standardError: r.standardError,
            intervalSeconds: intervals / Double(runs), memoryBytes: first.memoryBytes)
    }

    /// One sentence for a person.
    public var summary: String {
        String(
            format: "%.1f MiB distinct (%.1f %% ± %.1f %% of %d sampled pages) changed in %.1f s: %.1f MiB/s",
            distinctBytes / 1_048_576, share * 100, standardError * 100, sampledPages, intervalSeconds,
            bytesPerSecond / 1_048_576)
    }
}
