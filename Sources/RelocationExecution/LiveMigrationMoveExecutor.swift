import LiveMigration
import Logging
import Relocation

/// Runs relocation moves as live migrations through `LiveMigration`: the
/// bridge between a `RelocationPlan` and real libvirt hosts.
///
/// ```swift
/// let executor = LiveMigrationMoveExecutor(logger: logger) { destination in migrateURIs[destination] }
/// let report = try await PlanExecutor(uris: ["dc-a": uriA, "dc-b": uriB], executor: executor).execute(plan)
/// ```
public struct LiveMigrationMoveExecutor: MoveExecutor {
    /// The migration policy for every move.
    public var policy: MigrationPolicy
    /// The libvirt domain name of a VM (the VM's id by default).
    public var domainName: @Sendable (VMID) -> String
    /// The migration data URI for a destination libvirt URI (e.g.
    /// `tcp://10.0.0.2:49152`), or nil to let libvirt choose.
    public var migrateURI: @Sendable (String) -> String?
    public var logger: Logger

    public init(
        policy: MigrationPolicy = .livCloudDefault,
        logger: Logger,
        domainName: @escaping @Sendable (VMID) -> String = { $0.rawValue },
        migrateURI: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.policy = policy
        self.domainName = domainName
        self.migrateURI = migrateURI
        self.logger = logger
    }

    public func migrate(vm: VMID, from sourceURI: String, to destinationURI: String) async throws {
        let source = try await Connection.open(sourceURI, logger: logger)
        let domain = try await source.domain(named: domainName(vm))
        let result = try await Migrator(logger: logger).migrate(
            domain, to: destinationURI, migrateURI: migrateURI(destinationURI), policy: policy)
        guard result.placement.runningOn == .destination else {
            throw MoveNotCompleted(vm: vm, placement: result.placement.description)
        }
        logger.info("relocated", metadata: [
            "vm": "\(vm)", "downtime_ms": "\(result.stats?.downtimeMs.map(String.init) ?? "?")",
        ])
    }
}

/// A migration returned, but the guest does not run (only) on the destination.
public struct MoveNotCompleted: Error, Sendable, CustomStringConvertible {
    public var vm: VMID
    public var placement: String

    public var description: String {
        "VM \(vm) was migrated but does not run only on the destination (\(placement))"
    }
}
