import Foundation
import Logging
import Testing

@testable import LiveMigration

/// The migrate path end to end against the test driver, which refuses
/// migration: a typed failure and the guest's placement come back.
@Suite struct MigrationFlowTests {
    let logger = Logger(label: "test")

    @Test func libvirtRefusalBecomesFailedWithPlacement() async throws {
        let conn = try await Connection.open("test:///default", logger: logger)
        let dom = try await conn.domain(named: "test")
        let error = await #expect(throws: MigrationError.self) {
            _ = try await Migrator(logger: logger).migrate(
                dom, to: "test:///default", policy: MigrationPolicy(), pollInterval: .milliseconds(20))
        }
        guard case .failed(let cause, let placement)? = error else {
            Issue.record("expected .failed, got \(String(describing: error))")
            return
        }
        #expect(cause.operation == "virDomainMigrateToURI3(test)")
        #expect(cause.code == .noSupport || cause.code == .operationUnsupported || cause.code == .argumentUnsupported)
        // Both URIs name the same in-process test driver, so it "runs on both".
        #expect(placement.source.isRunning)
        #expect(placement.runningOn == .both)
    }

    @Test func cancelBeforeStartNeverStartsTheJob() async throws {
        let conn = try await Connection.open("test:///default", logger: logger)
        let dom = try await conn.domain(named: "test")
        let migration = Migrator(logger: logger).migration(of: dom, to: "test:///default", policy: MigrationPolicy())
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            for await _ in gate { break }
            return try await migration.run()
        }
        task.cancel()
        open.yield()
        let result = await task.result
        guard case .failure(let error as MigrationError) = result, case .aborted(let reason, let placement, let cause) = error else {
            Issue.record("expected aborted, got \(result)")
            return
        }
        #expect(reason.contains("cancelled"))
        #expect(cause == nil, "libvirt was never asked to migrate")
        #expect(placement.source.isRunning)
    }

    @Test func offlinePolicyOnRunningDomainIsRefused() async throws {
        let conn = try await Connection.open("test:///default", logger: logger)
        let dom = try await conn.domain(named: "test")
        await #expect(throws: MigrationError.self) {
            _ = try await Migrator(logger: logger).migrate(
                dom, to: "test:///default", policy: MigrationPolicy(persistOnDestination: true, offline: true))
        }
    }

    @Test func runsOnlyOnce() async throws {
        let conn = try await Connection.open("test:///default", logger: logger)
        let dom = try await conn.domain(named: "test")
        let migration = Migrator(logger: logger).migration(of: dom, to: "test:///default", policy: MigrationPolicy())
        _ = try? await migration.run()
        await #expect(throws: MigrationError.invalidPolicy("a Migration runs only once")) { _ = try await migration.run() }
    }
}
