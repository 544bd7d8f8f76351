/// The go/no-go answer before a migration (P2).
public struct Recommendation: Sendable, Equatable, Codable {
    /// Start the migration (with `chosen`).
    public var go: Bool
    public var chosen: PolicyPrediction?
    /// The chosen policy meets the budget at the point estimate but not at every
    /// corner of the uncertainty band.
    public var marginal: Bool
    /// Every candidate evaluated, in evaluation order.
    public var candidates: [PolicyPrediction]
    /// Sentences with numbers: the decision first, then why the others were not chosen.
    public var reasons: [String]

    public init(go: Bool, chosen: PolicyPrediction?, marginal: Bool, candidates: [PolicyPrediction], reasons: [String]) {
        self.go = go
        self.chosen = chosen
        self.marginal = marginal
        self.candidates = candidates
        self.reasons = reasons
    }

    /// All reasons as one paragraph.
    public var summary: String { reasons.joined(separator: " ") }

    static func describe(_ p: PolicyPrediction, link: LinkEstimate, budget: DowntimeBudget) -> String {
        let o = p.point
        guard o.converges, let total = o.totalSeconds, let down = o.downtimeMs else {
            return "\(p.policy.name) will not converge at \(Format.rate(link.bytesPerSecond)) with a "
                + "\(Format.ms(budget.milliseconds)) budget: \(o.blockingFact ?? "the dirty set does not shrink")."
        }
        var s = "\(p.policy.name) is expected to finish in ~\(Format.seconds(total))"
        if let lo = p.band.totalSecondsLower {
            let hi = p.band.totalSecondsUpper.map(Format.seconds) ?? "no convergence"
            s += " (\(Format.seconds(lo))–\(hi) at ±\(Int((p.band.relativeUncertainty * 100).rounded())) % dirty and link rate)"
        }
        s += " with ~\(Format.ms(down)) downtime"
        if let bytes = o.bytesSent { s += ", sending \(Format.mib(bytes))" }
        if !o.usesPostCopy { s += " in \(o.livePasses) live passes (\(o.iterations) iterations)" }
        s += "."
        if down > budget.milliseconds {
            s += " That exceeds the \(Format.ms(budget.milliseconds)) budget."
        }
        if !o.notes.isEmpty { s += " " + o.notes.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "; ") + "." }
        return s
    }

    static func reasons(
        chosen: PolicyPrediction?, marginal: Bool, predictions: [PolicyPrediction], link: LinkEstimate,
        budget: DowntimeBudget
    ) -> [String] {
        var out: [String] = []
        if let chosen {
            out.append("Go: " + describe(chosen, link: link, budget: budget))
            if marginal {
                out.append("Warning: this is marginal; at the worst corner of the ±"
                    + "\(Int((chosen.band.relativeUncertainty * 100).rounded())) % band it "
                    + (chosen.band.convergesEverywhere
                        ? "pauses the guest up to \(Format.ms(chosen.band.downtimeMsUpper ?? 0)), over the budget."
                        : "does not converge."))
            }
            if chosen.carriesPostCopyRisk {
                out.append("Risk: after the switch to post-copy the guest's memory is split between the hosts; "
                    + "a failure of the destination or the link during post-copy loses the guest.")
            }
        } else {
            out.append("No-go: no allowed policy meets the \(Format.ms(budget.milliseconds)) downtime budget "
                + "at \(Format.rate(link.bytesPerSecond)).")
        }
        for p in predictions where p != chosen {
            out.append(describe(p, link: link, budget: budget))
        }
        return out
    }
}
