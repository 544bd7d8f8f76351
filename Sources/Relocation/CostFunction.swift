/// A weighted sum of cost terms. The default is the cost: the mean bandwidth load
/// factor over all inter-DC links.
public struct CostFunction: Sendable {
    public struct WeightedTerm: Sendable {
        public var weight: Double
        public var term: any CostTerm
        public init(weight: Double, term: any CostTerm) {
            self.weight = weight
            self.term = term
        }
    }

    public var terms: [WeightedTerm]

    public init(terms: [WeightedTerm]) { self.terms = terms }

    /// Mean load factor (load / bandwidth) over all inter-DC links.
    public static let meanLoadFactor = CostFunction(terms: [.init(weight: 1, term: BandwidthLoadFactor())])

    /// Adds a term with a weight.
    public func adding(_ term: some CostTerm, weight: Double) -> CostFunction {
        CostFunction(terms: terms + [.init(weight: weight, term: term)])
    }

    /// A readable summary such as `1 × load-factor + 0.5 × latency`.
    public var summary: String {
        terms.map { "\($0.weight) × \($0.term.name)" }.joined(separator: " + ")
    }

    /// The cost of the problem's starting placement.
    public func initialCost(of problem: RelocationProblem) -> Double {
        let compiled = CompiledCost(self, problem)
        let state = Placement(problem)
        return compiled.evaluate(load: state.load, used: state.used)
    }
}
