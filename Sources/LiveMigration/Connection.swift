import Foundation
import CLivCloudLibvirt
import Logging

/// An open libvirt connection (`virConnectPtr`), closed when the last
/// reference goes away. libvirt connections are thread-safe, so one
/// `Connection` may be used from several tasks at once; every call runs on a
/// dedicated thread (see `BlockingExecutor`), never on the cooperative pool.
public final class Connection: @unchecked Sendable {
    let handle: OpaquePointer
    /// The URI this connection was opened with.
    public let uri: String
    let logger: Logger

    /// Opens `uri` (e.g. `qemu+tcp://127.0.0.1:16510/system`, `test:///default`).
    public static func open(_ uri: String, logger: Logger) async throws -> Connection {
        try await BlockingExecutor.run("livcloud.connect") { try Connection(blockingOpen: uri, logger: logger) }
    }

    init(blockingOpen uri: String, logger: Logger) throws(LibvirtError) {
        let handle = try Libvirt.check("virConnectOpen(\(uri))") { virConnectOpen(uri) }
        virConnSetErrorFunc(handle, nil, Libvirt.silentErrorHandler)
        self.handle = handle
        self.uri = uri
        self.logger = logger
        logger.debug("libvirt connection opened", metadata: ["uri": "\(uri)"])
    }

    deinit {
        virConnectClose(handle)
    }

    // MARK: Blocking primitives (call only from a BlockingExecutor thread)

    func libVersionBlocking() throws(LibvirtError) -> LibvirtVersion {
        var version: UInt = 0
        try Libvirt.check("virConnectGetLibVersion") { virConnectGetLibVersion(handle, &version) }
        return LibvirtVersion(encoded: version)
    }

    func hypervisorVersionBlocking() throws(LibvirtError) -> LibvirtVersion {
        var version: UInt = 0
        try Libvirt.check("virConnectGetVersion") { virConnectGetVersion(handle, &version) }
        return LibvirtVersion(encoded: version)
    }

    func hostnameBlocking() throws(LibvirtError) -> String {
        let raw = try Libvirt.check("virConnectGetHostname") { virConnectGetHostname(handle) }
        defer { free(raw) }
        return String(cString: raw)
    }

    func domainBlocking(named name: String) throws(LibvirtError) -> Domain {
        let dom = try Libvirt.check("virDomainLookupByName(\(name))") { virDomainLookupByName(handle, name) }
        return Domain(handle: dom, connection: self, name: name)
    }

    /// The domain, or nil when libvirt answers `VIR_ERR_NO_DOMAIN`.
    func domainIfPresentBlocking(named name: String) throws(LibvirtError) -> Domain? {
        do {
            return try domainBlocking(named: name)
        } catch where error.code == .noDomain {
            return nil
        }
    }

    func domainCapabilitiesBlocking() throws(LibvirtError) -> String {
        let raw = try Libvirt.check("virConnectGetDomainCapabilities") {
            virConnectGetDomainCapabilities(handle, nil, nil, nil, nil, 0)
        }
        defer { free(raw) }
        return String(cString: raw)
    }

    func isAliveBlocking() -> Bool { virConnectIsAlive(handle) == 1 }

    // MARK: Async API

    /// The libvirt library version of the daemon side (`virConnectGetLibVersion`).
    public func libVersion() async throws -> LibvirtVersion {
        try await BlockingExecutor.run { try self.libVersionBlocking() }
    }

    /// The hypervisor version, e.g. QEMU 7.2.0 (`virConnectGetVersion`).
    public func hypervisorVersion() async throws -> LibvirtVersion {
        try await BlockingExecutor.run { try self.hypervisorVersionBlocking() }
    }

    public func hostname() async throws -> String {
        try await BlockingExecutor.run { try self.hostnameBlocking() }
    }

    /// Looks a domain up by name; throws `LibvirtError` with code `.noDomain` when absent.
    public func domain(named name: String) async throws -> Domain {
        try await BlockingExecutor.run { try self.domainBlocking(named: name) }
    }

    public func domainIfPresent(named name: String) async throws -> Domain? {
        try await BlockingExecutor.run { try self.domainIfPresentBlocking(named: name) }
    }

    /// The domain capabilities XML for the default emulator and machine.
    public func domainCapabilities() async throws -> String {
        try await BlockingExecutor.run { try self.domainCapabilitiesBlocking() }
    }

    public func isAlive() async -> Bool {
        (try? await BlockingExecutor.run { self.isAliveBlocking() }) ?? false
    }
}
