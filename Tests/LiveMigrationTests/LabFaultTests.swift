import Foundation
import Logging
import Testing

@testable import LiveMigration

extension LabMigrationTests {
    @Test func destinationDaemonKilledMidMigration() async throws {
        let lab = try await Lab.shared()
        let name = "mig-kill"
        try await lab.startGuest(name, dirtyMiBPerSecond: 16, wssMiB: 32)
        defer { lab.destroyGuestNow(name) }
        let killed = Locked(false)
        let run = try await migrate(lab, name, policy: MigrationPolicy(maxBandwidthMiBps: 2)) { event, _ in
            if case .progress(let p) = event, p.phase == .precopy, !killed.withLock({ $0 }) {
                killed.withLock { $0 = true }
                _ = try? await lab.lab("kill-daemon", "b")
            }
        }
        // Bring host b back for the following tests before anything can fail.
        var restoreError: (any Error)?
        do { try await lab.up() } catch { restoreError = error }
        #expect(killed.withLock { $0 })
        guard case .failure(let error as MigrationError) = run.outcome, case .failed(let cause, let placement) = error else {
            Issue.record("expected MigrationError.failed, got \(run.outcome)")
            return
        }
        #expect(cause.operation == "virDomainMigrateToURI3(\(name))")
        #expect(!cause.message.isEmpty)
        #expect(placement.runningOn == .source)
        if case .unreachable = placement.destination {} else {
            Issue.record("destination should be unreachable, was \(placement.destination)")
        }
        if let restoreError { throw restoreError }
        try await expectRunningOnly(on: "a", name, lab)
        let beats = try await lab.heartbeats(name)
        #expect(try await lab.heartbeatAdvances(name, beyond: beats))
    }

    @Test func migrationPortBlockedMidTransfer() async throws {
        let lab = try await Lab.shared()
        let name = "mig-block"
        let port = "\(lab.status.b.migrate_port)"
        try await lab.startGuest(name, dirtyMiBPerSecond: 16, wssMiB: 32)
        defer { lab.destroyGuestNow(name) }
        let blocked = Locked(false)
        let run = try await migrate(
            lab, name, policy: MigrationPolicy(maxBandwidthMiBps: 2, stallTimeoutSeconds: 4)
        ) { event, _ in
            if case .progress(let p) = event, (p.sample.memoryProcessedBytes ?? 0) > 0, !blocked.withLock({ $0 }) {
                blocked.withLock { $0 = true }
                _ = try? await lab.lab("block-port", port)
            }
        }
        _ = try await lab.lab("unblock-port", port)
        #expect(blocked.withLock { $0 })
        guard case .failure(let error as MigrationError) = run.outcome, let placement = error.placement else {
            Issue.record("expected a MigrationError with placement, got \(run.outcome)")
            return
        }
        if case .aborted(let reason, _, let cause) = error {
            #expect(reason.contains("stall"))
            // libvirt reports the cancelled job as aborted or, when QEMU's blocked
            // socket fails first, as failed; either way the abort was ours.
            #expect(cause?.code == .operationAborted || cause?.code == .operationFailed, "cause: \(String(describing: cause))")
        }
        #expect(placement.runningOn == .source)
        try await expectRunningOnly(on: "a", name, lab)
        #expect(try await lab.waitUntil(timeout: .seconds(20)) { try await lab.whereIs(name).b == "absent" })
    }

    @Test func tlsMigrationSucceedsAndPlainTextOffLoopbackIsRefused() async throws {
        let lab = try await Lab.shared()
        let name = "mig-tls"
        try await lab.startGuest(name, dirtyMiBPerSecond: 4, wssMiB: 16)
        defer { lab.destroyGuestNow(name) }
        let source = try await lab.connection("a")
        let domain = try await source.domain(named: name)

        // Off-loopback plain text: refused before any connection (TEST-NET-1, never contacted).
        await #expect(throws: MigrationError.insecurePlainText(host: "192.0.2.1", uri: "tcp://192.0.2.1:49152")) {
            _ = try await Migrator(logger: lab.logger).migrate(
                domain, to: "qemu+tls://192.0.2.1/system", migrateURI: "tcp://192.0.2.1:49152", policy: .livCloudDefault)
        }
        #expect(try await domain.state().isRunning)

        let tlsCreds = Locked<String?>(nil)
        let run = try await migrate(
            lab, name, policy: MigrationPolicy(maxBandwidthMiBps: 32, tls: true), useTLSURI: true
        ) { event, _ in
            // In pre-copy libvirt has set QEMU's migration parameters (not yet during setup).
            guard case .progress(let p) = event, p.phase == .precopy, tlsCreds.withLock({ $0 }) == nil else { return }
            let out = try? await Lab.run("/usr/bin/virsh", [
                "-c", lab.status.a.uri, "qemu-monitor-command", name, "{\"execute\":\"query-migrate-parameters\"}",
            ], allowFailure: true)
            lab.logger.info("query-migrate-parameters: \(String(decoding: out ?? Data(), as: UTF8.self))")
            let params = out.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["return"] as? [String: Any]
            tlsCreds.withLock { $0 = params?["tls-creds"] as? String ?? "" }
        }
        let result = try run.outcome.get()
        #expect(result.placement.runningOn == .destination)
        #expect(tlsCreds.withLock { $0 }?.isEmpty == false, "QEMU's migration had no TLS credentials")
        let beats = try await lab.heartbeats(name)
        #expect(try await lab.heartbeatAdvances(name, beyond: beats))
    }
}
