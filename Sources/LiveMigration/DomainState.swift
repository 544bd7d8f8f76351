import CLivCloudLibvirt

/// A domain's state as `virDomainGetState` reports it, with the reason code
/// kept raw (its meaning depends on the state).
public struct DomainState: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Int32, Sendable, Equatable {
        case noState = 0, running = 1, blocked = 2, paused = 3, shuttingDown = 4,
             shutOff = 5, crashed = 6, suspended = 7
    }

    public var kind: Kind
    public var reason: Int32

    public init(kind: Kind, reason: Int32) {
        self.kind = kind
        self.reason = reason
    }

    public var isRunning: Bool { kind == .running || kind == .blocked }
    /// Paused by libvirt for the stop-and-copy phase of a migration.
    public var isPausedForMigration: Bool { kind == .paused && reason == Int32(VIR_DOMAIN_PAUSED_MIGRATION.rawValue) }
    /// Paused on the source while post-copy runs the guest on the destination.
    public var isPausedForPostCopy: Bool { kind == .paused && reason == Int32(VIR_DOMAIN_PAUSED_POSTCOPY.rawValue) }

    public var description: String {
        switch kind {
        case .noState: "nostate"
        case .running: "running"
        case .blocked: "blocked"
        case .paused: "paused(reason \(reason))"
        case .shuttingDown: "shutting down"
        case .shutOff: "shut off"
        case .crashed: "crashed"
        case .suspended: "pmsuspended"
        }
    }
}
