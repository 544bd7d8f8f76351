/// The predictor's answer for one candidate policy.
public struct PolicyPrediction: Sendable, Equatable, Codable {
    public var policy: CandidatePolicy
    /// At the point estimates of dirty rate and link rate.
    public var point: PolicyOutcome
    public var band: UncertaintyBand
    /// The downtime budget the prediction was judged against.
    public var budget: DowntimeBudget

    public init(policy: CandidatePolicy, point: PolicyOutcome, band: UncertaintyBand, budget: DowntimeBudget) {
        self.policy = policy
        self.point = point
        self.band = band
        self.budget = budget
    }

    /// Converges at the point estimate with a downtime within the budget.
    public var meetsBudget: Bool {
        point.converges && (point.downtimeMs ?? .infinity) <= budget.milliseconds
    }

    /// Meets the budget at every corner of the uncertainty band.
    public var meetsBudgetEverywhere: Bool {
        meetsBudget && band.convergesEverywhere && (band.downtimeMsUpper ?? .infinity) <= budget.milliseconds
    }

    /// A failure after a switch to post-copy loses the guest: this policy may do that.
    public var carriesPostCopyRisk: Bool { policy.mayUsePostCopy }
}
