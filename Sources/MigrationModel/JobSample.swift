/// One observation of a running (or finished) pre-copy migration, in plain
/// units, independent of libvirt. `LiveMigration` fills it from
/// `virDomainGetJobStats`; the simulator fills it from its model. Fields are
/// optional because a hypervisor may not report them (yet): unknown stays
/// unknown, it is never guessed as zero.
public struct JobSample: Sendable, Equatable, Codable {
    /// Seconds since the job started.
    public var elapsedSeconds: Double
    /// Pre-copy pass number (1 = the first full pass), libvirt's `memory_iteration`.
    public var iteration: Int?
    /// Guest memory the job has to move, bytes (`memory_total`).
    public var memoryTotalBytes: UInt64?
    /// Memory bytes sent so far (`memory_processed`).
    public var memoryProcessedBytes: UInt64?
    /// Memory bytes still to send in this pass (`memory_remaining`).
    public var memoryRemainingBytes: UInt64?
    /// Rate at which the guest dirties memory, bytes per second
    /// (`memory_dirty_rate` pages/s × `memory_page_size`).
    public var dirtyRateBytesPerSecond: Double?
    /// Transfer rate of memory, bytes per second (`memory_bps`).
    public var bandwidthBytesPerSecond: Double?
    /// Downtime the hypervisor expects if it switched over now, milliseconds (`downtime`).
    public var expectedDowntimeMs: Double?
    /// CPU throttle applied by auto-converge, percent (`auto_converge_throttle`).
    public var throttlePercent: Int?

    public init(
        elapsedSeconds: Double,
        iteration: Int? = nil,
        memoryTotalBytes: UInt64? = nil,
        memoryProcessedBytes: UInt64? = nil,
        memoryRemainingBytes: UInt64? = nil,
        dirtyRateBytesPerSecond: Double? = nil,
        bandwidthBytesPerSecond: Double? = nil,
        expectedDowntimeMs: Double? = nil,
        throttlePercent: Int? = nil
    ) {
        self.elapsedSeconds = elapsedSeconds
        self.iteration = iteration
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryProcessedBytes = memoryProcessedBytes
        self.memoryRemainingBytes = memoryRemainingBytes
        self.dirtyRateBytesPerSecond = dirtyRateBytesPerSecond
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.expectedDowntimeMs = expectedDowntimeMs
        self.throttlePercent = throttlePercent
    }
}
