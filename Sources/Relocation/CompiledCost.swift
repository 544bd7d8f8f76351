/// A ``CostFunction`` bound to one problem: link coefficients folded into one K×K matrix.
struct CompiledCost: Sendable {
    let k: Int
    /// `coefficient[from * K + to]`: weighted cost per byte/s on that link; 0 without a link.
    let coefficient: [Double]
    let dataCentreTerms: [CostFunction.WeightedTerm]
    let problem: RelocationProblem

    init(_ function: CostFunction, _ problem: RelocationProblem) {
        let k = problem.dataCentreCount
        var coefficient = [Double](repeating: 0, count: k * k)
        for f in 0..<k {
            for t in 0..<k {
                let l = problem.linkIndex[f * k + t]
                guard l >= 0 else { continue }
                let link = problem.topology.links[Int(l)]
                var c = 0.0
                for term in function.terms { c += term.weight * term.term.linkCoefficient(link, in: problem) }
                coefficient[f * k + t] = c
            }
        }
        self.k = k
        self.coefficient = coefficient
        self.dataCentreTerms = function.terms.filter { $0.term.hasDataCentrePart }
        self.problem = problem
    }

    var hasDataCentreTerms: Bool { !dataCentreTerms.isEmpty }

    func dataCentreCost(_ d: Int, used: Double) -> Double {
        var c = 0.0
        for term in dataCentreTerms { c += term.weight * term.term.dataCentreCost(d, used: used, in: problem) }
        return c
    }

    /// Full cost from link loads (K×K) and data-centre usage.
    func evaluate(load: [Double], used: [Double]) -> Double {
        var c = 0.0
        for i in 0..<(k * k) where coefficient[i] != 0 { c += coefficient[i] * load[i] }
        if hasDataCentreTerms {
            for d in 0..<k { c += dataCentreCost(d, used: used[d]) }
        }
        return c
    }
}
