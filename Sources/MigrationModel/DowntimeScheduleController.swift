/// Sets the downtime limit on a fixed time schedule (the shape of Nova's and
/// oVirt's policies): each step applies once, at the first sample whose
/// elapsed time is strictly past the step's time.
public struct DowntimeScheduleController: MigrationController, Sendable, Equatable, Codable {
    public struct Step: Sendable, Equatable, Hashable, Codable {
        public var afterSeconds: Double
        public var downtimeMs: UInt64
        public init(afterSeconds: Double, downtimeMs: UInt64) {
            self.afterSeconds = afterSeconds
            self.downtimeMs = downtimeMs
        }
    }

    public private(set) var steps: [Step]
    /// Index of the next step to apply.
    public private(set) var nextStep = 0
    /// Limit set last, milliseconds.
    public private(set) var currentDowntimeMs: UInt64?

    public init(steps: [Step]) {
        self.steps = steps.sorted { $0.afterSeconds < $1.afterSeconds }
    }

    public mutating func observe(_ sample: JobSample) -> [SteeringDecision] {
        var due: Step?
        var index = nextStep
        while index < steps.count, sample.elapsedSeconds > steps[index].afterSeconds {
            due = steps[index]
            index += 1
        }
        nextStep = index
        guard let step = due, step.downtimeMs != currentDowntimeMs else { return [] }
        currentDowntimeMs = step.downtimeMs
        return [SteeringDecision(
            action: .setMaxDowntime(milliseconds: step.downtimeMs),
            reason: "schedule step \(index) of \(steps.count): downtime limit \(step.downtimeMs) ms "
                + "after \(Format.seconds(step.afterSeconds)) (now \(Format.seconds(sample.elapsedSeconds)))",
            atSeconds: sample.elapsedSeconds)]
    }
}
