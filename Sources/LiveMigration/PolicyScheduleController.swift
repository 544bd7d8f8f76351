import MigrationModel

/// The policy's schedules as a built-in controller: initial max downtime on
/// the first sample, then each downtime/bandwidth change and the post-copy
/// switch once its trigger is reached. Each change is emitted once.
public struct PolicyScheduleController: MigrationController {
    private var pending: [(ScheduledChange, Kind)]
    private var initialDowntime: UInt64?
    private var postCopySwitch: MigrationTrigger?

    private enum Kind { case downtime, bandwidth }

    public init(policy: MigrationPolicy) {
        initialDowntime = policy.offline ? nil : policy.maxDowntimeMs
        pending = policy.downtimeSchedule.map { ($0, .downtime) } + policy.bandwidthSchedule.map { ($0, .bandwidth) }
        postCopySwitch = policy.postCopy?.switchAfter
    }

    public mutating func observe(_ sample: JobSample) -> [SteeringDecision] {
        var decisions: [SteeringDecision] = []
        let view = JobSampleView(elapsedSeconds: sample.elapsedSeconds, iteration: sample.iteration)
        if let ms = initialDowntime {
            initialDowntime = nil
            decisions.append(SteeringDecision(
                action: .setMaxDowntime(milliseconds: ms), reason: "policy: initial max downtime \(ms) ms",
                atSeconds: sample.elapsedSeconds))
        }
        var remaining: [(ScheduledChange, Kind)] = []
        for (change, kind) in pending {
            guard change.trigger.isReached(by: view) else {
                remaining.append((change, kind))
                continue
            }
            switch kind {
            case .downtime:
                decisions.append(SteeringDecision(
                    action: .setMaxDowntime(milliseconds: change.value),
                    reason: "policy: downtime schedule \(change.trigger) -> \(change.value) ms",
                    atSeconds: sample.elapsedSeconds))
            case .bandwidth:
                decisions.append(SteeringDecision(
                    action: .setMaxBandwidth(mebibytesPerSecond: change.value),
                    reason: "policy: bandwidth schedule \(change.trigger) -> \(change.value) MiB/s",
                    atSeconds: sample.elapsedSeconds))
            }
        }
        pending = remaining
        if let trigger = postCopySwitch, trigger.isReached(by: view) {
            postCopySwitch = nil
            decisions.append(SteeringDecision(
                action: .startPostCopy, reason: "policy: switch to post-copy \(trigger)", atSeconds: sample.elapsedSeconds))
        }
        return decisions
    }
}
