/// Something a controller asks the migration layer to do to a running job.
/// Only knobs libvirt can turn while a job runs are here; compression and
/// auto-converge are chosen before the start (see the predictor).
public enum SteeringAction: Sendable, Equatable, Codable {
    /// `virDomainMigrateSetMaxDowntime`.
    case setMaxDowntime(milliseconds: UInt64)
    /// `virDomainMigrateSetMaxSpeed`, MiB/s.
    case setMaxBandwidth(mebibytesPerSecond: UInt64)
    /// `virDomainMigrateStartPostCopy` (needs the job started with post-copy allowed).
    case startPostCopy
    /// `virDomainAbortJob`: give up and leave the guest on the source.
    case abort
}

/// A controller's decision, with why it was taken and when.
public struct SteeringDecision: Sendable, Equatable, Codable {
    public var action: SteeringAction
    /// A sentence a person can read in the progress stream and the log.
    public var reason: String
    /// Seconds since the job started.
    public var atSeconds: Double

    public init(action: SteeringAction, reason: String, atSeconds: Double) {
        self.action = action
        self.reason = reason
        self.atSeconds = atSeconds
    }
}

/// Steers a running migration: it sees every sample and answers with the
/// decisions to apply now (often none). Implementations are deterministic
/// functions of the samples they have seen, so they can be tested against a
/// simulated pre-copy process.
public protocol MigrationController: Sendable {
    mutating func observe(_ sample: JobSample) -> [SteeringDecision]
}
