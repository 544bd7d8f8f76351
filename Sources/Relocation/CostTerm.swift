/// One term of the relocation cost.
///
/// A term has two parts, both optional:
/// - a link part that is **linear** in the load of each inter-DC link: the term gives the
///   cost of one byte/s on that link (`linkCoefficient`);
/// - a data-centre part, any function of the resources used in each data centre.
///
/// Linearity in link load is what lets the planners evaluate a move in
/// O(flows of the VM × data centres) instead of recomputing every link. Every term the
/// issue asks for (load factor, latency, data charge, DC load, energy price) has this form.
public protocol CostTerm: Sendable {
    /// A short name for reports.
    var name: String { get }
    /// Cost of one byte/s of load on `link`; 0 when the term ignores links.
    func linkCoefficient(_ link: Link, in problem: RelocationProblem) -> Double
    /// Whether `dataCentreCost` is not identically zero.
    var hasDataCentrePart: Bool { get }
    /// Cost of data centre number `index` when it hosts `used` resource units.
    func dataCentreCost(_ index: Int, used: Double, in problem: RelocationProblem) -> Double
}

extension CostTerm {
    public func linkCoefficient(_ link: Link, in problem: RelocationProblem) -> Double { 0 }
    public var hasDataCentrePart: Bool { false }
    public func dataCentreCost(_ index: Int, used: Double, in problem: RelocationProblem) -> Double { 0 }
}
