/// The spread of a prediction when dirty rate and link rate are each off by
/// ±`relativeUncertainty`: the model evaluated at the four corners
/// (D·(1±u), R·(1±u)) and at the point estimate.
public struct UncertaintyBand: Sendable, Equatable, Codable {
    public var relativeUncertainty: Double
    /// Converges at the point and at every corner.
    public var convergesEverywhere: Bool
    /// Converges at at least one corner or the point.
    public var convergesSomewhere: Bool
    /// Shortest total time among converging corners, seconds.
    public var totalSecondsLower: Double?
    /// Longest total time; nil when some corner doesn't converge (unbounded).
    public var totalSecondsUpper: Double?
    public var downtimeMsLower: Double?
    /// Largest downtime among converging corners.
    public var downtimeMsUpper: Double?

    public init(
        relativeUncertainty: Double, convergesEverywhere: Bool, convergesSomewhere: Bool,
        totalSecondsLower: Double?, totalSecondsUpper: Double?, downtimeMsLower: Double?, downtimeMsUpper: Double?
    ) {
        self.relativeUncertainty = relativeUncertainty
        self.convergesEverywhere = convergesEverywhere
        self.convergesSomewhere = convergesSomewhere
        self.totalSecondsLower = totalSecondsLower
        self.totalSecondsUpper = totalSecondsUpper
        self.downtimeMsLower = downtimeMsLower
        self.downtimeMsUpper = downtimeMsUpper
    }

    /// Builds the band from the point outcome and the corner outcomes.
    init(relativeUncertainty: Double, outcomes: [PolicyOutcome]) {
        let converging = outcomes.filter(\.converges)
        let all = converging.count == outcomes.count
        let totals = converging.compactMap(\.totalSeconds)
        let downs = converging.compactMap(\.downtimeMs)
        self.init(
            relativeUncertainty: relativeUncertainty,
            convergesEverywhere: all,
            convergesSomewhere: !converging.isEmpty,
            totalSecondsLower: totals.min(),
            totalSecondsUpper: all ? totals.max() : nil,
            downtimeMsLower: downs.min(),
            downtimeMsUpper: downs.max()
        )
    }

    /// Whether `value` lies within the total-time band (an open upper end contains everything above).
    public func containsTotal(_ value: Double) -> Bool {
        guard let lower = totalSecondsLower, value >= lower * (1 - 1e-12) else { return false }
        guard let upper = totalSecondsUpper else { return true }
        return value <= upper * (1 + 1e-12)
    }
}
