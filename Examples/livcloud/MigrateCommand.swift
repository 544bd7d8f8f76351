import ArgumentParser
import Foundation
import LiveMigration
import Logging
import MigrationModel

/// `livcloud migrate`: one peer-to-peer live migration with LivCloud's
/// policy, a live progress display on stderr and a summary (or one JSON object).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Live-migrate DOMAIN from one libvirt host to another (peer-to-peer).",
        discussion: """
            Plain-text migration to a non-loopback host is refused unless --tls or --allow-plain-text is given. \
            Ctrl-C aborts the job; the guest stays on the source. Exit status: 0 completed, 1 failed, 2 aborted.
            """)

    enum Base: String, ExpressibleByArgument { case livcloud, bare }
    enum StorageMode: String, ExpressibleByArgument { case full, incremental }

    @Argument(help: "Domain name on the source.") var domain: String
    @Option(help: "Source libvirt URI.") var from: String
    @Option(help: "Destination libvirt URI (as the source libvirtd reaches it).") var to: String
    @Option(help: "Migration data URI, e.g. tcp://10.0.0.2:49152.") var migrateUri: String?

    @Option(help: "Starting policy: livcloud (downtime schedule, stall timeout) or bare (hypervisor defaults).")
    var base: Base = .livcloud
    @Option(help: "Initial max downtime, ms.") var maxDowntime: UInt64?
    @Option(help: "Downtime change as ITERATION:MS (repeatable), e.g. 4:500.") var downtimeAtIteration: [String] = []
    @Option(help: "Bandwidth cap, MiB/s.") var bandwidth: UInt64?
    @Option(help: "Bandwidth change as SECONDS:MIBPS (repeatable).") var bandwidthAfter: [String] = []
    @Flag(help: "Enable auto-converge.") var autoConverge = false
    @Option(help: "Auto-converge initial throttle, %.") var autoConvergeInitial: Int?
    @Option(help: "Auto-converge throttle increment, %.") var autoConvergeIncrement: Int?
    @Option(help: "Enable XBZRLE with this cache, MiB.") var xbzrleCache: UInt64?
    @Flag(help: "Enable multi-threaded compression.") var mtCompression = false
    @Option(help: "Multi-threaded compression level 0-9.") var mtLevel: Int?
    @Option(help: "Parallel connections.") var parallel: Int?
    @Flag(help: "Allow post-copy.") var postcopy = false
    @Option(help: "Switch to post-copy at this pass (implies --postcopy).") var postcopyAtIteration: Int?
    @Flag(help: "Encrypt the migration stream (VIR_MIGRATE_TLS).") var tls = false
    @Option(help: "Expected host name in the destination certificate.") var tlsDestination: String?
    @Option(help: "Copy local disks: full or incremental.") var copyStorage: StorageMode?
    @Option(help: "Disk target to copy (repeatable; default all).") var disk: [String] = []
    @Flag(help: "Define the domain persistently on the destination.") var persist = false
    @Flag(help: "Undefine the source definition after success.") var undefineSource = false
    @Flag(help: "Migrate the definition of a shut-off domain.") var offline = false
    @Flag(help: "Allow unencrypted migration over a non-loopback network.") var allowPlainText = false
    @Option(help: "Abort after this many seconds without progress (0 = never).") var stallTimeout: Double?
    @Option(help: "Progress poll interval, seconds.") var pollInterval: Double = 0.5
    @Flag(help: "LivCloud's adaptive policy: measure the dirty rate, predict, refuse a no-go, else run the recommended features steered by the adaptive controller within --budget-ms.")
    var adaptive = false
    @Option(help: "Downtime budget for --adaptive, ms.") var budgetMs: Double = 300
    @Option(help: "Link rate for --adaptive's prediction when uncapped, MiB/s (e.g. achieved_link_mibps of an earlier migration over the same link).")
    var linkMib: Double?
    @Flag(help: "Print one JSON object on stdout at the end.") var json = false
    @Flag(help: "Log libvirt calls and decisions to stderr.") var verbose = false

    func policy() throws -> MigrationPolicy {
        var p = base == .livcloud ? MigrationPolicy.livCloudDefault : MigrationPolicy(stallTimeoutSeconds: nil)
        if let maxDowntime { p.maxDowntimeMs = maxDowntime }
        if !downtimeAtIteration.isEmpty {
            p.downtimeSchedule = try downtimeAtIteration.map {
                let (a, b) = try Self.pair($0, "--downtime-at-iteration")
                return ScheduledChange(.atIteration(Int(a)), UInt64(b))
            }
        }
        p.maxBandwidthMiBps = bandwidth
        p.bandwidthSchedule = try bandwidthAfter.map {
            let (a, b) = try Self.pair($0, "--bandwidth-after")
            return ScheduledChange(.afterSeconds(a), UInt64(b))
        }
        if autoConverge || autoConvergeInitial != nil || autoConvergeIncrement != nil {
            p.autoConverge = .init(initialPercent: autoConvergeInitial ?? 20, incrementPercent: autoConvergeIncrement ?? 10)
        }
        p.xbzrleCacheBytes = xbzrleCache.map { $0 << 20 }
        if mtCompression || mtLevel != nil { p.multiThreadCompression = .init(level: mtLevel) }
        p.parallelConnections = parallel
        if postcopy || postcopyAtIteration != nil {
            p.postCopy = .init(switchAfter: postcopyAtIteration.map { .atIteration($0) })
        }
        p.tls = tls
        p.tlsDestinationName = tlsDestination
        if let copyStorage {
            p.nonSharedDisk = .init(mode: copyStorage == .full ? .full : .incremental, disks: disk)
        }
        p.persistOnDestination = persist || offline
        p.undefineOnSource = undefineSource
        p.offline = offline
        p.allowPlainText = allowPlainText
        if let stallTimeout { p.stallTimeoutSeconds = stallTimeout > 0 ? stallTimeout : nil }
        return p
    }

    /// Measures, predicts and picks the policy and controller for --adaptive;
    /// throws `AdaptiveNoGo` (the guest stays where it is) when the model says no.
    func adaptivePlan(_ dom: Domain, base: MigrationPolicy, logger: Logger) async throws
        -> (MigrationPolicy, (any MigrationController)?)
    {
        let (link, linkNote) = PlanningInputs.link(capMiB: bandwidth.map(Double.init), measuredMiB: linkMib)
        if let linkNote { logger.notice("prediction: \(linkNote)") }
        let plan = try await PlanningInputs.plan(dom, link: link, budget: DowntimeBudget(milliseconds: budgetMs)) {
            MigrationFeatures(
                xbzrleCacheBytes: PlanningInputs.defaultXBZRLECacheBytes(memoryBytes: $0.maximumBytes), postCopyAllowed: postcopy)
        }
        for reason in plan.recommendation.reasons { logger.notice("prediction: \(reason)") }
        if !json { FileHandle.standardError.write(Data((plan.recommendation.summary + "\n").utf8)) }
        guard plan.recommendation.go, let candidate = plan.steered,
              let policy = plan.policy(for: candidate, base: base)
        else { throw AdaptiveNoGo(reasons: plan.recommendation.reasons) }
        return (policy, plan.controller(for: candidate))
    }

    static func pair(_ text: String, _ option: String) throws -> (Double, Double) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), a >= 0, b >= 0 else {
            throw ValidationError("\(option) expects A:B with two non-negative numbers, got '\(text)'")
        }
        return (a, b)
    }

    func run() async throws {
        var logger = Logger(label: "livcloud.migrate") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .warning
        let view = MigrationProgressView()
        var report = MigrationReport(domain: domain, from: from, to: to, migrateURI: migrateUri)
        var sourceDomain: Domain?

        do {
            let policy = try self.policy()
            // Refuse insecure transport before connecting anywhere.
            try TransportSecurity.check(destinationURI: to, migrateURI: migrateUri, policy: policy)
            let source = try await Connection.open(from, logger: logger)
            let dom = try await source.domain(named: domain)
            sourceDomain = dom
            var chosenPolicy = policy
            var controller: (any MigrationController)?
            if adaptive {
                (chosenPolicy, controller) = try await adaptivePlan(dom, base: policy, logger: logger)
            }
            let migration = Migrator(logger: logger).migration(
                of: dom, to: to, migrateURI: migrateUri, policy: chosenPolicy, controller: controller,
                pollInterval: .milliseconds(Int64((pollInterval * 1000).rounded())))

            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
            interrupt.setEventHandler { migration.abort(reason: "interrupted (SIGINT)") }
            interrupt.resume()
            defer { interrupt.cancel() }

            let decisions = LockedBox(values: [AppliedDecision]())
            let drain = Task {
                for await event in migration.events {
                    switch event {
                    case .progress(let p): view.show(p)
                    case .decision(let d):
                        decisions.mutate { $0.append(d) }
                        view.note(MigrationReport.DecisionOut(d).text)
                    }
                }
            }
            do {
                let result = try await migration.run()
                await drain.value
                report.fill(result)
            } catch {
                await drain.value
                report.fill(error)
            }
            for d in decisions.get() { report.record(d) }
        } catch {
            // Refused or failed before the job started: the guest did not move.
            report.fill(error)
            if sourceDomain == nil {
                // Refused before connecting: look at the source only now (never the refused peer).
                sourceDomain = try? await Connection.open(from, logger: logger).domain(named: domain)
            }
            let running = (try? await sourceDomain?.state())?.isRunning ?? false
            report.guest_running_on = running ? "source" : "neither"
        }
        view.endBar()

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        } else {
            FileHandle.standardError.write(Data((report.summary + "\n").utf8))
        }
        switch report.status {
        case "completed": return
        case "aborted": throw ExitCode(2)
        default: throw ExitCode(1)
        }
    }
}

/// The prediction said the migration should not start.
struct AdaptiveNoGo: Error, CustomStringConvertible {
    var reasons: [String]
    var description: String { "no-go: " + reasons.joined(separator: " ") }
}
