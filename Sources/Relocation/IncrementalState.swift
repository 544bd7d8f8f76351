/// Placement with O(flows of one VM × data centres) move evaluation and application.
///
/// Because link terms are linear in load, moving VM `v` from `a` to `b` changes the cost by
/// Σ over data centres x of out(v→x)·(c[b→x] − c[a→x]) + in(x→v)·(c[x→b] − c[x→a])
/// plus the data-centre terms of `a` and `b` (with c of a DC to itself = 0).
struct IncrementalState {
    let problem: RelocationProblem
    let cost: CompiledCost
    let k: Int
    var placement: Placement
    /// VMs of each data centre (unordered) and each VM's position in its list.
    var members: [[Int32]]
    var position: [Int32]
    // Scratch space for per-data-centre aggregates of one VM's traffic.
    private var outAggregate: [Double]
    private var inAggregate: [Double]
    private var touched: [Int32]
    private var seen: [Bool]
    private var outList: [(Int32, Double)] = []
    private var inList: [(Int32, Double)] = []
    /// `sendCost[b * K + x]`: cost per byte/s sent from b to x; `receiveCost[b * K + x]`: per
    /// byte/s received in b from x. 0 when b == x, +infinity when the link is missing.
    let sendCost: [Double]
    let receiveCost: [Double]

    init(_ problem: RelocationProblem, _ cost: CompiledCost) {
        self.problem = problem
        self.cost = cost
        k = problem.dataCentreCount
        placement = Placement(problem)
        members = Array(repeating: [], count: k)
        position = [Int32](repeating: 0, count: problem.vmCount)
        for v in 0..<problem.vmCount {
            let d = Int(placement.dc[v])
            position[v] = Int32(members[d].count)
            members[d].append(Int32(v))
        }
        outAggregate = [Double](repeating: 0, count: k)
        inAggregate = [Double](repeating: 0, count: k)
        touched = []
        seen = [Bool](repeating: false, count: k)
        var send = [Double](repeating: .infinity, count: k * k)
        var receive = [Double](repeating: .infinity, count: k * k)
        for b in 0..<k {
            for x in 0..<k {
                if b == x {
                    send[b * k + x] = 0
                    receive[b * k + x] = 0
                    continue
                }
                if problem.linkIndex[b * k + x] >= 0 { send[b * k + x] = cost.coefficient[b * k + x] }
                if problem.linkIndex[x * k + b] >= 0 { receive[b * k + x] = cost.coefficient[x * k + b] }
            }
        }
        sendCost = send
        receiveCost = receive
    }

    func currentCost() -> Double { cost.evaluate(load: placement.load, used: placement.used) }

    /// Scans the moves of `v` to each data centre in `0..<K`, in order, keeping a candidate
    /// when its cost change is below the incumbent's by more than `tolerance` (so ties go to
    /// the first found). Starts from `incumbent`; returns the last kept candidate, if any.
    mutating func bestMove(of v: Int, incumbent: Double, tolerance: Double) -> (to: Int, delta: Double)? {
        let a = Int(placement.dc[v])
        let size = problem.vmSize[v]
        let start = Int(problem.adjacencyStart[v]), end = Int(problem.adjacencyStart[v + 1])
        for e in start..<end {
            let x = Int(placement.dc[Int(problem.neighbour[e])])
            if !seen[x] {
                seen[x] = true
                touched.append(Int32(x))
            }
            outAggregate[x] += problem.outRate[e]
            inAggregate[x] += problem.inRate[e]
        }
        // Split into compact (DC, rate) lists and the cost of v's traffic where it is now.
        outList.removeAll(keepingCapacity: true)
        inList.removeAll(keepingCapacity: true)
        var here = 0.0
        for xi in touched {
            let x = Int(xi)
            let o = outAggregate[x], i = inAggregate[x]
            if o > 0 {
                outList.append((xi, o))
                here += o * sendCost[a * k + x]
            }
            if i > 0 {
                inList.append((xi, i))
                here += i * receiveCost[a * k + x]
            }
            outAggregate[x] = 0
            inAggregate[x] = 0
            seen[x] = false
        }
        touched.removeAll(keepingCapacity: true)

        var best: (to: Int, delta: Double)?
        var bestDelta = incumbent
        let dcTerms = cost.hasDataCentreTerms
        let leaveDelta =
            dcTerms ? cost.dataCentreCost(a, used: placement.used[a] - size) - cost.dataCentreCost(a, used: placement.used[a]) : 0
        sendCost.withUnsafeBufferPointer { send in
            receiveCost.withUnsafeBufferPointer { receive in
                for b in 0..<k where b != a {
                    guard problem.fits(size, in: b, used: placement.used[b]) else { continue }
                    let row = b * k
                    var there = 0.0
                    for (x, o) in outList { there += o * send[row + Int(x)] }
                    for (x, i) in inList { there += i * receive[row + Int(x)] }
                    var delta = there - here
                    if dcTerms {
                        delta += leaveDelta + cost.dataCentreCost(b, used: placement.used[b] + size)
                            - cost.dataCentreCost(b, used: placement.used[b])
                    }
                    // A missing link makes `there` infinite: never kept.
                    if delta < bestDelta - tolerance {
                        bestDelta = delta
                        best = (b, delta)
                    }
                }
            }
        }
        return best
    }

    /// Moves `v` to `b`, updating link loads, usage and membership.
    mutating func apply(_ v: Int, to b: Int) {
        let a = Int(placement.dc[v])
        for e in Int(problem.adjacencyStart[v])..<Int(problem.adjacencyStart[v + 1]) {
            let x = Int(placement.dc[Int(problem.neighbour[e])])
            let o = problem.outRate[e], i = problem.inRate[e]
            if o > 0 {
                if x != a { placement.load[a * k + x] -= o }
                if x != b { placement.load[b * k + x] += o }
            }
            if i > 0 {
                if x != a { placement.load[x * k + a] -= i }
                if x != b { placement.load[x * k + b] += i }
            }
        }
        placement.used[a] -= problem.vmSize[v]
        placement.used[b] += problem.vmSize[v]
        placement.dc[v] = Int32(b)
        let p = Int(position[v])
        let last = members[a].removeLast()
        if Int(last) != v {
            members[a][p] = last
            position[Int(last)] = Int32(p)
        }
        position[v] = Int32(members[b].count)
        members[b].append(Int32(v))
    }
}
