import Testing
@testable import Relocation

/// Seeded random scenarios: every property is checked on every one of them.
@Suite struct PropertyTests {
    struct Scenario {
        var problem: RelocationProblem
        var cost: CostFunction
        var label: String
    }

    static func scenarios(count: Int) throws -> [Scenario] {
        var rng = SplitMix64(seed: 0x5EED)
        var out: [Scenario] = []
        for i in 0..<count {
            var generator = ScenarioGenerator(
                vmCount: 10 + rng.nextInt(below: 250), dataCentreCount: 2 + rng.nextInt(below: 6), seed: UInt64(i))
            generator.meanGroupSize = 3 + rng.nextInt(below: 30)
            generator.capacitySlack = 1.02 + 0.6 * rng.nextDouble()
            generator.crossGroupFraction = 0.3 * rng.nextDouble()
            generator.flowsPerVM = 1 + rng.nextInt(below: 6)
            var (topology, traffic) = generator.generate()
            // Every third scenario: drop some links that the starting placement does not use,
            // so that link feasibility matters.
            if i % 3 == 2 {
                let dcOf = Dictionary(uniqueKeysWithValues: topology.vms.map { ($0.id, $0.dataCentre) })
                var needed = Set<String>()
                for f in traffic.flows where f.bytesPerSecond > 0 {
                    needed.insert("\(dcOf[f.source]!)>\(dcOf[f.destination]!)")
                }
                topology.links.removeAll { !needed.contains("\($0.from)>\($0.to)") && rng.nextInt(below: 2) == 0 }
            }
            let cost: CostFunction
            switch i % 4 {
            case 0, 1: cost = .meanLoadFactor
            case 2: cost = CostFunction.meanLoadFactor.adding(RoundTripLatency(), weight: 0.5).adding(DataCharge(), weight: 1e3)
            default:
                cost = CostFunction.meanLoadFactor.adding(DataCentreUtilisation(), weight: 0.05).adding(EnergyPrice(), weight: 0.01)
            }
            let problem = try RelocationProblem(topology: topology, traffic: traffic)
            out.append(Scenario(problem: problem, cost: cost, label: "scenario \(i): \(problem.vmCount) VMs, \(problem.dataCentreCount) DCs, \(cost.summary)"))
        }
        return out
    }

    @Test func plansLowerTheCostAtEveryStepRespectCapacitiesAndReplayToTheirClaims() throws {
        for s in try Self.scenarios(count: 60) {
            let plans = [ReferenceGreedyPlanner().plan(s.problem, cost: s.cost), LocalSearchPlanner().plan(s.problem, cost: s.cost)]
            for plan in plans {
                let claimed = plan.costTrajectory
                for (before, after) in zip(claimed, claimed.dropFirst()) {
                    #expect(after < before, "\(plan.planner) raised the cost in \(s.label)")
                }
                // replay() also rejects moves into a full data centre or over a missing link.
                let replayed = try s.problem.replay(plan, cost: s.cost)
                #expect(replayed.count == claimed.count)
                for (r, c) in zip(replayed, claimed) {
                    #expect(abs(r - c) <= 1e-9 * max(abs(claimed[0]), 1e-12), "\(plan.planner) claim off in \(s.label)")
                }
                for (dc, used) in s.problem.usage(after: plan) {
                    #expect(used <= s.problem.capacity(of: dc)!, "\(plan.planner) overfilled \(dc) in \(s.label)")
                }
                #expect(plan.stopReason == .converged)
            }
        }
    }

    @Test func localSearchIsNeverWorseThanTheReferenceAndReplaysItExactly() throws {
        var strictlyBetter = 0
        let all = try Self.scenarios(count: 60)
        for s in all {
            let reference = ReferenceGreedyPlanner().plan(s.problem, cost: s.cost)
            let (mine, phase1) = LocalSearchPlanner().planWithPhases(s.problem, cost: s.cost)
            // Phase 1 makes the reference's moves, in the same order.
            #expect(phase1 == reference.moves.count, "\(s.label)")
            #expect(
                mine.moves.prefix(phase1).map { [$0.vm.rawValue, $0.from.rawValue, $0.to.rawValue] }
                    == reference.moves.map { [$0.vm.rawValue, $0.from.rawValue, $0.to.rawValue] }, "\(s.label)")
            #expect(mine.finalCost <= reference.finalCost + 1e-9 * abs(reference.initialCost), "\(s.label)")
            if mine.finalCost < reference.finalCost * (1 - 1e-6) { strictlyBetter += 1 }
        }
        // Not a correctness property, but the point of the exercise: local search usually wins.
        #expect(strictlyBetter > all.count / 2)
    }

    @Test func localOptimumHasNoImprovingSingleMove() throws {
        // After local search, no VM has a single move that lowers the cost (checked by brute force).
        for s in try Self.scenarios(count: 12) where s.problem.vmCount <= 120 {
            let plan = LocalSearchPlanner().plan(s.problem, cost: s.cost)
            let final = try s.problem.replay(plan, cost: s.cost).last!
            let problem = s.problem
            let placement = problem.initialPlacement.indices.map { v -> Int32 in
                let id = problem.vmIDs[v]
                let last = plan.moves.last { $0.vm == id }?.to
                return last.map { Int32(problem.dataCentreIDs.firstIndex(of: $0)!) } ?? problem.initialPlacement[v]
            }
            var used = [Double](repeating: 0, count: problem.dataCentreCount)
            for v in 0..<problem.vmCount { used[Int(placement[v])] += problem.vmSize[v] }
            let compiled = CompiledCost(s.cost, problem)
            var load = [Double](repeating: 0, count: problem.dataCentreCount * problem.dataCentreCount)
            for v in 0..<problem.vmCount {
                for d in 0..<problem.dataCentreCount where problem.canMove(v, to: d, placement: placement, used: used) {
                    var p = placement
                    p[v] = Int32(d)
                    var u = used
                    u[Int(placement[v])] -= problem.vmSize[v]
                    u[d] += problem.vmSize[v]
                    Placement.computeLoad(problem, p, into: &load)
                    let c = compiled.evaluate(load: load, used: u)
                    #expect(c >= final - 1e-9 * abs(plan.initialCost), "\(s.label): moving \(problem.vmIDs[v]) would help")
                }
            }
        }
    }

    @Test func generatorIsDeterministicAndValid() throws {
        let a = ScenarioGenerator(vmCount: 300, dataCentreCount: 5, seed: 42).generate()
        let b = ScenarioGenerator(vmCount: 300, dataCentreCount: 5, seed: 42).generate()
        let c = ScenarioGenerator(vmCount: 300, dataCentreCount: 5, seed: 43).generate()
        #expect(a.topology == b.topology && a.traffic == b.traffic)
        #expect(a.traffic != c.traffic)
        #expect(a.topology.links.count == 20)
        _ = try RelocationProblem(topology: a.topology, traffic: a.traffic)
    }

    @Test func splitMixMatchesPublishedOutput() {
        // First outputs of SplitMix64 seeded with 1234567 (reference C implementation).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
    }
}
