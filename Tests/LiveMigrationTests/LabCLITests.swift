import Foundation
import Testing

@testable import LiveMigration

/// The subset of `livcloud migrate --json` the tests rely on.
struct CLIMigrationReport: Decodable {
    var status: String
    var downtime_ms: UInt64?
    var total_ms: UInt64?
    var memory_bytes_sent: UInt64?
    var iterations: Int?
    var achieved_link_mibps: Double?
    var guest_running_on: String
    var error: String?
    var decisions: [Decision]?

    struct Decision: Decodable {
        var action: String
        var reason: String
        var from_policy: Bool
    }
}

extension LabMigrationTests {
    @Test func cliMigrateJSONReportsTheOutcome() async throws {
        let lab = try await Lab.shared()
        let name = "mig-cli"
        let livcloud = Lab.productsDirectory.appendingPathComponent("livcloud").path
        try #require(FileManager.default.isExecutableFile(atPath: livcloud), "build the livcloud product first")
        try await lab.startGuest(name, dirtyMiBPerSecond: 4, wssMiB: 16)
        defer { lab.destroyGuestNow(name) }
        let a = lab.status.a, b = lab.status.b

        // Refused (plain text off loopback): exit 1, one JSON object, guest still on the source.
        let refused = try await Lab.run(livcloud, [
            "migrate", name, "--from", a.uri, "--to", "qemu+tcp://192.0.2.1/system", "--json",
        ], allowFailure: true)
        let r = try JSONDecoder().decode(CLIMigrationReport.self, from: refused)
        #expect(r.status == "failed")
        #expect(r.error?.contains("plain-text") == true)
        #expect(r.guest_running_on == "source")

        let out = try await Lab.run(livcloud, [
            "migrate", name, "--from", a.uri, "--to", b.uri, "--migrate-uri", b.migrateURI,
            "--poll-interval", "0.2", "--json",
        ])
        let report = try JSONDecoder().decode(CLIMigrationReport.self, from: out)
        #expect(report.status == "completed")
        #expect(report.guest_running_on == "destination")
        #expect(report.error == nil)
        #expect((report.downtime_ms ?? 0) > 0)
        #expect((report.total_ms ?? 0) > (report.downtime_ms ?? 0))
        #expect((report.memory_bytes_sent ?? 0) >= 16 << 20)
        #expect((report.iterations ?? 0) >= 1)
        // The link this job achieved: the bytes it sent over its time less the model's fixed costs.
        let achieved = try #require(report.achieved_link_mibps)
        let sent = Double(report.memory_bytes_sent ?? 0) / 1_048_576, seconds = Double(report.total_ms ?? 0) / 1000
        #expect(achieved >= sent / seconds * 0.99, "achieved \(achieved) MiB/s; \(sent) MiB in \(seconds) s")
        try await expectRunningOnly(on: "b", name, lab)

        // Back with LivCloud's adaptive policy: measured, predicted, then steered by
        // the adaptive controller, whose decisions (with reasons) reach the JSON.
        let back = try await Lab.run(livcloud, [
            "migrate", name, "--from", b.uri, "--to", a.uri, "--migrate-uri", a.migrateURI,
            "--adaptive", "--budget-ms", "300", "--poll-interval", "0.2", "--json",
        ])
        let adaptive = try JSONDecoder().decode(CLIMigrationReport.self, from: back)
        #expect(adaptive.status == "completed", "error: \(adaptive.error ?? "-")")
        #expect(adaptive.guest_running_on == "destination")
        let steering = (adaptive.decisions ?? []).filter { !$0.from_policy }
        #expect(!steering.isEmpty, "the adaptive controller should have set its first limit")
        #expect(steering.allSatisfy { !$0.reason.isEmpty })
        try await expectRunningOnly(on: "a", name, lab)
    }
}
