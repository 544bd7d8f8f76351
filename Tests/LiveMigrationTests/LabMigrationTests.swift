import Foundation
import Logging
import MigrationModel
import Testing

@testable import LiveMigration

/// Live migrations between the lab's two libvirtd hosts (real QEMU guests).
@Suite(.serialized, .enabled(if: labEnabled, "set LIVCLOUD_LAB=1 to run against the two-host lab"), .timeLimit(.minutes(4)))
struct LabMigrationTests {
    static let mib: UInt64 = 1 << 20

    struct Run {
        var migration: Migration
        var events: EventLog
        var outcome: Result<MigrationResult, any Error>
    }

    /// Migrates `name` from host `from` to the other host with the lab's explicit migrate URI.
    func migrate(
        _ lab: Lab, _ name: String, from: String = "a", policy: MigrationPolicy,
        controller: (any MigrationController)? = nil, useTLSURI: Bool = false,
        pollInterval: Duration = .milliseconds(200),
        onEvent: @escaping @Sendable (MigrationEvent, Migration) async -> Void = { _, _ in }
    ) async throws -> Run {
        let to = from == "a" ? lab.status.b : lab.status.a
        let source = try await lab.connection(from)
        let domain = try await source.domain(named: name)
        let migration = Migrator(logger: lab.logger).migration(
            of: domain, to: useTLSURI ? to.tls_uri : to.uri, migrateURI: to.migrateURI, policy: policy,
            controller: controller, pollInterval: pollInterval)
        let events = EventLog()
        let drain = events.collect(migration) { await onEvent($0, migration) }
        let outcome: Result<MigrationResult, any Error>
        do {
            outcome = .success(try await migration.run())
        } catch {
            outcome = .failure(error)
        }
        await drain.value
        return Run(migration: migration, events: events, outcome: outcome)
    }

    func expectRunningOnly(on host: String, _ name: String, _ lab: Lab) async throws {
        let other = host == "a" ? "b" : "a"
        let settled = try await lab.waitUntil(timeout: .seconds(20)) {
            let w = try await lab.whereIs(name)
            let (mine, theirs) = host == "a" ? (w.a, w.b) : (w.b, w.a)
            return mine == "running" && theirs != "running" && theirs != "paused"
        }
        let w = try await lab.whereIs(name)
        #expect(settled, "expected \(name) running only on \(host); lab says a=\(w.a) b=\(w.b)")
        _ = other
    }

    // MARK: - Round trips

    @Test(arguments: [0, 16])
    func roundTripKeepsTheGuestAlive(dirtyMiBPerSecond: Int) async throws {
        let lab = try await Lab.shared()
        let name = "mig-rt-\(dirtyMiBPerSecond)"
        let wss = 32
        try await lab.startGuest(name, dirtyMiBPerSecond: dirtyMiBPerSecond, wssMiB: wss)
        defer { lab.destroyGuestNow(name) }

        for (from, to) in [("a", "b"), ("b", "a")] {
            let run = try await migrate(lab, name, from: from, policy: .livCloudDefault)
            let result = try run.outcome.get()
            #expect(result.placement.runningOn == .destination)
            try await expectRunningOnly(on: to, name, lab)
            let beats = try await lab.heartbeats(name)
            #expect(try await lab.heartbeatAdvances(name, beyond: beats), "heartbeat stopped after moving to \(to)")
            // Alive is not enough: the guest must not have rebooted or lost a page it wrote.
            let beat = try await lab.lab("guest", "heartbeat", name)
            #expect(beat["boots"] as? Int == 1, "guest rebooted after moving to \(to): \(beat)")
            #expect(beat["corrupt_pages"] as? Int == 0, "guest memory lost writes after moving to \(to): \(beat)")

            let stats = try #require(result.stats, "no completed stats")
            let downtime = try #require(stats.downtimeMs)
            let total = try #require(stats.totalTimeMs)
            let sent = try #require(stats.memoryBytesSent)
            #expect(downtime > 0)
            #expect(total > downtime)
            #expect(try #require(stats.iterations) >= 1)
            if dirtyMiBPerSecond > 0 {
                // The dirtier has touched its whole working set before the first pass ends.
                #expect(sent >= UInt64(wss) * Self.mib, "sent \(sent) bytes, working set \(wss) MiB")
            } else {
                #expect(sent >= 1 * Self.mib)
            }
            #expect(sent <= (stats.dataBytesSent ?? sent))
            lab.logger.info("round trip \(from)->\(to) dirty=\(dirtyMiBPerSecond): total \(total) ms, downtime \(downtime) ms, sent \(sent) B, iterations \(stats.iterations ?? -1), stats from \(stats.origin)")
        }
    }

    // MARK: - Cancellation and faults

    @Test func cancelMidFlightLeavesTheGuestOnTheSource() async throws {
        let lab = try await Lab.shared()
        let name = "mig-cancel"
        try await lab.startGuest(name, dirtyMiBPerSecond: 16, wssMiB: 32)
        defer { lab.destroyGuestNow(name) }

        let source = try await lab.connection("a")
        let domain = try await source.domain(named: name)
        let migration = Migrator(logger: lab.logger).migration(
            of: domain, to: lab.status.b.uri, migrateURI: lab.status.b.migrateURI,
            policy: MigrationPolicy(maxBandwidthMiBps: 2), pollInterval: .milliseconds(100))
        let task = Task { try await migration.run() }
        var sawPrecopy = false
        for await event in migration.events {
            if case .progress(let p) = event, p.phase == .precopy, (p.sample.memoryProcessedBytes ?? 0) > 0 {
                sawPrecopy = true
                task.cancel()
                break
            }
        }
        #expect(sawPrecopy, "the migration never reached pre-copy")
        let outcome = await task.result
        guard case .failure(let error as MigrationError) = outcome, case .aborted(let reason, let placement, let cause) = error else {
            Issue.record("expected MigrationError.aborted, got \(outcome)")
            return
        }
        #expect(reason.contains("cancelled"))
        #expect(cause?.code == .operationAborted)
        #expect(placement.runningOn == .source)
        #expect(placement.destination == .absent)
        try await expectRunningOnly(on: "a", name, lab)
        #expect(try await lab.whereIs(name).b == "absent")
        let beats = try await lab.heartbeats(name)
        #expect(try await lab.heartbeatAdvances(name, beyond: beats))
    }
}
