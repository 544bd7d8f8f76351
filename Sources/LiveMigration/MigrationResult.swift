import MigrationModel

/// Which host runs the guest.
public enum GuestLocation: String, Sendable, Equatable, Codable {
    case source, destination, both, neither
}

/// The guest's state on one host after a migration.
public enum HostGuestState: Sendable, Equatable, CustomStringConvertible {
    case present(DomainState)
    case absent
    /// The host's libvirtd could not be asked (e.g. it was killed); its
    /// guest, if any, is not counted as running.
    case unreachable(String)

    public var isRunning: Bool {
        if case .present(let state) = self { return state.isRunning }
        return false
    }

    public var description: String {
        switch self {
        case .present(let state): state.description
        case .absent: "absent"
        case .unreachable(let why): "unreachable (\(why))"
        }
    }
}

/// The guest's state on both hosts, queried with `virDomainLookupByName` + `virDomainGetState`.
public struct GuestPlacement: Sendable, Equatable, CustomStringConvertible {
    public var source: HostGuestState
    public var destination: HostGuestState

    public init(source: HostGuestState, destination: HostGuestState) {
        self.source = source
        self.destination = destination
    }

    public var runningOn: GuestLocation {
        switch (source.isRunning, destination.isRunning) {
        case (true, false): .source
        case (false, true): .destination
        case (true, true): .both
        case (false, false): .neither
        }
    }

    public var description: String { "source: \(source), destination: \(destination)" }
}

/// Statistics of the completed job (`VIR_DOMAIN_JOB_STATS_COMPLETED`).
public struct CompletedMigrationStats: Sendable, Equatable {
    public enum Origin: String, Sendable, Equatable, Codable { case destination, source }
    /// Which host's libvirt gave these statistics.
    public var origin: Origin
    public var totalTimeMs: UInt64?
    public var downtimeMs: UInt64?
    public var setupTimeMs: UInt64?
    public var memoryTotalBytes: UInt64?
    public var memoryBytesSent: UInt64?
    public var dataBytesSent: UInt64?
    public var diskBytesSent: UInt64?
    public var iterations: Int?
    public var raw: JobStats

    init(origin: Origin, stats: JobStats) {
        self.origin = origin
        self.raw = stats
        totalTimeMs = stats.timeElapsedMs
        downtimeMs = stats.downtimeMs
        setupTimeMs = stats.setupTimeMs
        memoryTotalBytes = stats.memoryTotalBytes
        memoryBytesSent = stats.memoryProcessedBytes
        dataBytesSent = stats.dataProcessedBytes
        diskBytesSent = stats.diskProcessedBytes
        iterations = stats.memoryIteration.map { Int($0) }
    }

    /// The link rate this job achieved as the model counts it (memory sent over
    /// elapsed time less the model's fixed costs): the estimate to give the next
    /// prediction over the same link (`livcloud predict --link-mib`). Nil when
    /// libvirt reported no time or bytes. Only a pre-copy job measures the
    /// link this way: a post-copy's page pulls wait on the guest's faults.
    public func achievedLink(calibration: ModelCalibration = .lab) -> LinkEstimate? {
        guard let ms = totalTimeMs, let bytes = memoryBytesSent ?? dataBytesSent else { return nil }
        return LinkEstimate.achieved(bytesSent: Double(bytes), elapsedSeconds: Double(ms) / 1000, calibration: calibration)
    }
}

/// A completed migration.
public struct MigrationResult: Sendable, Equatable {
    public var domainName: String
    /// Nil if neither host kept the completed statistics.
    public var stats: CompletedMigrationStats?
    public var placement: GuestPlacement
    /// Wall-clock time of the `virDomainMigrateToURI3` call, seconds.
    public var wallClockSeconds: Double
    /// Every steering decision taken during the job, in order.
    public var decisions: [AppliedDecision]
    /// How many progress snapshots the monitor took.
    public var sampleCount: Int
}
