import ArgumentParser
import Foundation
import LiveMigration
import Logging
import MigrationModel

/// `livcloud predict`: measure a running guest and say, before migrating,
/// whether each allowed policy converges, how long it takes, how long the
/// guest pauses and how much it sends, with an uncertainty band (P2).
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict a live migration before starting it: go/no-go with reasons.",
        discussion: """
            Measures DOMAIN's dirty rate on the source with libvirt's dirty-rate calculation \
            (two periods: rate, then working set), reads its memory size, and evaluates the \
            QEMU default, plain pre-copy at the budget, XBZRLE, auto-converge and post-copy \
            (when allowed) and LivCloud's adaptive policy against the downtime budget. \
            The link rate is the --bandwidth-mib cap the migration will use, else the \
            --link-mib estimate, else an assumed \(Int(PlanningInputs.assumedLinkMiB)) MiB/s (said so in the output).
            Exit status: 0 go, 3 no-go.
            """)

    @Argument(help: "Name of the running domain on the source.") var domain: String
    @Option(help: "Source libvirt URI.") var from: String
    @Option(help: "Destination libvirt URI (checked for reachability).") var to: String
    @Option(help: "Bandwidth cap the migration will run with, MiB/s.") var bandwidthMib: Double?
    @Option(help: "Measured link rate when uncapped, MiB/s.") var linkMib: Double?
    @Option(help: "Downtime budget, ms.") var maxDowntimeMs: Double = 300
    @Option(help: "XBZRLE cache to allow, MiB (0 = no XBZRLE); default: half the guest's memory, at most 1024.")
    var xbzrleCacheMib: Int?
    @Flag(help: "Allow auto-converge (CPU throttling).") var allowAutoConverge = false
    @Flag(help: "Allow post-copy (a failure after the switch loses the guest).") var allowPostCopy = false
    @Option(help: "Seconds of the short and the long dirty-rate period.") var dirtyRateSeconds: [Int] = [1, 3]
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let logger = Logger(label: "livcloud.predict") { StreamLogHandler.standardError(label: $0) }
        let source = try await Connection.open(from, logger: logger)
        let dom = try await source.domain(named: domain)
        var destinationNote: String?
        do {
            _ = try await Connection.open(to, logger: logger).hostname()
        } catch {
            destinationNote = "destination \(to) is not reachable from here: \(error)"
        }
        let (link, linkNote) = PlanningInputs.link(capMiB: bandwidthMib, measuredMiB: linkMib)
        let probe = WorkloadProbe(shortSeconds: dirtyRateSeconds.first ?? 1, longSeconds: dirtyRateSeconds.dropFirst().first ?? 0)
        let plan = try await PlanningInputs.plan(
            dom, planner: MigrationPlanner(probe: probe), link: link, budget: DowntimeBudget(milliseconds: maxDowntimeMs)
        ) { memory in
            let cache = xbzrleCacheMib.map { UInt64(max($0, 0)) << 20 }
                ?? PlanningInputs.defaultXBZRLECacheBytes(memoryBytes: memory.maximumBytes)
            return MigrationFeatures(
                xbzrleCacheBytes: cache > 0 ? cache : nil,
                autoConverge: allowAutoConverge ? AutoConvergeSettings() : nil,
                postCopyAllowed: allowPostCopy)
        }
        let notes = [linkNote, destinationNote].compactMap { $0 }

        if json {
            struct Output: Encodable {
                var domain: String
                var go: Bool
                var marginal: Bool
                var chosen: String?
                /// What LivCloud would run: the chosen features steered by AdaptiveController.
                var runs: String?
                var reasons: [String]
                var notes: [String]
                var plan: MigrationPlan
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let rec = plan.recommendation
            let out = Output(
                domain: domain, go: rec.go, marginal: rec.marginal, chosen: rec.chosen?.policy.name,
                runs: plan.steered?.name, reasons: rec.reasons, notes: notes + plan.measured.notes, plan: plan)
            print(String(decoding: try encoder.encode(out), as: UTF8.self))
        } else {
            print(Self.render(plan, notes: notes))
        }
        if !plan.recommendation.go { throw ExitCode(3) }
    }

    static func render(_ plan: MigrationPlan, notes: [String]) -> String {
        let mib = 1_048_576.0
        let w = plan.workload
        var lines: [String] = []
        let rec = plan.recommendation
        lines.append(rec.go ? "GO" + (rec.marginal ? " (marginal)" : "") : "NO-GO")
        let wss = w.writableWorkingSetBytes.map { String(format: "%.0f MiB", Double($0) / mib) } ?? "unknown (all memory)"
        lines.append(plan.measured.domainName + String(format: ": %.0f MiB memory, dirty rate %.1f MiB/s, ", Double(w.memoryBytes) / mib, w.dirtyRateBytesPerSecond / mib)
            + "working set \(wss); link " + String(format: "%.1f MiB/s", plan.link.bytesPerSecond / mib)
            + (plan.link.source == .configuredCap ? " (cap)" : " (estimate)")
            + String(format: "; budget %.0f ms", plan.budget.milliseconds))
        for note in notes + plan.measured.notes { lines.append("  note: \(note)") }
        lines.append("")
        for reason in rec.reasons { lines.append("- \(reason)") }
        if let steered = plan.steered {
            let p = plan.predict(steered)
            lines.append("")
            let how = steered == .postCopy
                ? "the switch to post-copy scheduled after the bulk pass"
                : "steered by AdaptiveController (starts at "
                    + "\(Int(AdaptiveController.Configuration.defaultInitialDowntimeMs(budget: plan.budget))) ms, raises within the budget "
                    + "only on a stall)"
            lines.append("LivCloud runs: \(steered.name), \(how)"
                + (p.point.totalSeconds.map { String(format: ": ~%.1f s", $0) } ?? ": does not converge by itself"))
        }
        lines.append("")
        lines.append("  candidate                                         conv  total s (band)          downtime ms (band)   MiB sent")
        for p in rec.candidates {
            let o = p.point
            func f(_ x: Double?, _ digits: Int = 1) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "-" }
            let total = o.converges ? "\(f(o.totalSeconds)) (\(f(p.band.totalSecondsLower))–\(p.band.totalSecondsUpper.map { f($0) } ?? "∞"))" : "never"
            let down = o.converges ? "\(f(o.downtimeMs, 0)) (\(f(p.band.downtimeMsLower, 0))–\(f(p.band.downtimeMsUpper, 0)))" : "-"
            let mark = p.policy == rec.chosen?.policy ? "*" : " "
            func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
            lines.append(mark + " " + pad(p.policy.name, 50) + pad(o.converges ? "yes" : "no", 6) + pad(total, 24)
                + pad(down, 21) + f(o.bytesSent.map { $0 / mib }))
        }
        return lines.joined(separator: "\n")
    }
}
