import Testing
@testable import Relocation

@Suite struct PlannerTests {
    @Test func referenceMovesTheTopVMAndBreaksTiesTowardVM0() throws {
        // a1 -> b1 at 10 B/s over A→B (10 B/s): load factor 1 on one of two links.
        let p = try makeProblem(
            dataCentres: [("A", 2), ("B", 2)], links: [("A", "B", 10), ("B", "A", 5)],
            vms: [("a1", "A", 1), ("b1", "B", 1)], flows: [("a1", "b1", 10)])
        let plan = ReferenceGreedyPlanner().plan(p, cost: .meanLoadFactor)
        #expect(plan.initialCost == 0.5)
        // Moving a1 to B or b1 to A both give 0; VM0 (the sender) is considered first.
        #expect(plan.moves == [Move(vm: "a1", from: "A", to: "B", costAfter: 0)])
        #expect(plan.stopReason == .converged)
    }

    @Test func referenceFollowsLoadFactorNotRawLoad() throws {
        // A→B carries 10 B/s over 100 B/s (0.1); A→C carries 5 B/s over 10 B/s (0.5).
        var links = fullMesh(["A", "B", "C"], bandwidth: 10)
        links[0] = ("A", "B", 100)
        let p = try makeProblem(
            dataCentres: [("A", 3), ("B", 3), ("C", 3)], links: links,
            vms: [("a1", "A", 1), ("a2", "A", 1), ("b1", "B", 1), ("c1", "C", 1)],
            flows: [("a1", "b1", 10), ("a2", "c1", 5)])
        let plan = ReferenceGreedyPlanner().plan(p, cost: .meanLoadFactor)
        #expect(isClose(plan.initialCost, 0.6 / 6))
        #expect(plan.moves.map(\.vm) == ["a2", "a1"])
        #expect(plan.moves.map(\.to) == ["C", "B"])
        #expect(isClose(plan.moves[0].costAfter, 0.1 / 6))
        #expect(plan.finalCost == 0)
    }

    /// A and B are full. The top link A→B (10) can only be relieved by moving a1 or b1 to C,
    /// which just shifts the 10 B/s to C→B or A→C: no gain, so the reference stops.
    /// Moving a2 (not a top VM of the top link) to C removes A→C's 4 B/s and frees a slot
    /// in A, after which b1 can join a1: everything becomes intra-DC.
    func stuckProblem() throws -> RelocationProblem {
        try makeProblem(
            dataCentres: [("A", 2), ("B", 2), ("C", 2)], links: fullMesh(["A", "B", "C"], bandwidth: 1),
            vms: [("a1", "A", 1), ("a2", "A", 1), ("b1", "B", 1), ("b2", "B", 1), ("c1", "C", 1)],
            flows: [("a1", "b1", 10), ("a2", "c1", 4)])
    }

    @Test func referenceGetsStuck() throws {
        let plan = ReferenceGreedyPlanner().plan(try stuckProblem(), cost: .meanLoadFactor)
        #expect(plan.moves.isEmpty)
        #expect(isClose(plan.finalCost, 14.0 / 6))
    }

    @Test func localSearchGetsUnstuck() throws {
        let p = try stuckProblem()
        let plan = LocalSearchPlanner().plan(p, cost: .meanLoadFactor)
        #expect(plan.moves.map(\.vm) == ["a2", "b1"])
        #expect(plan.moves.map(\.to) == ["C", "A"])
        #expect(isClose(plan.costTrajectory[1], 10.0 / 6))
        #expect(plan.finalCost == 0)
        #expect(try p.replay(plan, cost: .meanLoadFactor).last == 0)
    }

