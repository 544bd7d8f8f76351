/// Where every VM is, what each data centre hosts and the load on every DC pair.
struct Placement: Sendable {
    var dc: [Int32]
    var used: [Double]
    /// `load[from * K + to]` in bytes/s; the diagonal (intra-DC traffic) stays 0.
    var load: [Double]

    init(_ problem: RelocationProblem) {
        dc = problem.initialPlacement
        let k = problem.dataCentreCount
        used = [Double](repeating: 0, count: k)
        for v in 0..<problem.vmCount { used[Int(dc[v])] += problem.vmSize[v] }
        load = [Double](repeating: 0, count: k * k)
        Placement.computeLoad(problem, dc, into: &load)
    }

    /// Recomputes all link loads from the flows (the reference's way).
    static func computeLoad(_ problem: RelocationProblem, _ dc: [Int32], into load: inout [Double]) {
        let k = problem.dataCentreCount
        for i in load.indices { load[i] = 0 }
        for i in 0..<problem.flowRate.count {
            let a = Int(dc[Int(problem.flowSource[i])])
            let b = Int(dc[Int(problem.flowDestination[i])])
            if a != b { load[a * k + b] += problem.flowRate[i] }
        }
    }
}
