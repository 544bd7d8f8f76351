/// Traffic-weighted mean round-trip latency (seconds) over all traffic; intra-DC traffic
/// counts as zero latency. Links without a latency count as zero.
public struct RoundTripLatency: CostTerm {
    public init() {}
    public var name: String { "latency" }
    public func linkCoefficient(_ link: Link, in problem: RelocationProblem) -> Double {
        guard problem.totalTraffic > 0 else { return 0 }
        return (link.roundTripLatency ?? 0) / problem.totalTraffic
    }
}
