import Logging

/// The better planner. Two phases, both with O(flows of one VM × data centres) incremental
/// move evaluation instead of recomputing every link:
///
/// 1. **Reference replay**: the reference greedy rule (most loaded link, its two top VMs,
///    best move while it lowers the cost), with identical tie-breaking, but incremental.
///    In exact arithmetic it makes exactly the reference's moves and ends where the
///    reference ends.
/// 2. **Local search** from there: every VM, not just the top two of one link, is offered
///    its best move to any data centre with room; improving moves are applied; the
///    neighbours of a moved VM are re-examined first (work queue); the search ends after a
///    full pass over all VMs that finds no improving move (a local optimum for single moves).
///
/// Phase 2 only applies cost-lowering moves, so the final cost is never above the
/// reference's final cost (phase 1's end state) — by construction, not by luck.
public struct LocalSearchPlanner: RelocationPlanner {
    public var budget: PlanningBudget
    /// Run phase 1 (the reference replay). Without it, the never-worse guarantee is lost.
    public var replayReference: Bool
    public var logger: Logger?

    public init(budget: PlanningBudget = .unlimited, replayReference: Bool = true, logger: Logger? = nil) {
        self.budget = budget
        self.replayReference = replayReference
        self.logger = logger
    }

    public var name: String { "local-search" }

    /// The plan, and how many of its first moves are phase 1 (the reference replay): the
    /// state after those moves is the reference planner's end state.
    public func planWithPhases(_ problem: RelocationProblem, cost: CostFunction) -> (plan: RelocationPlan, phase1Moves: Int) {
        let compiled = CompiledCost(cost, problem)
        var state = IncrementalState(problem, compiled)
        let initialCost = state.currentCost()
        var current = initialCost
        let tolerance = Tolerance(initialCost: initialCost).cost
        var moves: [Move] = []
        let clock = ContinuousClock()
        let start = clock.now
        var stop = RelocationPlan.StopReason.converged

        func record(_ v: Int, from: Int, to: Int, delta: Double) {
            state.apply(v, to: to)
            current += delta
            moves.append(
                Move(vm: problem.vmIDs[v], from: problem.dataCentreIDs[from], to: problem.dataCentreIDs[to], costAfter: current))
        }
        func outOfBudget() -> Bool {
            if moves.count >= budget.maxMoves { stop = .iterationBudget; return true }
            if let limit = budget.timeLimit, clock.now - start >= limit { stop = .timeBudget; return true }
            return false
        }

        // Phase 1: the reference rule, incrementally.
        if replayReference {
            var index = ContributionIndex(problem, state.placement.dc)
            while !outOfBudget() {
                guard let (a, b) = GreedySelection.mostLoadedLink(problem, load: state.placement.load) else { break }
                let vm0 = index.topSender(problem, state.placement.dc, from: a, to: b)
                let vm1 = index.topReceiver(problem, state.placement.dc, from: a, to: b)
                var best: (vm: Int, to: Int, delta: Double)?
                for v in [vm0, vm1] {
                    guard let v else { continue }
                    if let m = state.bestMove(of: v, incumbent: best?.delta ?? .infinity, tolerance: tolerance) {
                        best = (v, m.to, m.delta)
                    }
                }
                guard let best, best.delta < -tolerance else { break }
                let from = Int(state.placement.dc[best.vm])
                record(best.vm, from: from, to: best.to, delta: best.delta)
                index.moved(problem, state.placement.dc, best.vm, from: from, to: best.to)
            }
        }
        let phase1 = moves.count
        let phase1Time = clock.now - start

        // Phase 2: local search over all VMs.
        if stop == .converged {
            let n = problem.vmCount
            var queued = [Bool](repeating: false, count: n)
            var queue: [Int32] = []
            queue.reserveCapacity(n)
            var head = 0
            search: while true {
                var movedThisRound = 0
                queue.removeAll(keepingCapacity: true)
                head = 0
                for v in 0..<n {
                    queue.append(Int32(v))
                    queued[v] = true
                }
                while head < queue.count {
                    if outOfBudget() { break search }
                    let v = Int(queue[head])
                    head += 1
                    queued[v] = false
                    if head > 1 << 20, head * 2 > queue.count {
                        queue.removeFirst(head)
                        head = 0
                    }
                    guard let m = state.bestMove(of: v, incumbent: 0, tolerance: tolerance) else { continue }
                    record(v, from: Int(state.placement.dc[v]), to: m.to, delta: m.delta)
                    movedThisRound += 1
                    for e in Int(problem.adjacencyStart[v])..<Int(problem.adjacencyStart[v + 1]) {
                        let u = Int(problem.neighbour[e])
                        if !queued[u] {
                            queued[u] = true
                            queue.append(Int32(u))
                        }
                    }
                }
                if movedThisRound == 0 { break }
            }
        }
        logger?.debug(
            "local search finished",
            metadata: [
                "phase1Moves": "\(phase1)", "phase1Time": "\(phase1Time)", "totalTime": "\(clock.now - start)", "moves": "\(moves.count)", "cost": "\(current)",
                "stop": "\(stop.rawValue)",
            ])
        return (RelocationPlan(planner: name, initialCost: initialCost, moves: moves, stopReason: stop), phase1)
    }

    public func plan(_ problem: RelocationProblem, cost: CostFunction) -> RelocationPlan {
        planWithPhases(problem, cost: cost).plan
    }
}
