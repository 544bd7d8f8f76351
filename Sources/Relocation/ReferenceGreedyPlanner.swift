import Logging

/// The reference greedy algorithm, exactly as published:
///
/// repeat — take the most loaded link (DC0 → DC1); take the VM in DC0 that sends most to
/// DC1 (VM0) and the VM in DC1 that receives most from DC0 (VM1); for each of them and each
/// other data centre with capacity (and the links its traffic needs), evaluate the cost if
/// the VM moved there, by recomputing every link load; apply the best move if it lowers the
/// cost; stop when it does not.
///
/// Ties: the first candidate wins (VM0 before VM1, lower data-centre index first).
/// It is deliberately naive (each evaluation is O(flows + links)); ``LocalSearchPlanner``
/// is the fast one.
public struct ReferenceGreedyPlanner: RelocationPlanner {
    public var budget: PlanningBudget
    public var logger: Logger?

    public init(budget: PlanningBudget = .unlimited, logger: Logger? = nil) {
        self.budget = budget
        self.logger = logger
    }

    public var name: String { "reference-greedy" }

    public func plan(_ problem: RelocationProblem, cost: CostFunction) -> RelocationPlan {
        let compiled = CompiledCost(cost, problem)
        let k = problem.dataCentreCount
        var state = Placement(problem)
        var current = compiled.evaluate(load: state.load, used: state.used)
        let initialCost = current
        let tolerance = Tolerance(initialCost: current)
        var scratch = state.load
        var moves: [Move] = []
        let clock = ContinuousClock()
        let start = clock.now
        var stop = RelocationPlan.StopReason.converged
        let allVMs = (0..<Int32(problem.vmCount))

        while true {
            if moves.count >= budget.maxMoves { stop = .iterationBudget; break }
            if let limit = budget.timeLimit, clock.now - start >= limit { stop = .timeBudget; break }
            Placement.computeLoad(problem, state.dc, into: &state.load)
            guard let (a, b) = GreedySelection.mostLoadedLink(problem, load: state.load) else { break }
            let dc = state.dc
            let vm0 = GreedySelection.topContributor(
                problem, dc, candidates: allVMs.lazy.filter { dc[Int($0)] == a }, other: b, outgoing: true)
            let vm1 = GreedySelection.topContributor(
                problem, dc, candidates: allVMs.lazy.filter { dc[Int($0)] == b }, other: a, outgoing: false)
            var best: (vm: Int, to: Int, cost: Double)?
            for v in [vm0, vm1].compactMap({ $0 }) {
                let from = Int(state.dc[v])
                for d in 0..<k where problem.canMove(v, to: d, placement: state.dc, used: state.used) {
                    state.dc[v] = Int32(d)
                    state.used[from] -= problem.vmSize[v]
                    state.used[d] += problem.vmSize[v]
                    Placement.computeLoad(problem, state.dc, into: &scratch)
                    let c = compiled.evaluate(load: scratch, used: state.used)
                    state.dc[v] = Int32(from)
                    state.used[from] += problem.vmSize[v]
                    state.used[d] -= problem.vmSize[v]
                    if c < (best?.cost ?? .infinity) - tolerance.cost { best = (v, d, c) }
                }
            }
            guard let best, best.cost < current - tolerance.cost else { break }
            let from = Int(state.dc[best.vm])
            state.dc[best.vm] = Int32(best.to)
            state.used[from] -= problem.vmSize[best.vm]
            state.used[best.to] += problem.vmSize[best.vm]
            current = best.cost
            moves.append(
                Move(
                    vm: problem.vmIDs[best.vm], from: problem.dataCentreIDs[from],
                    to: problem.dataCentreIDs[best.to], costAfter: current))
        }
        logger?.debug(
            "reference greedy finished",
            metadata: ["moves": "\(moves.count)", "cost": "\(current)", "stop": "\(stop.rawValue)"])
        return RelocationPlan(planner: name, initialCost: initialCost, moves: moves, stopReason: stop)
    }
}
