import Foundation

/// The shared state between the thread blocked in `virDomainMigrateToURI3`,
/// the monitor thread and task cancellation. A cancel that arrives before the
/// job starts prevents the start; one that arrives while it runs makes the
/// monitor call `virDomainAbortJob` until libvirt accepts it or the job ends.
/// Either way no window exists in which a cancel is lost.
final class MigrationControl: @unchecked Sendable {
    enum Phase { case idle, claimed, migrating, finished }

    private let condition = NSCondition()
    private var phase: Phase = .idle
    private var abortReason: String?
    private var abortDelivered = false
    private var monitorRunning = false

    struct Snapshot {
        var finished: Bool
        var abortReason: String?
        var abortDelivered: Bool
    }

    private func locked<R>(_ body: () -> R) -> R {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    /// True the first time only: a `Migration` runs once.
    func claim() -> Bool {
        locked {
            guard phase == .idle else { return false }
            phase = .claimed
            return true
        }
    }

    /// Moves to `.migrating` unless an abort was requested; returns that reason if so.
    func begin() -> String? {
        locked {
            if let abortReason { return abortReason }
            phase = .migrating
            monitorRunning = true
            return nil
        }
    }

    /// Records an abort request (first reason wins) and wakes the monitor.
    func requestAbort(reason: String) {
        locked {
            if abortReason == nil { abortReason = reason }
            condition.broadcast()
        }
    }

    func markAbortDelivered() { locked { abortDelivered = true } }

    func snapshot() -> Snapshot {
        locked { Snapshot(finished: phase == .finished, abortReason: abortReason, abortDelivered: abortDelivered) }
    }

    /// The migrate call returned: stop the monitor and wait until it has.
    func finishAndWaitForMonitor() {
        condition.lock()
        phase = .finished
        condition.broadcast()
        while monitorRunning { condition.wait() }
        condition.unlock()
    }

    func monitorExited() {
        locked {
            monitorRunning = false
            condition.broadcast()
        }
    }

    /// Waits until `deadline`, or earlier when the job finishes or an abort is requested.
    func wait(until deadline: Date) {
        condition.lock()
        let reasonBefore = abortReason
        while phase != .finished && abortReason == reasonBefore && Date() < deadline {
            if !condition.wait(until: deadline) { break }
        }
        condition.unlock()
    }
}
