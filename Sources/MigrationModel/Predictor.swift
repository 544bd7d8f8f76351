/// Predicts, before a migration starts, whether each candidate policy
/// converges, how long it takes, how long the guest pauses and how much it
/// sends, with an uncertainty band; and recommends go or no-go.
public struct Predictor: Sendable, Equatable, Codable {
    public var calibration: ModelCalibration
    /// Relative uncertainty applied to both dirty rate and link rate (0.10 = ±10 %,
    /// the accuracy published for such models).
    public var relativeUncertainty: Double

    public init(calibration: ModelCalibration = .lab, relativeUncertainty: Double = 0.10) {
        self.calibration = calibration
        self.relativeUncertainty = relativeUncertainty
    }

    /// The model at exactly these inputs (no band).
    public func outcome(
        of policy: CandidatePolicy, workload: MigrationWorkload, link: LinkEstimate, budget: DowntimeBudget
    ) -> PolicyOutcome {
        switch policy {
        case .plainPreCopy(let limit):
            return preCopy(workload, over: link, limitMs: limit)
        case .autoConverge(let settings, let limit):
            return preCopy(workload, over: link, limitMs: limit, autoConverge: settings)
        case .xbzrle(let cache, let limit):
            return preCopy(workload, over: link, limitMs: limit, xbzrleCacheBytes: cache)
        case .postCopy:
            return PreCopyModel.postCopy(workload: workload, rate: link.bytesPerSecond, calibration: calibration)
        case .adaptive(let features):
            return adaptiveOutcome(features: features, workload: workload, link: link, budget: budget)
        }
    }

    /// Pre-copy at one downtime limit; the network holds part of the stream
    /// when the guest pauses only over a measured link (`ModelCalibration.inFlightBytes`).
    private func preCopy(
        _ workload: MigrationWorkload, over link: LinkEstimate, limitMs: Double, xbzrleCacheBytes: UInt64? = nil,
        autoConverge: AutoConvergeSettings? = nil
    ) -> PolicyOutcome {
        PreCopyModel.run(
            workload: workload, rate: link.bytesPerSecond, downtimeLimitSeconds: limitMs / 1000,
            xbzrleCacheBytes: xbzrleCacheBytes, autoConverge: autoConverge, calibration: calibration,
            inFlightBytes: calibration.inFlightBytes(over: link))
    }

    /// The steered policy as `AdaptiveController` runs it: pre-copy at the
    /// initial limit; if that stalls, the limit raised to the budget; if that
    /// still doesn't converge, or would take longer than the time goal, post-copy
    /// when allowed.
    func adaptiveOutcome(
        features: MigrationFeatures, workload: MigrationWorkload, link: LinkEstimate, budget: DowntimeBudget
    ) -> PolicyOutcome {
        let rate = link.bytesPerSecond
        let initialMs = AdaptiveController.Configuration.defaultInitialDowntimeMs(budget: budget)
        func preCopy(_ limitMs: Double) -> PolicyOutcome {
            self.preCopy(
                workload, over: link, limitMs: limitMs, xbzrleCacheBytes: features.xbzrleCacheBytes,
                autoConverge: features.autoConverge)
        }
        var result = preCopy(initialMs)
        if !result.converges, budget.milliseconds > initialMs {
            var raised = preCopy(budget.milliseconds)
            if raised.converges {
                raised.notes.append("the limit is raised from \(Format.ms(initialMs)) to \(Format.ms(budget.milliseconds)) once pre-copy stalls")
            }
            result = raised
        }
        if features.postCopyAllowed, rate > 0 {
            let config = AdaptiveController.Configuration(budget: budget, features: features)
            let goal = (config.timeGoalFactor ?? .infinity) * workload.memory / rate
            if !result.converges || (result.totalSeconds ?? .infinity) > goal {
                // When the controller switches: after it has seen the dirty set stall
                // (stallPasses passes after the bulk pass), or at the latest moment the
                // post-copy still ends within the goal.
                var post = PreCopyModel.postCopy(workload: workload, rate: rate, calibration: calibration)
                let bulkTime = workload.memory
                    * calibration.bulkPassWireFactor(zeroPageShare: workload.effectiveZeroPageShare) / rate
                let set = workload.effectiveWorkingSet
                let setTime = set / rate
                let stallSwitch = result.converges || features.xbzrleCacheBytes != nil
                    ? Double.infinity : bulkTime + Double(config.stallPasses) * setTime
                let deadlineSwitch = max(bulkTime, goal - config.margin * setTime)
                let switchAt = min(stallSwitch, deadlineSwitch)
                if switchAt > bulkTime {
                    let total = calibration.jobOverheadSeconds + switchAt + calibration.postCopySwitchoverSeconds + setTime
                    post.totalSeconds = total
                    post.bytesSent = (post.bytesSent ?? 0) + (switchAt - bulkTime) * rate
                    post.livePasses = 1 + Int(((switchAt - bulkTime) / max(setTime, 1e-9)).rounded(.up))
                    post.iterations = post.livePasses
                    post.notes = ["it switches to post-copy after ~\(Format.seconds(switchAt)) and pulls the last "
                        + "~\(Format.mib(set)) in ~\(Format.seconds(setTime))"]
                }
                post.notes.insert(
                    result.converges
                        ? "pre-copy alone would take \(Format.seconds(result.totalSeconds ?? 0)), more than the "
                            + "\(Format.seconds(goal)) goal (\(Format.ratio(config.timeGoalFactor ?? 0))× memory/link)"
                        : "pre-copy alone would not converge (\(result.blockingFact ?? ""))",
                    at: 0)
                return post
            }
        }
        return result
    }

