import Foundation
import Logging
import Testing

@testable import LiveMigration

extension LabMigrationTests {
    @Test func nonSharedDiskIsCopied() async throws {
        let lab = try await Lab.shared()
        let name = "mig-disk"
        let diskMiB = 16
        try await lab.startGuest(name, dirtyMiBPerSecond: 0, diskMiB: diskMiB)
        defer { lab.destroyGuestNow(name) }
        _ = try await lab.lab("guest", "prepare-disk", name, "--host", "b")
        let run = try await migrate(lab, name, policy: MigrationPolicy(nonSharedDisk: .init(mode: .full, disks: ["vda"])))
        let result = try run.outcome.get()
        #expect(result.placement.runningOn == .destination)
        try await expectRunningOnly(on: "b", name, lab)
        let beats = try await lab.heartbeats(name)
        #expect(try await lab.heartbeatAdvances(name, beyond: beats))
        let diskTotal = max(
            result.stats?.raw.diskTotalBytes ?? 0, run.events.progress.compactMap(\.diskTotalBytes).max() ?? 0)
        #expect(diskTotal >= UInt64(diskMiB) * Self.mib, "disk_total \(diskTotal)")
    }

    @Test func offlineMigrationMovesTheDefinition() async throws {
        let lab = try await Lab.shared()
        let name = "mig-offline"
        try await lab.startGuest(name, persistent: true)
        defer { lab.destroyGuestNow(name) }
        let source = try await lab.connection("a")
        try await source.domain(named: name).destroy()
        #expect(try await source.domain(named: name).state().kind == .shutOff)

        let run = try await migrate(
            lab, name, policy: MigrationPolicy(persistOnDestination: true, undefineOnSource: true, offline: true))
        let result = try run.outcome.get()
        #expect(result.placement.source == .absent)
        guard case .present(let state) = result.placement.destination else {
            Issue.record("destination has no definition: \(result.placement)")
            return
        }
        #expect(state.kind == .shutOff)
        let w = try await lab.whereIs(name)
        #expect(w.a == "absent")
        #expect(w.b == "shut off")
    }
}
