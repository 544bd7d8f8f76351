/// When a scheduled change to a running migration happens.
public enum MigrationTrigger: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Once the job has run this many seconds (libvirt's `time_elapsed`).
    case afterSeconds(Double)
    /// Once the pre-copy pass number (`memory_iteration`) reaches this value.
    case atIteration(Int)

    func isReached(by sample: JobSampleView) -> Bool {
        switch self {
        case .afterSeconds(let s): sample.elapsedSeconds >= s
        case .atIteration(let i): (sample.iteration ?? 0) >= i
        }
    }

    public var description: String {
        switch self {
        case .afterSeconds(let s): "after \(s) s"
        case .atIteration(let i): "at iteration \(i)"
        }
    }
}

/// The two sample fields triggers look at (keeps triggers testable without libvirt).
struct JobSampleView {
    var elapsedSeconds: Double
    var iteration: Int?
}

/// A value to apply to a running job when its trigger is reached.
public struct ScheduledChange: Sendable, Equatable, Hashable, Codable {
    public var trigger: MigrationTrigger
    public var value: UInt64

    public init(_ trigger: MigrationTrigger, _ value: UInt64) {
        self.trigger = trigger
        self.value = value
    }
}
