import Foundation
import Logging
import Relocation
import RelocationExecution
import Testing

@testable import LiveMigration

/// A relocation plan executed for real: the planner decides to move a guest
/// between two "data centres" (the lab's two libvirt hosts), and the plan
/// executor carries the move out as a live migration.
@Suite(.serialized, .enabled(if: labEnabled, "set LIVCLOUD_LAB=1 to run against the two-host lab"), .timeLimit(.minutes(4)))
struct RelocationLabTests {
    @Test func planMovesTheChattyGuestToItsPartnersDataCentre() async throws {
        let lab = try await Lab.shared()
        let name = "reloc-guest"
        try await lab.startGuest(name, on: "a")
        defer { lab.destroyGuestNow(name) }

        // dc-a holds only the guest; its partner sits in dc-b, which has room for
        // both. All traffic crosses the link, so the planner should move the guest.
        let topology = Topology(
            dataCentres: [DataCentre(id: "dc-a", capacity: 1), DataCentre(id: "dc-b", capacity: 2)],
            links: [Link(from: "dc-a", to: "dc-b", bandwidth: 1e6), Link(from: "dc-b", to: "dc-a", bandwidth: 1e6)],
            vms: [VirtualMachine(id: VMID(name), dataCentre: "dc-a", size: 1),
                  VirtualMachine(id: "partner", dataCentre: "dc-b", size: 1)])
        let traffic = TrafficMatrix(flows: [
            TrafficFlow(source: VMID(name), destination: "partner", bytesPerSecond: 4e5),
            TrafficFlow(source: "partner", destination: VMID(name), bytesPerSecond: 2e5),
        ])
        let problem = try RelocationProblem(topology: topology, traffic: traffic)
        let plan = LocalSearchPlanner().plan(problem, cost: .meanLoadFactor)
        let move = try #require(plan.moves.first, "the planner should move something: \(plan)")
        #expect(plan.moves.count == 1)
        #expect(move.vm == VMID(name) && move.from == "dc-a" && move.to == "dc-b")
        #expect(plan.finalCost < plan.initialCost)

        let migrateURIs = [lab.status.a.uri: lab.status.a.migrateURI, lab.status.b.uri: lab.status.b.migrateURI]
        let executor = LiveMigrationMoveExecutor(logger: lab.logger, migrateURI: { migrateURIs[$0] })
        let before = try await lab.heartbeats(name)
        let report = try await PlanExecutor(
            uris: ["dc-a": lab.status.a.uri, "dc-b": lab.status.b.uri], executor: executor
        ).execute(plan)
        #expect(report.succeeded, "failure: \(String(describing: report.failure))")
        #expect(report.completed == plan.moves)

        let w = try await lab.whereIs(name)
        #expect(w.b == "running" && w.a != "running", "after the plan: a=\(w.a) b=\(w.b)")
        #expect(try await lab.heartbeatAdvances(name, beyond: before), "the heartbeat goes on in dc-b")
    }

    @Test func aMappingWithoutTheDestinationIsRefusedBeforeAnyMigration() async throws {
        let lab = try await Lab.shared()
        let plan = RelocationPlan(
            planner: "hand", initialCost: 1,
            moves: [Move(vm: "nobody", from: "dc-a", to: "dc-b", costAfter: 0)], stopReason: .converged)
        let executor = LiveMigrationMoveExecutor(logger: lab.logger)
        await #expect(throws: RelocationError.missingURI("dc-b")) {
            _ = try await PlanExecutor(uris: ["dc-a": lab.status.a.uri], executor: executor).execute(plan)
        }
    }
}
