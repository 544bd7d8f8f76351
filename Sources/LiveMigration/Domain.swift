import CLivCloudLibvirt
import Foundation

/// A libvirt domain (`virDomainPtr`), freed when the last reference goes
/// away. It keeps its `Connection` alive.
public final class Domain: @unchecked Sendable {
    let handle: OpaquePointer
    public let connection: Connection
    public let name: String

    init(handle: OpaquePointer, connection: Connection, name: String) {
        self.handle = handle
        self.connection = connection
        self.name = name
    }

    deinit { virDomainFree(handle) }

    private func op(_ function: String) -> String { "\(function)(\(name))" }

    // MARK: Blocking primitives (call only from a BlockingExecutor thread)

    func stateBlocking() throws(LibvirtError) -> DomainState {
        var state: Int32 = 0
        var reason: Int32 = 0
        try Libvirt.check(op("virDomainGetState")) { virDomainGetState(handle, &state, &reason, 0) }
        return DomainState(kind: DomainState.Kind(rawValue: state) ?? .noState, reason: reason)
    }

    func jobStatsBlocking(completed: Bool) throws(LibvirtError) -> JobStats {
        var type: Int32 = 0
        var params: virTypedParameterPtr?
        var count: Int32 = 0
        let flags = completed ? UInt32(VIR_DOMAIN_JOB_STATS_COMPLETED.rawValue) : 0
        try Libvirt.check(op("virDomainGetJobStats")) { virDomainGetJobStats(handle, &type, &params, &count, flags) }
        let typed = TypedParameters(adopting: params, count: count)
        return JobStats(type: JobStats.JobType(rawValue: type) ?? .none, values: typed.dictionary)
    }

    func abortJobBlocking() throws(LibvirtError) {
        try Libvirt.check(op("virDomainAbortJob")) { virDomainAbortJob(handle) }
    }

    func setMaxDowntimeBlocking(milliseconds: UInt64) throws(LibvirtError) {
        try Libvirt.check(op("virDomainMigrateSetMaxDowntime")) { virDomainMigrateSetMaxDowntime(handle, milliseconds, 0) }
    }

    func maxDowntimeBlocking() throws(LibvirtError) -> UInt64 {
        var value: UInt64 = 0
        try Libvirt.check(op("virDomainMigrateGetMaxDowntime")) { virDomainMigrateGetMaxDowntime(handle, &value, 0) }
        return value
    }

    func setMaxBandwidthBlocking(mebibytesPerSecond: UInt64) throws(LibvirtError) {
        try Libvirt.check(op("virDomainMigrateSetMaxSpeed")) {
            virDomainMigrateSetMaxSpeed(handle, UInt(mebibytesPerSecond), 0)
        }
    }

    func maxBandwidthBlocking() throws(LibvirtError) -> UInt64 {
        var value: UInt = 0
        try Libvirt.check(op("virDomainMigrateGetMaxSpeed")) { virDomainMigrateGetMaxSpeed(handle, &value, 0) }
        return UInt64(value)
    }

    func startPostCopyBlocking() throws(LibvirtError) {
        try Libvirt.check(op("virDomainMigrateStartPostCopy")) { virDomainMigrateStartPostCopy(handle, 0) }
    }

    func resumeBlocking() throws(LibvirtError) {
        try Libvirt.check(op("virDomainResume")) { virDomainResume(handle) }
    }

    func destroyBlocking() throws(LibvirtError) {
        try Libvirt.check(op("virDomainDestroy")) { virDomainDestroy(handle) }
    }

    func isPersistentBlocking() throws(LibvirtError) -> Bool {
        try Libvirt.check(op("virDomainIsPersistent")) { virDomainIsPersistent(handle) } == 1
    }

    func xmlDescriptionBlocking() throws(LibvirtError) -> String {
        let raw = try Libvirt.check(op("virDomainGetXMLDesc")) { virDomainGetXMLDesc(handle, 0) }
        defer { free(raw) }
        return String(cString: raw)
    }

    // MARK: Async API

    public func state() async throws -> DomainState {
        try await BlockingExecutor.run { try self.stateBlocking() }
    }

    /// The running job's statistics, or with `completed` those of the last
    /// finished job (`VIR_DOMAIN_JOB_STATS_COMPLETED`).
    public func jobStats(completed: Bool = false) async throws -> JobStats {
        try await BlockingExecutor.run { try self.jobStatsBlocking(completed: completed) }
    }

    /// `virDomainAbortJob`.
    public func abortJob() async throws {
        try await BlockingExecutor.run { try self.abortJobBlocking() }
    }

    /// `virDomainMigrateSetMaxDowntime`; allowed while a migration runs.
    public func setMaxDowntime(milliseconds: UInt64) async throws {
        try await BlockingExecutor.run { try self.setMaxDowntimeBlocking(milliseconds: milliseconds) }
    }

    /// `virDomainMigrateGetMaxDowntime`.
    public func maxDowntime() async throws -> UInt64 {
        try await BlockingExecutor.run { try self.maxDowntimeBlocking() }
    }

    /// `virDomainMigrateSetMaxSpeed`, MiB/s; allowed while a migration runs.
    public func setMaxBandwidth(mebibytesPerSecond: UInt64) async throws {
        try await BlockingExecutor.run { try self.setMaxBandwidthBlocking(mebibytesPerSecond: mebibytesPerSecond) }
    }

    /// `virDomainMigrateGetMaxSpeed`, MiB/s.
    public func maxBandwidth() async throws -> UInt64 {
        try await BlockingExecutor.run { try self.maxBandwidthBlocking() }
    }

    /// `virDomainMigrateStartPostCopy`.
    public func startPostCopy() async throws {
        try await BlockingExecutor.run { try self.startPostCopyBlocking() }
    }

    public func resume() async throws {
        try await BlockingExecutor.run { try self.resumeBlocking() }
    }

    /// `virDomainDestroy`: stops the guest at once; a persistent definition stays.
    public func destroy() async throws {
        try await BlockingExecutor.run { try self.destroyBlocking() }
    }

    public func isPersistent() async throws -> Bool {
        try await BlockingExecutor.run { try self.isPersistentBlocking() }
    }

    public func xmlDescription() async throws -> String {
        try await BlockingExecutor.run { try self.xmlDescriptionBlocking() }
    }
}
