/// Energy cost: resources hosted in each data centre times its energy price, divided by the
/// total size of all VMs (so the term is a mean price per resource unit).
public struct EnergyPrice: CostTerm {
    public init() {}
    public var name: String { "energy" }
    public var hasDataCentrePart: Bool { true }
    public func dataCentreCost(_ index: Int, used: Double, in problem: RelocationProblem) -> Double {
        guard problem.totalSize > 0 else { return 0 }
        return used * (problem.topology.dataCentres[index].energyPrice ?? 0) / problem.totalSize
    }
}
