/// How a simulated migration ended and what happened on the way.
public struct SimulationResult: Sendable, Equatable, Codable {
    public enum Outcome: Sendable, Equatable, Codable {
        /// The guest runs on the destination.
        case completed
        /// A controller aborted; the guest stays on the source.
        case aborted(reason: String)
        /// Still not finished at the simulation horizon.
        case timedOut
    }

    public var outcome: Outcome
    /// Seconds from start to the end (completion, abort or horizon).
    public var totalSeconds: Double
    /// Guest pause at switch-over, milliseconds (nil unless completed).
    public var downtimeMs: Double?
    /// Bytes put on the wire.
    public var bytesSent: Double
    /// Live pre-copy passes (1 = the bulk pass).
    public var livePasses: Int
    /// Dirty-bitmap syncs as libvirt's completed `memory_iteration` counts them (live passes + 2 when completed).
    public var iterations: Int
    public var usedPostCopy: Bool
    /// The downtime limit in force at the end, milliseconds.
    public var finalDowntimeLimitMs: Double
    /// Dirty bytes (uncompressed) left when the switch-over happened.
    public var switchoverRemainingBytes: Double?
    /// Link rate in force at the switch-over, bytes per second.
    public var switchoverBandwidth: Double?
    /// Every sample the controller saw, in order.
    public var samples: [JobSample]
    /// Every decision the controller took, in order.
    public var decisions: [SteeringDecision]
    /// Decisions the simulated hypervisor refused, with why (e.g. post-copy not allowed).
    public var rejected: [String]

    public var completed: Bool { outcome == .completed }
}
