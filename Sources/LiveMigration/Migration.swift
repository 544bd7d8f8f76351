import CLivCloudLibvirt
import Foundation
import Logging
import MigrationModel

/// One peer-to-peer live migration of a domain, run once with `run()`.
///
/// `virDomainMigrateToURI3` blocks a dedicated thread for the whole job while
/// a monitor thread polls `virDomainGetJobStats`, publishes `events`, feeds
/// the controllers and applies their decisions. Cancelling the task that
/// awaits `run()` aborts the job (`virDomainAbortJob`); after any failure the
/// guest's placement on both hosts is queried and reported.
public final class Migration: Sendable {
    /// Progress snapshots and steering decisions; finishes when `run()` returns.
    public let events: AsyncStream<MigrationEvent>
    public let domain: Domain
    public let destinationURI: String
    public let migrateURI: String?
    public let policy: MigrationPolicy
    public let pollInterval: Duration

    private let continuation: AsyncStream<MigrationEvent>.Continuation
    private let destination: Connection?
    private let controller: (any MigrationController)?
    private let logger: Logger
    private let control = MigrationControl()
    private let decisions = Locked<[AppliedDecision]>([])
    private let counters = Locked<(samples: Int, postCopyStarted: Bool)>((0, false))

    init(
        domain: Domain, destinationURI: String, migrateURI: String?, policy: MigrationPolicy,
        controller: (any MigrationController)?, destination: Connection?, pollInterval: Duration, logger: Logger
    ) {
        self.domain = domain
        self.destinationURI = destinationURI
        self.migrateURI = migrateURI
        self.policy = policy
        self.controller = controller
        self.destination = destination
        self.pollInterval = pollInterval
        var logger = logger
        logger[metadataKey: "domain"] = "\(domain.name)"
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: MigrationEvent.self, bufferingPolicy: .unbounded)
    }

    /// Asks the running job to abort, as cancelling the awaiting task does.
    public func abort(reason: String) {
        control.requestAbort(reason: reason)
    }

    /// Runs the migration. Returns when it completed; throws
    /// `MigrationError` (refusals before the start, `.aborted` or `.failed`
    /// with the guest's placement afterwards).
    public func run() async throws -> MigrationResult {
        guard control.claim() else { throw MigrationError.invalidPolicy("a Migration runs only once") }
        defer { continuation.finish() }

        try TransportSecurity.check(destinationURI: destinationURI, migrateURI: migrateURI, policy: policy)
        try await BlockingExecutor.run { try self.validateBlocking() }

        var destination = self.destination
        if destination == nil {
            do {
                destination = try await Connection.open(destinationURI, logger: logger)
            } catch {
                logger.warning("cannot open the destination from here; placement will report it unreachable",
                               metadata: ["uri": "\(destinationURI)", "error": "\(error)"])
            }
        }
        let dest = destination
        return try await withTaskCancellationHandler {
            try await BlockingExecutor.run("livcloud.migrate") { try self.migrateBlocking(destination: dest) }
        } onCancel: {
            self.control.requestAbort(reason: "the migrating task was cancelled")
        }
    }

    // MARK: - On the migrate thread

    private func validateBlocking() throws {
        let conn = domain.connection
        let platform = MigrationPlatform(
            libvirt: try conn.libVersionBlocking(), hypervisor: try conn.hypervisorVersionBlocking())
        try policy.validate(on: platform)
        let state = try domain.stateBlocking()
        if policy.offline && state.kind != .shutOff {
            throw MigrationError.invalidPolicy("offline migration needs a shut-off domain; \(domain.name) is \(state)")
        }
        if !policy.offline && !state.isRunning && state.kind != .paused {
            throw MigrationError.invalidPolicy("\(domain.name) is \(state): use an offline migration")
        }
        if try policy.offline && !domain.isPersistentBlocking() {
            throw MigrationError.invalidPolicy("offline migration needs a persistent domain")
        }
    }

    private func migrateBlocking(destination: Connection?) throws -> MigrationResult {
        let params = try policy.typedParameters(migrateURI: migrateURI)
        let flags = policy.flags
        let wasRunning = (try? domain.stateBlocking())?.isRunning ?? false
        // The monitor gets its own connection: on the connection that carries the
        // long peer-to-peer perform call, libvirtd 9.0 was seen to leave later
        // calls unanswered until the job ended (lab: GetJobStats hung at ~0.2 s).
        let monitorDomain: Domain
        do {
            let monitorConnection = try Connection(blockingOpen: domain.connection.uri, logger: logger)
            monitorDomain = try monitorConnection.domainBlocking(named: domain.name)
        } catch {
            logger.warning("monitor connection failed; monitoring on the migrating connection",
                           metadata: ["error": "\(error)"])
            monitorDomain = domain
        }

        if let reason = control.begin() {
            let placement = locate(destination: destination)
            logger.notice("migration not started: \(reason)", metadata: ["guest_running_on": "\(placement.runningOn)"])
            throw MigrationError.aborted(reason: reason, placement: placement, cause: nil)
        }
        BlockingExecutor.detach("livcloud.monitor") { self.monitorLoop(monitorDomain) }

        logger.info("migration started", metadata: [
            "to": "\(destinationURI)", "migrate_uri": "\(migrateURI ?? "-")", "flags": "\(flags)",
            "parameters": "\(params.entries.map { "\($0.name)=\($0.value)" }.joined(separator: ","))",
        ])
        let start = ContinuousClock.now
        var failure: LibvirtError?
        do {
            try Libvirt.check("virDomainMigrateToURI3(\(domain.name))") {
                virDomainMigrateToURI3(domain.handle, destinationURI, params.pointer, UInt32(params.count), flags)
            }
        } catch {
            failure = error
        }
        control.finishAndWaitForMonitor()
        let wall = start.duration(to: .now)
        let wallSeconds = wall.seconds
        let snapshot = control.snapshot()

        if let failure {
            var placement = locate(destination: destination)
            let postCopyStarted = counters.withLock { $0.postCopyStarted }
            if wasRunning, !postCopyStarted, !placement.destination.isRunning,
               case .present(let state) = placement.source, state.kind == .paused {
                logger.warning("source left paused after a failed migration; resuming it")
                do {
                    try domain.resumeBlocking()
                } catch {
                    logger.error("could not resume the source", metadata: ["error": "\(error)"])
                }
                placement = locate(destination: destination)
            }
            if let reason = snapshot.abortReason, failure.code == .operationAborted || snapshot.abortDelivered {
                logger.notice("migration aborted: \(reason)", metadata: ["guest_running_on": "\(placement.runningOn)"])
                throw MigrationError.aborted(reason: reason, placement: placement, cause: failure)
            }
            logger.error("migration failed", metadata: [
                "error": "\(failure)", "guest_running_on": "\(placement.runningOn)", "placement": "\(placement)",
            ])
            throw MigrationError.failed(failure, placement: placement)
        }

        let stats = completedStats(destination: destination)
        let placement = locate(destination: destination)
        logger.info("migration completed", metadata: [
            "total_ms": "\(stats?.totalTimeMs.map(String.init) ?? "?")",
            "downtime_ms": "\(stats?.downtimeMs.map(String.init) ?? "?")",
            "guest_running_on": "\(placement.runningOn)",
        ])
        return MigrationResult(
            domainName: domain.name, stats: stats, placement: placement, wallClockSeconds: wallSeconds,
            decisions: decisions.withLock { $0 }, sampleCount: counters.withLock { $0.samples })
    }

    private func completedStats(destination: Connection?) -> CompletedMigrationStats? {
        if let destination, let dom = try? destination.domainIfPresentBlocking(named: domain.name),
           let stats = try? dom.jobStatsBlocking(completed: true), stats.type == .completed {
            return CompletedMigrationStats(origin: .destination, stats: stats)
        }
        if let stats = try? domain.jobStatsBlocking(completed: true), stats.type == .completed {
            return CompletedMigrationStats(origin: .source, stats: stats)
        }
        logger.warning("no completed job statistics on either host")
        return nil
    }

    /// Asks both hosts for the guest (lookup by name + state).
    func locate(destination: Connection?) -> GuestPlacement {
        func state(on connection: Connection?) -> HostGuestState {
            guard let connection else { return .unreachable("no connection to the destination") }
            do {
                guard let dom = try connection.domainIfPresentBlocking(named: domain.name) else { return .absent }
                return .present(try dom.stateBlocking())
            } catch {
                if error.code == .noDomain { return .absent }
                return .unreachable(error.message)
            }
        }
        return GuestPlacement(source: state(on: domain.connection), destination: state(on: destination))
    }

    // MARK: - On the monitor thread

    private func monitorLoop(_ domain: Domain) {
        defer { control.monitorExited() }
        var schedule = PolicyScheduleController(policy: policy)
        var user = controller
        let interval = pollInterval.seconds
        var lastProgress: (bytes: UInt64, at: Date)?
        // Until the job is seen, poll fast: the policy's and the controller's first
        // downtime limit must land before QEMU's default 300 ms can switch a short
        // job over (a 0.5 s first poll let an idle guest pause 196 ms).
        var sawJob = false
        let startupInterval = min(interval, 0.02)

        while true {
            let snap = control.snapshot()
            if snap.finished { return }
            var abortPending = false
            if let reason = snap.abortReason, !snap.abortDelivered {
                do {
                    try domain.abortJobBlocking()
                    control.markAbortDelivered()
                    logger.notice("abort delivered to libvirt", metadata: ["reason": "\(reason)"])
                } catch {
                    // No job yet (or post-copy, which cannot be aborted): try again shortly.
                    abortPending = true
                    logger.debug("abort not accepted yet", metadata: ["error": "\(error)"])
                }
            }

            do {
                let stats = try domain.jobStatsBlocking(completed: false)
                if stats.type == .bounded || stats.type == .unbounded {
                    let progress = MigrationProgress(stats: stats, sourceState: try? domain.stateBlocking())
                    counters.withLock { $0.samples += 1 }
                    sawJob = true
                    logger.trace("job sample", metadata: [
                        "elapsed_s": "\(progress.sample.elapsedSeconds)", "iteration": "\(progress.sample.iteration ?? -1)",
                        "remaining": "\(progress.sample.memoryRemainingBytes ?? 0)", "phase": "\(progress.phase)",
                    ])
                    continuation.yield(.progress(progress))

                    let moved = (stats.memoryProcessedBytes ?? 0) + (stats.diskProcessedBytes ?? 0)
                    if lastProgress == nil || moved > lastProgress!.bytes {
                        lastProgress = (moved, Date())
                    } else if let stall = policy.stallTimeoutSeconds, let last = lastProgress,
                              Date().timeIntervalSince(last.at) > stall, snap.abortReason == nil {
                        control.requestAbort(reason: "no progress for \(stall) s (stall timeout)")
                        continue
                    }

                    if snap.abortReason == nil {
                        let sample = progress.sample
                        var decided = schedule.observe(sample).map { ($0, true) }
                        if var c = user {
                            decided += c.observe(sample).map { ($0, false) }
                            user = c
                        }
                        for (decision, fromPolicy) in decided { apply(decision, fromPolicy: fromPolicy, on: domain) }
                    }
                }
            } catch {
                logger.trace("job stats unavailable", metadata: ["error": "\(error)"])
            }
            let next = abortPending ? min(interval, 0.05) : sawJob ? interval : startupInterval
            control.wait(until: Date().addingTimeInterval(next))
        }
    }

    private func apply(_ decision: SteeringDecision, fromPolicy: Bool, on domain: Domain) {
        var failure: LibvirtError?
        do {
            switch decision.action {
            case .setMaxDowntime(let ms): try domain.setMaxDowntimeBlocking(milliseconds: ms)
            case .setMaxBandwidth(let mibps): try domain.setMaxBandwidthBlocking(mebibytesPerSecond: mibps)
            case .startPostCopy:
                try domain.startPostCopyBlocking()
                counters.withLock { $0.postCopyStarted = true }
            case .abort: control.requestAbort(reason: decision.reason)
            }
        } catch {
            failure = error
        }
        let applied = AppliedDecision(decision: decision, error: failure, fromPolicy: fromPolicy)
        decisions.withLock { $0.append(applied) }
        continuation.yield(.decision(applied))
        if let failure {
            logger.warning("steering decision failed", metadata: [
                "action": "\(decision.action)", "reason": "\(decision.reason)", "error": "\(failure)",
            ])
        } else {
            logger.info("steering decision applied", metadata: [
                "action": "\(decision.action)", "reason": "\(decision.reason)", "at_s": "\(decision.atSeconds)",
            ])
        }
    }
}
