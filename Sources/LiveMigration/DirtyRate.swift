import CLivCloudLibvirt
import Foundation

/// How QEMU measures the dirty rate (`virDomainDirtyRateCalcFlags`). Under
/// TCG only page sampling works; the other two need KVM's dirty log.
public enum DirtyRateMode: String, Sendable, Equatable, Codable {
    /// Hashes a sample of pages (512 per GiB) at the start and end of the
    /// period and counts the ones that changed (`VIR_DOMAIN_DIRTYRATE_MODE_PAGE_SAMPLING`).
    case pageSampling = "page-sampling"
    /// KVM dirty bitmap (`VIR_DOMAIN_DIRTYRATE_MODE_DIRTY_BITMAP`).
    case dirtyBitmap = "dirty-bitmap"
    /// KVM dirty ring (`VIR_DOMAIN_DIRTYRATE_MODE_DIRTY_RING`).
    case dirtyRing = "dirty-ring"

    var flags: UInt32 {
        switch self {
        case .pageSampling: UInt32(VIR_DOMAIN_DIRTYRATE_MODE_PAGE_SAMPLING.rawValue)
        case .dirtyBitmap: UInt32(VIR_DOMAIN_DIRTYRATE_MODE_DIRTY_BITMAP.rawValue)
        case .dirtyRing: UInt32(VIR_DOMAIN_DIRTYRATE_MODE_DIRTY_RING.rawValue)
        }
    }
}

/// The state of a domain's dirty-rate calculation (`virDomainDirtyRateStatus`,
/// libvirt's `dirtyrate.calc_status`).
public enum DirtyRateStatus: Int32, Sendable, Equatable, Codable {
    case unstarted = 0, measuring = 1, measured = 2
}

/// One dirty-rate calculation's result (`VIR_DOMAIN_STATS_DIRTYRATE`).
public struct DirtyRateMeasurement: Sendable, Equatable, Codable {
    /// `dirtyrate.megabytes_per_second`. QEMU computes it with 2^20-byte
    /// megabytes and truncates it to an integer.
    public var mebibytesPerSecond: Int64
    /// `dirtyrate.calc_period`, seconds.
    public var periodSeconds: Int
    /// `dirtyrate.calc_start_time` (QEMU's clock, seconds).
    public var startTime: Int64?
    /// `dirtyrate.calc_mode` (libvirt ≥ 8.1), e.g. `page-sampling`.
    public var mode: String?
    /// Wall-clock time from the start request until libvirt reported `measured`, seconds.
    public var waitedSeconds: Double

    public var bytesPerSecond: Double { Double(mebibytesPerSecond) * 1_048_576 }
    /// Distinct bytes dirtied during the period (rate × period): with a guest that
    /// keeps re-dirtying a working set, this saturates at the working set.
    public var distinctBytes: Double { bytesPerSecond * Double(periodSeconds) }
}

/// Memory sizes from `virDomainGetInfo`.
public struct DomainMemoryInfo: Sendable, Equatable, Codable {
    /// `maxMem`, bytes: what a migration has to move.
    public var maximumBytes: UInt64
    /// `memory`, bytes currently given to the guest.
    public var currentBytes: UInt64
    public var virtualCPUs: Int
}

/// Why a dirty-rate measurement could not be taken.
public struct DirtyRateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var domain: String
    public var message: String
    public var description: String { "dirty-rate measurement of \(domain): \(message)" }
}

extension Domain {
    // MARK: Blocking primitives (call only from a BlockingExecutor thread)

    func startDirtyRateCalcBlocking(seconds: Int, mode: DirtyRateMode) throws(LibvirtError) {
        try Libvirt.check("virDomainStartDirtyRateCalc(\(name))") {
            virDomainStartDirtyRateCalc(handle, Int32(seconds), mode.flags)
        }
    }

