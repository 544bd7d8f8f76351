/// OpenStack Nova's libvirt migration policy (`nova/virt/libvirt/migration.py`
/// `downtime_steps`, `driver.py` `_live_migration_monitor`), re-expressed:
///
/// - data size = guest memory in GiB, but at least `minimumDataGiB` (Nova
///   rounds small flavours up to 2 GiB);
/// - `steps + 1` downtime steps, step i at `Int(Int(delayPerGiB × data) × i)` s
///   with `Int(max/steps + (max − max/steps)/steps × i)` ms: 50, 95, …, 500 ms
///   with the defaults; a step applies at the first poll with elapsed > its time;
/// - completion timeout `Int(completionTimeoutPerGiB × data)` s, then the
///   timeout action: abort, or force-complete = `.startPostCopy` when post-copy
///   is allowed, else Nova pauses the guest, which we express as a downtime
///   limit so large (`pauseDowntimeMs`) that the job switches over at the next
///   pass, the pause lasting as long as sending what is left takes.
public struct NovaStyleController: MigrationController, Sendable, Equatable, Codable {
    public enum TimeoutAction: String, Sendable, Equatable, Codable {
        case abort
        case forceComplete
    }

    public struct Configuration: Sendable, Equatable, Codable {
        /// `live_migration_downtime`, ms.
        public var maxDowntimeMs: Double = 500
        /// `live_migration_downtime_steps`.
        public var steps: Int = 10
        /// `live_migration_downtime_delay`, s per GiB.
        public var delayPerGiB: Double = 75
        /// `live_migration_completion_timeout`, s per GiB (0 = none).
        public var completionTimeoutPerGiB: Double = 800
        /// Nova treats smaller guests as this big (GiB).
        public var minimumDataGiB: Double = 2
        public var timeoutAction: TimeoutAction = .forceComplete
        /// The job was started with post-copy allowed (`live_migration_permit_post_copy`).
        public var postCopyAllowed: Bool = false
        /// Downtime limit that stands for "pause the guest", ms.
        public var pauseDowntimeMs: UInt64 = 3_600_000

        public init() {}
    }

    public let configuration: Configuration
    public let dataGiB: Double
    private var schedule: DowntimeScheduleController
    public private(set) var timedOut = false

    public init(memoryBytes: UInt64, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let gib = Double(memoryBytes) / 1_073_741_824
        dataGiB = max(gib, configuration.minimumDataGiB)
        schedule = DowntimeScheduleController(steps: Self.downtimeSteps(dataGiB: dataGiB, configuration: configuration))
    }

    /// Nova's `downtime_steps(data_gb)`.
    public static func downtimeSteps(dataGiB: Double, configuration c: Configuration = Configuration()) -> [DowntimeScheduleController.Step] {
        let delay = Int(c.delayPerGiB * dataGiB)
        let steps = max(1, c.steps)
        let base = c.maxDowntimeMs / Double(steps)
        let offset = (c.maxDowntimeMs - base) / Double(steps)
        return (0...steps).map { i in
            DowntimeScheduleController.Step(afterSeconds: Double(delay * i), downtimeMs: UInt64(base + offset * Double(i)))
        }
    }

    /// Nova's completion timeout for this guest, seconds (nil = none).
    public var completionTimeoutSeconds: Double? {
        configuration.completionTimeoutPerGiB > 0 ? Double(Int(configuration.completionTimeoutPerGiB * dataGiB)) : nil
    }

    public var steps: [DowntimeScheduleController.Step] { schedule.steps }

    public mutating func observe(_ sample: JobSample) -> [SteeringDecision] {
        guard !timedOut else { return [] }
        var out = schedule.observe(sample).map { d -> SteeringDecision in
            var d = d
            d.reason = "Nova downtime step: " + d.reason
            return d
        }
        if let timeout = completionTimeoutSeconds, sample.elapsedSeconds > timeout {
            timedOut = true
            let why = "Nova completion timeout: \(Format.seconds(sample.elapsedSeconds)) elapsed > "
                + "\(Format.seconds(timeout)) (\(Int(configuration.completionTimeoutPerGiB)) s/GiB × \(Format.ratio(dataGiB)) GiB)"
            switch (configuration.timeoutAction, configuration.postCopyAllowed) {
            case (.abort, _):
                out.append(SteeringDecision(action: .abort, reason: why + ": abort", atSeconds: sample.elapsedSeconds))
            case (.forceComplete, true):
                out.append(SteeringDecision(action: .startPostCopy, reason: why + ": force-complete by switching to post-copy", atSeconds: sample.elapsedSeconds))
            case (.forceComplete, false):
                out.append(SteeringDecision(
                    action: .setMaxDowntime(milliseconds: configuration.pauseDowntimeMs),
                    reason: why + ": force-complete by pausing the guest (downtime limit \(configuration.pauseDowntimeMs) ms)",
                    atSeconds: sample.elapsedSeconds))
            }
        }
        return out
    }
}
