import Foundation
import Logging
import Testing

@testable import LiveMigration

@Suite struct TransportSecurityTests {
    @Test func hostsAreParsedFromEveryURIForm() throws {
        #expect(try TransportSecurity.host(of: "qemu+tcp://127.0.0.1:16510/system") == "127.0.0.1")
        #expect(try TransportSecurity.host(of: "tcp://192.0.2.1:49152") == "192.0.2.1")
        #expect(try TransportSecurity.host(of: "tcp:192.0.2.1:49152") == "192.0.2.1")
        #expect(try TransportSecurity.host(of: "tcp://[::1]:49152") == "::1")
        #expect(try TransportSecurity.host(of: "qemu:///system") == nil)
        #expect(throws: MigrationError.self) { try TransportSecurity.host(of: "no-scheme") }
    }

    @Test func loopbackIsLiteralOnly() {
        #expect(TransportSecurity.isLoopback("127.0.0.1"))
        #expect(TransportSecurity.isLoopback("127.3.4.5"))
        #expect(TransportSecurity.isLoopback("::1"))
        #expect(TransportSecurity.isLoopback("localhost"))
        #expect(TransportSecurity.isLoopback(nil))
        #expect(!TransportSecurity.isLoopback("192.0.2.1"))
        #expect(!TransportSecurity.isLoopback("127.0.0.1.example.com"))
        #expect(!TransportSecurity.isLoopback("hostb"))
    }

    @Test func plainTextOffLoopbackIsRefusedUnlessTLSOrAllowed() throws {
        let plain = MigrationPolicy()
        #expect(throws: MigrationError.insecurePlainText(host: "192.0.2.1", uri: "tcp://192.0.2.1:49152")) {
            try TransportSecurity.check(
                destinationURI: "qemu+tls://192.0.2.1/system", migrateURI: "tcp://192.0.2.1:49152", policy: plain)
        }
        #expect(throws: MigrationError.self) {
            // TLS data but a plain-text control connection off loopback.
            try TransportSecurity.check(
                destinationURI: "qemu+tcp://192.0.2.1/system", migrateURI: nil, policy: MigrationPolicy(tls: true))
        }
        try TransportSecurity.check(
            destinationURI: "qemu+tls://192.0.2.1/system", migrateURI: "tcp://192.0.2.1:49152",
            policy: MigrationPolicy(tls: true))
        try TransportSecurity.check(
            destinationURI: "qemu+tcp://192.0.2.1/system", migrateURI: nil, policy: MigrationPolicy(allowPlainText: true))
        try TransportSecurity.check(
            destinationURI: "qemu+tcp://127.0.0.1:16510/system", migrateURI: "tcp://127.0.0.1:49152", policy: plain)
        #expect(throws: MigrationError.self) {
            try TransportSecurity.check(destinationURI: "qemu+tcp://127.0.0.1/system", migrateURI: "http://x", policy: plain)
        }
    }

    /// The refusal happens in `run()` before any connection is attempted:
    /// the destination is a TEST-NET address that must never be contacted.
    @Test func migrateRefusesPlainTextBeforeConnecting() async throws {
        let conn = try await Connection.open("test:///default", logger: Logger(label: "test"))
        let dom = try await conn.domain(named: "test")
        let migration = Migrator(logger: Logger(label: "test")).migration(
            of: dom, to: "qemu+tcp://192.0.2.1/system", migrateURI: "tcp://192.0.2.1:49152")
        let started = ContinuousClock.now
        await #expect(throws: MigrationError.insecurePlainText(host: "192.0.2.1", uri: "tcp://192.0.2.1:49152")) {
            _ = try await migration.run()
        }
        #expect(started.duration(to: .now) < .seconds(2))
        var events = 0
        for await _ in migration.events { events += 1 }
        #expect(events == 0)
        #expect(try await dom.state().isRunning)
    }
}
