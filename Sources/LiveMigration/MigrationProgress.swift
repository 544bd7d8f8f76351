import MigrationModel

/// Where a running migration is.
public enum MigrationPhase: String, Sendable, Equatable, Codable {
    /// The job exists but no memory has moved yet (destination being prepared).
    case setup
    /// Local disks are being copied before memory (non-shared disk migration).
    case copyingStorage
    /// Iterative pre-copy of memory while the guest runs.
    case precopy
    /// The source is paused for the final copy (stop-and-copy, i.e. downtime).
    case stopAndCopy
    /// The guest runs on the destination and pulls remaining pages.
    case postcopy
}

/// One snapshot of a running migration, from `virDomainGetJobStats`.
public struct MigrationProgress: Sendable, Equatable {
    public var phase: MigrationPhase
    /// The model's view (elapsed, iteration, memory, dirty rate, bandwidth, expected downtime, throttle).
    public var sample: JobSample
    public var diskTotalBytes: UInt64?
    public var diskProcessedBytes: UInt64?
    public var diskRemainingBytes: UInt64?
    /// XBZRLE counters: bytes sent encoded and cache misses.
    public var compressionBytes: UInt64?
    public var compressionCacheMisses: UInt64?
    /// The raw statistics this snapshot was made from.
    public var stats: JobStats

    public init(stats: JobStats, sourceState: DomainState?) {
        self.stats = stats
        self.sample = stats.sample
        self.diskTotalBytes = stats.diskTotalBytes
        self.diskProcessedBytes = stats.diskProcessedBytes
        self.diskRemainingBytes = stats.diskRemainingBytes
        self.compressionBytes = stats.compressionBytes
        self.compressionCacheMisses = stats.compressionCacheMisses
        if let sourceState, sourceState.isPausedForPostCopy {
            phase = .postcopy
        } else if let sourceState, sourceState.isPausedForMigration {
            phase = .stopAndCopy
        } else if (stats.memoryProcessedBytes ?? 0) > 0 {
            phase = .precopy
        } else if (stats.diskTotalBytes ?? 0) > 0 {
            phase = .copyingStorage
        } else {
            phase = .setup
        }
    }

    /// Fraction of the current pass done (0...1), from total and remaining memory.
    public var passFraction: Double? {
        guard let total = sample.memoryTotalBytes, total > 0, let remaining = sample.memoryRemainingBytes else { return nil }
        return max(0, min(1, 1 - Double(remaining) / Double(total)))
    }

    /// Seconds to finish the current pass at the current rate.
    public var passETASeconds: Double? {
        guard let remaining = sample.memoryRemainingBytes, let bps = sample.bandwidthBytesPerSecond, bps > 0 else { return nil }
        return Double(remaining) / bps
    }
}

/// A steering decision and what happened when LivCloud applied it.
public struct AppliedDecision: Sendable, Equatable {
    public var decision: SteeringDecision
    /// Nil when libvirt accepted it.
    public var error: LibvirtError?
    /// The decision came from the policy's schedules rather than the caller's controller.
    public var fromPolicy: Bool
}

/// What the progress stream carries.
public enum MigrationEvent: Sendable, Equatable {
    case progress(MigrationProgress)
    case decision(AppliedDecision)
}
