/// What the analytical model expects of one policy at one set of inputs.
public struct PolicyOutcome: Sendable, Equatable, Codable {
    /// The migration finishes (pre-copy converges, or post-copy completes).
    public var converges: Bool
    /// Start to finish, seconds, including the downtime; nil if it doesn't converge.
    public var totalSeconds: Double?
    /// Guest pause at switch-over, milliseconds; nil if it doesn't converge.
    public var downtimeMs: Double?
    /// Bytes put on the wire; nil if it doesn't converge.
    public var bytesSent: Double?
    /// Live pre-copy passes (1 = the bulk pass), not counting the stop-and-copy.
    public var livePasses: Int
    /// QEMU's dirty-bitmap sync count at completion, which libvirt reports as
    /// `memory_iteration` in the completed job stats: the initial sync, one per
    /// live pass, and one during the stop-and-copy (= live passes + 2).
    public var iterations: Int
    /// The migration switches to post-copy (and carries its risk).
    public var usesPostCopy: Bool
    /// The downtime limit in force at the end, milliseconds.
    public var finalDowntimeLimitMs: Double
    /// Re-dirtied wire bytes per wire byte sent at the end (λ × wire factor):
    /// below 1 the dirty set shrinks every pass.
    public var effectiveRatio: Double
    /// Why it doesn't converge, as a sentence with numbers (nil when it does).
    public var blockingFact: String?
    /// Other facts worth telling (throttle reached, steering used, ...).
    public var notes: [String]

    public init(
        converges: Bool, totalSeconds: Double?, downtimeMs: Double?, bytesSent: Double?,
        livePasses: Int, iterations: Int, usesPostCopy: Bool, finalDowntimeLimitMs: Double,
        effectiveRatio: Double, blockingFact: String?, notes: [String]
    ) {
        self.converges = converges
        self.totalSeconds = totalSeconds
        self.downtimeMs = downtimeMs
        self.bytesSent = bytesSent
        self.livePasses = livePasses
        self.iterations = iterations
        self.usesPostCopy = usesPostCopy
        self.finalDowntimeLimitMs = finalDowntimeLimitMs
        self.effectiveRatio = effectiveRatio
        self.blockingFact = blockingFact
        self.notes = notes
    }
}
