import Foundation
import LiveMigration
import MigrationModel

/// The one JSON object `livcloud migrate --json` prints.
struct MigrationReport: Codable {
    struct LibvirtErrorOut: Codable {
        var code: Int32
        var code_name: String
        var domain: Int32
        var domain_name: String
        var message: String
        var operation: String
    }

    struct DecisionOut: Codable {
        var at_s: Double
        var action: String
        var reason: String
        var from_policy: Bool
        var error: String?

        init(_ d: AppliedDecision) {
            at_s = d.decision.atSeconds
            action = "\(d.decision.action)"
            reason = d.decision.reason
            from_policy = d.fromPolicy
            error = d.error.map { "\($0)" }
        }

        /// One line for a person: "[   0.5 s] action: reason (failed: …)".
        var text: String {
            String(format: "[%6.1f s] ", at_s) + "\(action): \(reason)" + (error.map { " (failed: \($0))" } ?? "")
        }
    }

    var status: String  // completed | aborted | failed
    var domain: String
    var from: String
    var to: String
    var migrate_uri: String?
    var downtime_ms: UInt64?
    var total_ms: UInt64?
    var setup_ms: UInt64?
    var memory_bytes_sent: UInt64?
    var memory_total_bytes: UInt64?
    var data_bytes_sent: UInt64?
    var disk_bytes_sent: UInt64?
    var iterations: Int?
    /// The link rate this job achieved as the model counts it: give it to `predict --link-mib`.
    var achieved_link_mibps: Double?
    var stats_from: String?
    var wall_clock_s: Double?
    var guest_running_on: String  // source | destination | both | neither
    var source_state: String?
    var destination_state: String?
    var decisions: [DecisionOut]
    var error: String?
    var libvirt_error: LibvirtErrorOut?

    init(domain: String, from: String, to: String, migrateURI: String?) {
        status = "failed"
        self.domain = domain
        self.from = from
        self.to = to
        migrate_uri = migrateURI
        guest_running_on = "source"
        decisions = []
    }

    mutating func fill(_ result: MigrationResult) {
        status = "completed"
        let s = result.stats
        downtime_ms = s?.downtimeMs
        total_ms = s?.totalTimeMs
        setup_ms = s?.setupTimeMs
        memory_bytes_sent = s?.memoryBytesSent
        memory_total_bytes = s?.memoryTotalBytes
        data_bytes_sent = s?.dataBytesSent
        disk_bytes_sent = s?.diskBytesSent
        iterations = s?.iterations
        achieved_link_mibps = s?.achievedLink().map { ($0.bytesPerSecond / 1_048_576 * 10).rounded() / 10 }
        stats_from = s?.origin.rawValue
        wall_clock_s = result.wallClockSeconds
        fill(result.placement)
    }

    mutating func fill(_ placement: GuestPlacement) {
        guest_running_on = placement.runningOn.rawValue
        source_state = placement.source.description
        destination_state = placement.destination.description
    }

    mutating func fill(_ error: any Error) {
        self.error = "\(error)"
        var cause: LibvirtError? = error as? LibvirtError
        if let error = error as? MigrationError {
            switch error {
            case .aborted(_, let placement, let c):
                status = "aborted"
                fill(placement)
                cause = c
            case .failed(let c, let placement):
                status = "failed"
                fill(placement)
                cause = c
            default:
                status = "failed"
            }
        }
        if let cause {
            libvirt_error = LibvirtErrorOut(
                code: cause.code.rawValue, code_name: cause.code.name, domain: cause.domain.rawValue,
                domain_name: cause.domain.name, message: cause.message, operation: cause.operation)
        }
    }

    mutating func record(_ d: AppliedDecision) {
        decisions.append(DecisionOut(d))
    }

    var summary: String {
        switch status {
        case "completed":
            let mib = memory_bytes_sent.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "?"
            return "completed in \(total_ms.map { "\($0) ms" } ?? "?"): downtime \(downtime_ms.map { "\($0) ms" } ?? "?"), "
                + "\(mib) memory sent, \(iterations.map(String.init) ?? "?") passes; guest running on \(guest_running_on)"
                + (achieved_link_mibps.map { String(format: "; link achieved %.1f MiB/s (predict --link-mib)", $0) } ?? "")
        default:
            return "\(status): \(error ?? "?"); guest running on \(guest_running_on)"
        }
    }
}
