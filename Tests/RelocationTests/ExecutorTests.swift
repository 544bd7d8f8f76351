import Testing
@testable import Relocation

/// Records migrations; fails the one for `failing`.
actor FakeMigrations: MoveExecutor {
    struct Failure: Error, Equatable {}
    var calls: [String] = []
    let failing: VMID?
    init(failing: VMID? = nil) { self.failing = failing }

    func migrate(vm: VMID, from sourceURI: String, to destinationURI: String) async throws {
        calls.append("\(vm) \(sourceURI) -> \(destinationURI)")
        if vm == failing { throw Failure() }
    }
}

@Suite struct ExecutorTests {
    let plan = RelocationPlan(
        planner: "test", initialCost: 3,
        moves: [
            Move(vm: "v1", from: "A", to: "B", costAfter: 2),
            Move(vm: "v2", from: "B", to: "C", costAfter: 1),
            Move(vm: "v3", from: "A", to: "C", costAfter: 0),
        ], stopReason: .converged)
    let uris: [DataCentreID: String] = ["A": "qemu+tls://a/system", "B": "qemu+tls://b/system", "C": "qemu+tls://c/system"]

    @Test func executesMovesInOrderWithTheMappedURIs() async throws {
        let fake = FakeMigrations()
        let report = try await PlanExecutor(uris: uris, executor: fake).execute(plan)
        #expect(report.succeeded)
        #expect(report.completed == plan.moves)
        #expect(await fake.calls == [
            "v1 qemu+tls://a/system -> qemu+tls://b/system",
            "v2 qemu+tls://b/system -> qemu+tls://c/system",
            "v3 qemu+tls://a/system -> qemu+tls://c/system",
        ])
    }

    @Test func stopsAtTheFirstFailureAndReportsWhatWasDone() async throws {
        let fake = FakeMigrations(failing: "v2")
        let report = try await PlanExecutor(uris: uris, executor: fake).execute(plan)
        #expect(!report.succeeded)
        #expect(report.completed == [plan.moves[0]])
        #expect(report.failure?.index == 1)
        #expect(report.failure?.move == plan.moves[1])
        #expect(report.failure?.error is FakeMigrations.Failure)
        #expect(report.notAttempted == [plan.moves[2]])
        #expect(await fake.calls.count == 2)
    }

    @Test func missingURIIsRejectedBeforeAnyMigration() async throws {
        let fake = FakeMigrations()
        var partial = uris
        partial["C"] = nil
        await #expect(throws: RelocationError.missingURI("C")) {
            try await PlanExecutor(uris: partial, executor: fake).execute(plan)
        }
        #expect(await fake.calls.isEmpty)
    }
}
