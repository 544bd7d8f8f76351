/// Data charge of the carriers per second of traffic: Σ over links of load × charge per byte.
public struct DataCharge: CostTerm {
    public init() {}
    public var name: String { "data-charge" }
    public func linkCoefficient(_ link: Link, in problem: RelocationProblem) -> Double {
        (link.chargePerGB ?? 0) / 1e9
    }
}
