/// Mean bandwidth load factor: Σ over links of load / bandwidth, divided by the number of links.
public struct BandwidthLoadFactor: CostTerm {
    public init() {}
    public var name: String { "load-factor" }
    public func linkCoefficient(_ link: Link, in problem: RelocationProblem) -> Double {
        1 / (link.bandwidth * Double(problem.topology.links.count))
    }
}
