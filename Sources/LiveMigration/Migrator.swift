import Logging
import MigrationModel

/// Entry point for live migrations. Accepts a logger; never bootstraps logging.
public struct Migrator: Sendable {
    public var logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Prepares a migration of `domain` to `destinationURI` (a libvirt URI
    /// the source libvirtd can reach, peer-to-peer) with the migration data
    /// on `migrateURI` (e.g. `tcp://10.0.0.2:49152`). Read `events` while
    /// awaiting `run()`.
    ///
    /// - Parameters:
    ///   - destination: an open connection to the destination, used to report
    ///     where the guest runs and to read completed statistics; opened from
    ///     `destinationURI` when nil.
    ///   - controller: steers the job from its samples (after the policy's own schedules).
    public func migration(
        of domain: Domain, to destinationURI: String, migrateURI: String? = nil,
        policy: MigrationPolicy = .livCloudDefault, controller: (any MigrationController)? = nil,
        destination: Connection? = nil, pollInterval: Duration = .milliseconds(500)
    ) -> Migration {
        Migration(
            domain: domain, destinationURI: destinationURI, migrateURI: migrateURI, policy: policy,
            controller: controller, destination: destination, pollInterval: pollInterval, logger: logger)
    }

    /// Migrates and waits for the end, ignoring progress.
    public func migrate(
        _ domain: Domain, to destinationURI: String, migrateURI: String? = nil,
        policy: MigrationPolicy = .livCloudDefault, controller: (any MigrationController)? = nil,
        destination: Connection? = nil, pollInterval: Duration = .milliseconds(500)
    ) async throws -> MigrationResult {
        try await migration(
            of: domain, to: destinationURI, migrateURI: migrateURI, policy: policy, controller: controller,
            destination: destination, pollInterval: pollInterval
        ).run()
    }
}
