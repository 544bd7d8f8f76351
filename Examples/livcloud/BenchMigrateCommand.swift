import ArgumentParser
import Foundation
import LiveMigration
import Logging
import MigrationModel

/// `livcloud bench-migrate`: one measured migration for the policy benchmark
/// (`Benchmarks/migration-policies.sh`): predict, migrate with one policy
/// under a time limit, and print one JSON line with prediction and outcome.
/// Steering decisions are printed to stderr as they are applied.
struct BenchMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-migrate",
        abstract: "Predict, then migrate DOMAIN with one policy under a time limit; print one JSON line.",
        discussion: """
            Policies: virsh = `virsh migrate --live --p2p` defaults (QEMU's 300 ms limit, no steering; \
            the same virDomainMigrateToURI3 call with LIVE|PEER2PEER(|ABORT_ON_ERROR)); \
            nova = NovaStyleController (downtime steps 50→500 ms over 75 s/GiB, completion timeout \
            800 s/GiB then force-complete by pausing; Nova counts small guests as 2 GiB); \
            adaptive = LivCloud: measure, Predictor.recommend, run the chosen features steered by AdaptiveController (MigrationPlan.steered). \
            A run that has not completed at --time-limit is aborted and counted as a failure.
            """)

    enum Policy: String, ExpressibleByArgument, CaseIterable { case virsh, nova, adaptive }

    @Argument(help: "Running domain on the source.") var domain: String
    @Option(help: "Source libvirt URI.") var from: String
    @Option(help: "Destination libvirt URI.") var to: String
    @Option(help: "Migration data URI, e.g. tcp://127.0.0.1:49400.") var migrateUri: String?
    @Option(help: "virsh, nova or adaptive.") var policy: Policy
    @Option(help: "Bandwidth cap, MiB/s (also the link rate the prediction uses).") var bandwidthMib: Double?
    @Option(help: "Measured link rate when uncapped, MiB/s.") var linkMib: Double?
    @Option(help: "Downtime budget for the prediction and the adaptive policy, ms.") var maxDowntimeMs: Double = 300
    @Option(help: "Abort and count as failure after this many seconds.") var timeLimit: Double = 120
    @Flag(help: "Let the adaptive policy use post-copy.") var allowPostCopy = false
    @Option(help: "Workload label copied into the JSON.") var workload: String = ""
    @Option(help: "Progress poll interval, seconds (the monitor polls every 20 ms until the job appears, then at this interval).")
    var pollInterval: Double = 0.2

    /// One JSON line: the prediction for the policy that runs, then the
    /// migration's outcome as `livcloud migrate --json` reports it.
    struct Output: Encodable {
        var workload: String
        var policy: String
        var domain: String
        var go: Bool
        var chosen: String?
        var predicted_policy: String
        var predicted_converges: Bool
        var predicted_total_s: Double?
        var predicted_downtime_ms: Double?
        var predicted_bytes: Double?
        var predicted_band_s: [Double?]
        var dirty_mibps: Double
        var working_set_mib: Double?
        var memory_mib: Double
        var link_mibps: Double
        /// Sampled zero-page share (nil: not sampled or the sampling failed).
        var zero_page_share: Double?
        var migration: MigrationReport
        var total_error_pct: Double?
    }

    func run() async throws {
        var logger = Logger(label: "livcloud.bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let source = try await Connection.open(from, logger: logger)
        let destination = try await Connection.open(to, logger: logger)
        let dom = try await source.domain(named: domain)
        let (link, _) = PlanningInputs.link(capMiB: bandwidthMib, measuredMiB: linkMib)
        let budget = DowntimeBudget(milliseconds: maxDowntimeMs)
        let plan = try await PlanningInputs.plan(dom, link: link, budget: budget) {
            MigrationFeatures(
                xbzrleCacheBytes: PlanningInputs.defaultXBZRLECacheBytes(memoryBytes: $0.maximumBytes),
                postCopyAllowed: allowPostCopy)
        }
        let memoryBytes = plan.measured.memory.maximumBytes

        // What runs and what the model says about exactly that.
        var migrationPolicy = MigrationPolicy(stallTimeoutSeconds: nil)
        if let cap = bandwidthMib { migrationPolicy.maxBandwidthMiBps = UInt64(cap.rounded()) }
        var controller: (any MigrationController)?
        let predictedCandidate: CandidatePolicy
        switch policy {
        case .virsh:
            predictedCandidate = .qemuDefault
        case .nova:
            let nova = NovaStyleController(memoryBytes: memoryBytes)
            controller = nova
            // Until the second step (at 75 s/GiB × data) Nova's limit is its first step.
            predictedCandidate = .plainPreCopy(downtimeLimitMs: Double(nova.steps.first?.downtimeMs ?? 50))
        case .adaptive:
            predictedCandidate = plan.steered ?? .adaptive(plan.options)
            if plan.recommendation.go, let p = plan.policy(for: predictedCandidate, base: migrationPolicy) {
                migrationPolicy = p
                controller = plan.controller(for: predictedCandidate)
            }
        }
        let prediction = plan.predict(predictedCandidate)

        var out = Output(
            workload: workload, policy: policy.rawValue, domain: domain, go: plan.recommendation.go,
            chosen: plan.recommendation.chosen?.policy.name, predicted_policy: predictedCandidate.name,
            predicted_converges: prediction.point.converges, predicted_total_s: prediction.point.totalSeconds,
            predicted_downtime_ms: prediction.point.downtimeMs, predicted_bytes: prediction.point.bytesSent,
            predicted_band_s: [prediction.band.totalSecondsLower, prediction.band.totalSecondsUpper],
            dirty_mibps: plan.workload.dirtyRateBytesPerSecond / 1_048_576,
            working_set_mib: plan.workload.writableWorkingSetBytes.map { Double($0) / 1_048_576 },
            memory_mib: Double(memoryBytes) / 1_048_576, link_mibps: link.bytesPerSecond / 1_048_576,
            zero_page_share: plan.workload.zeroPageShare,
            migration: MigrationReport(domain: domain, from: from, to: to, migrateURI: migrateUri))

        if policy == .adaptive && !plan.recommendation.go {
            out.migration.fill(AdaptiveNoGo(reasons: plan.recommendation.reasons))
            try emit(out)
            return
        }

        let migration = Migrator(logger: logger).migration(
            of: dom, to: to, migrateURI: migrateUri, policy: migrationPolicy, controller: controller,
            destination: destination, pollInterval: .milliseconds(Int(pollInterval * 1000)))
        let decisions = LockedBox(values: [AppliedDecision]())
        let drain = Task {
            for await event in migration.events {
                if case .decision(let d) = event {
                    decisions.mutate { $0.append(d) }
                    FileHandle.standardError.write(Data((MigrationReport.DecisionOut(d).text + "\n").utf8))
                }
            }
        }
        let limit = timeLimit
        let timer = Task {
            try await Task.sleep(for: .milliseconds(Int(limit * 1000)))
            migration.abort(reason: "benchmark time limit \(Int(limit)) s reached")
        }
        do {
            out.migration.fill(try await migration.run())
        } catch {
            out.migration.fill(error)
        }
        timer.cancel()
        await drain.value
        for d in decisions.get() { out.migration.record(d) }
        if out.migration.status == "completed", let ms = out.migration.total_ms, ms > 0,
           let predicted = out.predicted_total_s {
            let actual = Double(ms) / 1000
            out.total_error_pct = (predicted - actual) / actual * 100
        }
        try emit(out)
    }

    private func emit(_ out: Output) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(out), as: UTF8.self))
    }
}