    @Test func plannersNeverUseAMissingLink() throws {
        // C has room for both VMs, but no links: moving either one alone would need one.
        let p = try makeProblem(
            dataCentres: [("A", 1), ("B", 1), ("C", 5)], links: [("A", "B", 1), ("B", "A", 1)],
            vms: [("a1", "A", 1), ("b1", "B", 1)], flows: [("a1", "b1", 10)])
        #expect(ReferenceGreedyPlanner().plan(p, cost: .meanLoadFactor).moves.isEmpty)
        #expect(LocalSearchPlanner().plan(p, cost: .meanLoadFactor).moves.isEmpty)
    }

    @Test func plannersNeverOverfillADataCentre() throws {
        // Both would like to join b1 in B, but B has room for one more.
        let p = try makeProblem(
            dataCentres: [("A", 2), ("B", 2)], links: fullMesh(["A", "B"], bandwidth: 1),
            vms: [("a1", "A", 1), ("a2", "A", 1), ("b1", "B", 1)],
            flows: [("a1", "b1", 10), ("a2", "b1", 5)])
        for plan in [ReferenceGreedyPlanner().plan(p, cost: .meanLoadFactor), LocalSearchPlanner().plan(p, cost: .meanLoadFactor)] {
            #expect(plan.moves.count == 1)
            #expect(plan.moves.first?.vm == "a1")
            #expect(isClose(plan.finalCost, 5.0 / 2))
            #expect(p.usage(after: plan)["B"] == 2)
        }
    }

    @Test func budgetsStopPlanners() throws {
        let (topology, traffic) = ScenarioGenerator(vmCount: 200, dataCentreCount: 4, seed: 7).generate()
        let p = try RelocationProblem(topology: topology, traffic: traffic)
        let ref = ReferenceGreedyPlanner(budget: PlanningBudget(maxMoves: 2)).plan(p, cost: .meanLoadFactor)
        #expect(ref.moves.count == 2)
        #expect(ref.stopReason == .iterationBudget)
        let ls = LocalSearchPlanner(budget: PlanningBudget(maxMoves: 3)).plan(p, cost: .meanLoadFactor)
        #expect(ls.moves.count == 3)
        #expect(ls.stopReason == .iterationBudget)
    }

    @Test func replayRejectsAForgedPlan() throws {
        let p = try stuckProblem()
        let forged = RelocationPlan(
            planner: "forged", initialCost: 0,
            moves: [Move(vm: "a1", from: "A", to: "B", costAfter: 0)], stopReason: .converged)
        #expect(throws: RelocationError.invalidMove(index: 0, vm: "a1", reason: "'B' has no room")) {
            try p.replay(forged, cost: .meanLoadFactor)
        }
        let wrongSource = RelocationPlan(
            planner: "forged", initialCost: 0,
            moves: [Move(vm: "a1", from: "C", to: "B", costAfter: 0)], stopReason: .converged)
        #expect(throws: RelocationError.invalidMove(index: 0, vm: "a1", reason: "it is in 'A', not 'C'")) {
            try p.replay(wrongSource, cost: .meanLoadFactor)
        }
    }

    @Test func tiedTopVMsGoToTheLowerIndexInBothPlanners() throws {
        // a2 and a1 both send 5 B/s to b1; B has room for one of them. VM0 is a tie, broken
        // toward the VM listed first (a2 here), by the reference and by local search's replay.
        let p = try makeProblem(
            dataCentres: [("A", 2), ("B", 2)], links: fullMesh(["A", "B"], bandwidth: 1),
            vms: [("a2", "A", 1), ("a1", "A", 1), ("b1", "B", 1)],
            flows: [("a1", "b1", 5), ("a2", "b1", 5)])
        let reference = ReferenceGreedyPlanner().plan(p, cost: .meanLoadFactor)
        #expect(reference.moves == [Move(vm: "a2", from: "A", to: "B", costAfter: 2.5)])
        let (mine, phase1) = LocalSearchPlanner().planWithPhases(p, cost: .meanLoadFactor)
        #expect(phase1 == 1)
        #expect(mine.moves.first == reference.moves.first)
        #expect(mine.finalCost == 2.5)
    }
}
