/// Data-centre load against capacity: the mean over data centres of (used / capacity)².
/// Squaring makes crowded data centres cost more than the sum of their parts, so this
/// term favours spreading load. A data centre of capacity 0 contributes 0.
public struct DataCentreUtilisation: CostTerm {
    public init() {}
    public var name: String { "dc-utilisation" }
    public var hasDataCentrePart: Bool { true }
    public func dataCentreCost(_ index: Int, used: Double, in problem: RelocationProblem) -> Double {
        let capacity = problem.capacity[index]
        guard capacity > 0 else { return 0 }
        let u = used / capacity
        return u * u / Double(problem.dataCentreCount)
    }
}
