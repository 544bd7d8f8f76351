import Foundation
import LiveMigration

/// Renders migration progress on stderr: a redrawn bar on a terminal, plain
/// lines (at most one per second) otherwise.
final class MigrationProgressView: @unchecked Sendable {
    private let isTTY = isatty(STDERR_FILENO) == 1
    private var lastLine = Date.distantPast
    private var drewBar = false

    static func mib(_ bytes: Double?) -> String {
        guard let bytes else { return "?" }
        return String(format: "%.1f MiB", bytes / 1_048_576)
    }

    func show(_ p: MigrationProgress) {
        let s = p.sample
        let percent = p.passFraction.map { Int(($0 * 100).rounded()) }
        let rate = s.bandwidthBytesPerSecond.map { Self.mib($0) + "/s" } ?? "?"
        let dirty = s.dirtyRateBytesPerSecond.map { Self.mib($0) + "/s" } ?? "?"
        let eta = p.passETASeconds.map { String(format: "%.0fs", $0) } ?? "?"
        let downtime = s.expectedDowntimeMs.map { String(format: "%.0f ms", $0) } ?? "?"
        let throttle = s.throttlePercent.map { $0 > 0 ? " throttle \($0)%" : "" } ?? ""
        let fields = "\(percent.map { String(format: "%3d%%", $0) } ?? "  ?%") pass \(s.iteration ?? 0)"
            + "  \(rate)  dirty \(dirty)  ETA \(eta)  exp. downtime \(downtime)\(throttle)  [\(p.phase.rawValue)]"
        if isTTY {
            let width = 24
            let filled = Int(Double(width) * (p.passFraction ?? 0))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            write("\r\u{1B}[2K[\(bar)] \(fields)")
            drewBar = true
        } else if Date().timeIntervalSince(lastLine) >= 1 {
            lastLine = Date()
            write(String(format: "%7.1fs ", s.elapsedSeconds) + fields + "\n")
        }
    }

    func note(_ text: String) {
        endBar()
        write(text + "\n")
    }

    func endBar() {
        if drewBar {
            write("\n")
            drewBar = false
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