    /// The `dirtyrate.*` fields of `virDomainListGetStats(VIR_DOMAIN_STATS_DIRTYRATE)`
    /// for this domain alone: (status, MiB/s, period, start time, mode).
    func dirtyRateStatsBlocking() throws(LibvirtError) -> (
        status: DirtyRateStatus?, mibps: Int64?, period: Int?, start: Int64?, mode: String?
    ) {
        var records: UnsafeMutablePointer<virDomainStatsRecordPtr?>?
        var domains: [virDomainPtr?] = [handle, nil]
        let stats = UInt32(VIR_DOMAIN_STATS_DIRTYRATE.rawValue)
        try Libvirt.check("virDomainListGetStats(\(name), DIRTYRATE)") {
            domains.withUnsafeMutableBufferPointer { virDomainListGetStats($0.baseAddress, stats, &records, 0) }
        }
        defer { virDomainStatsRecordListFree(records) }
        guard let record = records?.pointee?.pointee else { return (nil, nil, nil, nil, nil) }
        let params = record.params, count = record.nparams
        var i32: Int32 = 0, i64: Int64 = 0
        var str: UnsafePointer<CChar>?
        let status = virTypedParamsGetInt(params, count, "dirtyrate.calc_status", &i32) == 1
            ? DirtyRateStatus(rawValue: i32) : nil
        let mibps = virTypedParamsGetLLong(params, count, "dirtyrate.megabytes_per_second", &i64) == 1 ? i64 : nil
        let period = virTypedParamsGetInt(params, count, "dirtyrate.calc_period", &i32) == 1 ? Int(i32) : nil
        let start = virTypedParamsGetLLong(params, count, "dirtyrate.calc_start_time", &i64) == 1 ? i64 : nil
        let mode = virTypedParamsGetString(params, count, "dirtyrate.calc_mode", &str) == 1 ? str.map { String(cString: $0) } : nil
        return (status, mibps, period, start, mode)
    }

    func memoryInfoBlocking() throws(LibvirtError) -> DomainMemoryInfo {
        var info = virDomainInfo()
        try Libvirt.check("virDomainGetInfo(\(name))") { virDomainGetInfo(handle, &info) }
        return DomainMemoryInfo(
            maximumBytes: UInt64(info.maxMem) * 1024, currentBytes: UInt64(info.memory) * 1024,
            virtualCPUs: Int(info.nrVirtCpu))
    }

    // MARK: Async API

    /// Guest memory (`virDomainGetInfo`): the maximum is what a migration moves.
    public func memoryInfo() async throws -> DomainMemoryInfo {
        try await BlockingExecutor.run { try self.memoryInfoBlocking() }
    }

    /// Measures how fast the running guest dirties memory: starts QEMU's
    /// calculation (`virDomainStartDirtyRateCalc`) over `seconds`, then polls
    /// `virDomainListGetStats(VIR_DOMAIN_STATS_DIRTYRATE)` every `pollInterval`
    /// until `dirtyrate.calc_status` is `measured`, or throws once `seconds` +
    /// `slack` have passed. Cancelling the task stops the wait (QEMU finishes
    /// its calculation by itself).
    ///
    /// QEMU sets the status to unstarted/measuring when a calculation starts,
    /// so a `measured` read after the start belongs to this calculation.
    public func measureDirtyRate(
        seconds: Int = 1, mode: DirtyRateMode = .pageSampling,
        pollInterval: Duration = .milliseconds(100), slack: Duration = .seconds(10)
    ) async throws -> DirtyRateMeasurement {
        guard seconds >= 1 else { throw DirtyRateError(domain: name, message: "the period must be at least 1 s (got \(seconds))") }
        let clock = ContinuousClock()
        let started = clock.now
        try await BlockingExecutor.run { try self.startDirtyRateCalcBlocking(seconds: seconds, mode: mode) }
        let deadline = started + .seconds(seconds) + slack
        // Nothing can be measured before the period has passed: the first read
        // is due then; afterwards, every poll interval until the deadline.
        var due = started + .seconds(seconds)
        var lastStatus: DirtyRateStatus?
        while true {
            try await Task.sleep(until: min(due, deadline), clock: clock)
            let s = try await BlockingExecutor.run { try self.dirtyRateStatsBlocking() }
            lastStatus = s.status
            if s.status == .measured, let mibps = s.mibps {
                let waited = started.duration(to: clock.now)
                return DirtyRateMeasurement(
                    mebibytesPerSecond: mibps, periodSeconds: s.period ?? seconds, startTime: s.start, mode: s.mode,
                    waitedSeconds: waited.seconds)
            }
            if clock.now >= deadline {
                throw DirtyRateError(
                    domain: name,
                    message: "not measured within \(seconds) s + \(slack) (last calc_status: "
                        + "\(lastStatus.map { "\($0)" } ?? "absent"))")
            }
            due = clock.now + pollInterval
        }
    }
}
