/// The selection rules of the reference greedy algorithm, shared by every planner that
/// replays it so that they break ties identically.
enum GreedySelection {
    /// The link with the highest load factor (load / bandwidth) as (from, to) indices; ties
    /// (within a relative 1e-12) go to the link listed first. Nil when no link carries load.
    static func mostLoadedLink(_ problem: RelocationProblem, load: [Double]) -> (from: Int, to: Int)? {
        let k = problem.dataCentreCount
        var best: (Int, Int)?
        var bestFactor = 0.0
        for f in 0..<k {
            for t in 0..<k {
                let l = problem.linkIndex[f * k + t]
                guard l >= 0 else { continue }
                let factor = load[f * k + t] / problem.topology.links[Int(l)].bandwidth
                if factor > bestFactor * (1 + Tolerance.loadFactorRelative), factor > 0 {
                    best = (f, t)
                    bestFactor = factor
                }
            }
        }
        return best
    }

    /// Traffic VM `v` sends to (`outgoing`) or receives from data centre `other`.
    @inline(__always)
    static func contribution(_ problem: RelocationProblem, _ dc: [Int32], _ v: Int, other: Int, outgoing: Bool) -> Double {
        var sum = 0.0
        for e in Int(problem.adjacencyStart[v])..<Int(problem.adjacencyStart[v + 1])
        where Int(dc[Int(problem.neighbour[e])]) == other {
            sum += outgoing ? problem.outRate[e] : problem.inRate[e]
        }
        return sum
    }

    /// Among `candidates` (VMs in one data centre), the one with the largest positive
    /// contribution; ties go to the lower VM index.
    static func topContributor(
        _ problem: RelocationProblem, _ dc: [Int32], candidates: some Sequence<Int32>, other: Int, outgoing: Bool
    ) -> Int? {
        var best: Int?
        var bestValue = 0.0
        for c in candidates {
            let v = Int(c)
            let value = contribution(problem, dc, v, other: other, outgoing: outgoing)
            if value > bestValue || (value == bestValue && value > 0 && v < best!) {
                best = v
                bestValue = value
            }
        }
        return best
    }
}