    /// The prediction with its uncertainty band.
    public func predict(
        _ policy: CandidatePolicy, workload: MigrationWorkload, link: LinkEstimate, budget: DowntimeBudget
    ) -> PolicyPrediction {
        let point = outcome(of: policy, workload: workload, link: link, budget: budget)
        let u = relativeUncertainty
        var outcomes = [point]
        for dirty in [1 - u, 1 + u] {
            for rate in [1 - u, 1 + u] {
                outcomes.append(outcome(
                    of: policy, workload: workload.scalingDirtyRate(by: dirty), link: link.scaled(by: rate),
                    budget: budget))
            }
        }
        return PolicyPrediction(
            policy: policy, point: point, band: UncertaintyBand(relativeUncertainty: u, outcomes: outcomes),
            budget: budget)
    }

    /// The candidates worth evaluating given what the user allows.
    public func candidates(options: MigrationFeatures, budget: DowntimeBudget) -> [CandidatePolicy] {
        var list: [CandidatePolicy] = [.qemuDefault]
        if budget.milliseconds != 300 { list.append(.plainPreCopy(downtimeLimitMs: budget.milliseconds)) }
        if let ac = options.autoConverge { list.append(.autoConverge(ac, downtimeLimitMs: 300)) }
        if let cache = options.xbzrleCacheBytes {
            list.append(.xbzrle(cacheBytes: cache, downtimeLimitMs: 300))
            if budget.milliseconds != 300 {
                list.append(.xbzrle(cacheBytes: cache, downtimeLimitMs: budget.milliseconds))
            }
        }
        if options.postCopyAllowed { list.append(.postCopy) }
        list.append(.adaptive(options))
        return list
    }

    /// Go / no-go with the chosen policy and reasons (P2).
    ///
    /// Choice: among candidates meeting the budget at every corner of the band
    /// and not using post-copy, those within 1.1× of the fastest, the one with
    /// the least downtime; else the same among those that may use post-copy;
    /// else a candidate meeting the budget at the point estimate only (go, with
    /// a warning); else no-go.
    public func recommend(
        workload: MigrationWorkload, link: LinkEstimate, budget: DowntimeBudget, options: MigrationFeatures
    ) -> Recommendation {
        let predictions = candidates(options: options, budget: budget).map {
            predict($0, workload: workload, link: link, budget: budget)
        }
        func pick(_ pool: [PolicyPrediction]) -> PolicyPrediction? {
            guard let fastest = pool.compactMap(\.point.totalSeconds).min() else { return nil }
            return pool
                .filter { ($0.point.totalSeconds ?? .infinity) <= fastest * 1.1 }
                .min { ($0.point.downtimeMs ?? .infinity, $0.point.totalSeconds ?? .infinity)
                    < ($1.point.downtimeMs ?? .infinity, $1.point.totalSeconds ?? .infinity) }
        }
        let robust = predictions.filter(\.meetsBudgetEverywhere)
        var chosen = pick(robust.filter { !$0.carriesPostCopyRisk }) ?? pick(robust)
        var marginal = false
        if chosen == nil {
            chosen = pick(predictions.filter { $0.meetsBudget && !$0.carriesPostCopyRisk })
                ?? pick(predictions.filter(\.meetsBudget))
            marginal = chosen != nil
        }
        let reasons = Recommendation.reasons(
            chosen: chosen, marginal: marginal, predictions: predictions, link: link, budget: budget)
        return Recommendation(go: chosen != nil, chosen: chosen, marginal: marginal, candidates: predictions, reasons: reasons)
    }
}
