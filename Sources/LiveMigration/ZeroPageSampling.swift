import CLivCloudLibvirt
import Foundation

/// How to estimate the share of a running guest's memory pages that are all
/// zero, which a migration sends as a header only (QEMU's zero-page check).
///
/// The guest-physical range is cut into `samples` equal strata, and from each
/// a run of `pagesPerSample` pages at a random, page-aligned offset is read
/// with `virDomainMemoryPeek(VIR_MEMORY_PHYSICAL)` (QEMU's `pmemsave`; one
/// call per run, about 1.5 ms on the lab). Runs of pages rather than single
/// pages because the cost is per call: 256 runs of 16 pages read 16 MiB in
/// about 0.4 s.
///
/// Only `[0, min(memory, 2 GiB))` is sampled: below 2 GiB guest-physical
/// addresses are RAM on every x86 machine type QEMU has, while above it the
/// split around the PCI hole depends on the machine type and memory size. For
/// larger guests the share of the low 2 GiB is taken for all memory, and the
/// estimate says so (`extrapolated`).
public struct ZeroPageProbe: Sendable, Equatable, Codable {
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
        if pageSize == 0 || pageSize & (pageSize - 1) != 0 { return "pageSize must be a power of two (got \(pageSize))" }
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

/// The estimate from one sampling (`Domain.sampleZeroPages`).
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
        let pages = counts.reduce(0) { $0 + $1.pages }
        let zero = counts.reduce(0) { $0 + $1.zero }
        let share = pages > 0 ? Double(zero) / Double(pages) : 0
        // Ratio estimator over clusters: SE² = Σ (z_i − p·n_i)² / (k (k−1) n̄²).
        var se = 0.0
        let k = counts.count
        if k > 1, pages > 0 {
            let meanPages = Double(pages) / Double(k)
            let ss = counts.reduce(0.0) { acc, c in
                let r = Double(c.zero) - share * Double(c.pages)
                return acc + r * r
            }
            se = (ss / Double(k * (k - 1))).squareRoot() / meanPages
        }
        return ZeroPageEstimate(
            sampledPages: pages, zeroPages: zero, runs: k, share: share, standardError: se,
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

/// Why a zero-page sampling could not be taken.
public struct ZeroPageSamplingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var domain: String
    public var message: String
    /// The libvirt error behind it, if any.
    public var cause: LibvirtError?
    public var description: String { "zero-page sampling of \(domain): \(message)" }
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

    /// Estimates the share of all-zero pages in the running guest's memory by
    /// reading a stratified sample of it (see `ZeroPageProbe`). The guest keeps
    /// running; the reads happen on a dedicated thread.
    ///
    /// Throws `ZeroPageSamplingError` when the probe's settings don't fit the
    /// guest or libvirt refuses the read (e.g. the domain is not running, or
    /// the driver has no `virDomainMemoryPeek`).
    public func sampleZeroPages(_ probe: ZeroPageProbe = ZeroPageProbe()) async throws -> ZeroPageEstimate {
        let memory = try await memoryInfo().maximumBytes
        if let problem = probe.problem(memoryBytes: memory) {
            throw ZeroPageSamplingError(domain: name, message: problem)
        }
        let offsets = probe.offsets(memoryBytes: memory)
        let readBytes = Int(probe.readBytes)
        let pageSize = Int(probe.pageSize)
        let name = name
        return try await BlockingExecutor.run("livcloud.zero-pages") { () throws -> ZeroPageEstimate in
            let clock = ContinuousClock()
            let started = clock.now
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readBytes, alignment: 8)
            defer { buffer.deallocate() }
            var counts: [(zero: Int, pages: Int)] = []
            counts.reserveCapacity(offsets.count)
            for offset in offsets {
                do throws(LibvirtError) {
                    try self.memoryPeekPhysicalBlocking(offset: offset, size: readBytes, into: buffer.baseAddress!)
                } catch {
                    throw ZeroPageSamplingError(
                        domain: name, message: "reading \(readBytes) bytes at guest-physical 0x\(String(offset, radix: 16)) failed: \(error)",
                        cause: error)
                }
                let zero = ZeroPageEstimate.zeroPageCount(in: UnsafeRawBufferPointer(buffer), pageSize: pageSize)
                counts.append((zero, readBytes / pageSize))
            }
            let elapsed = started.duration(to: clock.now)
            return ZeroPageEstimate.from(
                runs: counts, sampledRangeBytes: probe.sampledRange(memoryBytes: memory), memoryBytes: memory,
                elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }
}
