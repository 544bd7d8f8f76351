/// LivCloud's steering policy (P3). Rules, checked on every sample, in order:
///
/// 1. First sample: set the downtime limit to `initialDowntimeMs` (low, so a
///    converging guest pauses briefly).
/// 2. When a new pass starts (iteration changes), fold the pass's mean
///    bandwidth and the hypervisor's dirty rate into EWMAs and record the dirty
///    set S: the remaining bytes at the pass's first sample, or dirty rate ×
///    mean pass duration if larger (passes shorter than the poll interval).
/// 3. No progress within a pass (remaining bytes not falling for
///    `stallSamples` samples): the link is stuck; post-copy would be unsafe, abort.
/// 4. Stall across passes (without compression: S shrank by less than
///    `minimumProgress` over `stallPasses` passes; with XBZRLE, whose short
///    passes make single samples noisy, the mean S of the last
///    `compressedStallPasses`/2 observed passes is not `compressedMinimumProgress`
///    below the mean of the ones before; evidence restarts after each raise):
///    the predicted final downtime is S / bandwidth. If it fits the budget
///    (with `margin`), raise the limit to the smallest ladder step above it
///    (never beyond the budget); with XBZRLE, raise it to the budget (the
///    hypervisor's limit still bounds the pause); otherwise switch to post-copy when allowed and
///    safe (bandwidth > 0, the rest movable within `postCopyMaxSeconds`);
///    otherwise abort.
/// 5. Deadline: when post-copy is allowed and elapsed + margin × (largest
///    recent S) / bandwidth reaches the time goal (`timeGoalFactor` × memory / bandwidth),
///    switch to post-copy so the migration still ends within the goal.
/// 6. Hard limit `maxSeconds`: post-copy if usable, else abort.
///
/// Every decision carries a sentence with the numbers it was taken on.
public struct AdaptiveController: MigrationController, Sendable, Equatable, Codable {
    public struct Configuration: Sendable, Equatable, Codable {
        public var budget: DowntimeBudget
        /// Features the job was started with (post-copy allowed, XBZRLE).
        public var features: MigrationFeatures
        public var initialDowntimeMs: Double
        /// Allowed downtime limits, ms (only those ≤ budget are used; the budget itself is always a step).
        public var ladderMs: [Double] = [50, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000]
        public var ewmaAlpha: Double = 0.5
        public var stallPasses: Int = 2
        public var minimumProgress: Double = 0.10
        public var compressedStallPasses: Int = 12
        /// With XBZRLE the dirty set shrinks slowly but steadily: only no shrink at all is a stall.
        public var compressedMinimumProgress: Double = 0.0
        public var stallSamples: Int = 20
        /// Predicted downtime × margin must fit the budget before raising the limit.
        public var margin: Double = 1.1
        /// Time goal as a multiple of memory / bandwidth (nil = none).
        public var timeGoalFactor: Double? = Configuration.defaultTimeGoalFactor
        public var postCopyMaxSeconds: Double = 600
        public var maxSeconds: Double?

        public static let defaultTimeGoalFactor = 3.0

        /// The default first limit: 50 ms (Nova's first step too), or the budget if smaller.
        public static func defaultInitialDowntimeMs(budget: DowntimeBudget) -> Double {
            min(budget.milliseconds, 50)
        }

        public init(budget: DowntimeBudget, features: MigrationFeatures, initialDowntimeMs: Double? = nil) {
            self.budget = budget
            self.features = features
            self.initialDowntimeMs = min(initialDowntimeMs ?? Self.defaultInitialDowntimeMs(budget: budget), budget.milliseconds)
        }

        var steps: [Double] {
            Array(Set(ladderMs.filter { $0 <= budget.milliseconds } + [budget.milliseconds])).sorted()
        }
    }

    struct PassStart: Sendable, Equatable, Codable {
        var iteration: Int
        var seconds: Double
    }

    public let configuration: Configuration
    public private(set) var bandwidth: EWMA
    public private(set) var dirtyRate: EWMA
    public private(set) var currentDowntimeMs: Double?
    public private(set) var finished = false
    private var lastIteration: Int?
    private var passBandwidthSum = 0.0
    private var passBandwidthCount = 0
    private var passSets: [Double] = []
    private var lastPassStart: PassStart?
    private var lastRemaining: UInt64?
    private var samplesWithoutProgress = 0
    /// Index in `passSets` where the current downtime limit's evidence starts.
    private var evidenceStart = 0
    private var memory: Double?

    public init(configuration: Configuration) {
        self.configuration = configuration
        bandwidth = EWMA(alpha: configuration.ewmaAlpha)
        dirtyRate = EWMA(alpha: configuration.ewmaAlpha)
    }

    public init(budget: DowntimeBudget, features: MigrationFeatures) {
        self.init(configuration: Configuration(budget: budget, features: features))
    }

    private var budgetMs: Double { configuration.budget.milliseconds }

    public mutating func observe(_ sample: JobSample) -> [SteeringDecision] {
        guard !finished else { return [] }
        let t = sample.elapsedSeconds
        var out: [SteeringDecision] = []
        func decide(_ action: SteeringAction, _ reason: String) {
            out.append(SteeringDecision(action: action, reason: reason, atSeconds: t))
            switch action {
            case .setMaxDowntime(let ms): currentDowntimeMs = Double(ms)
            case .startPostCopy, .abort: finished = true
            case .setMaxBandwidth: break
            }
        }
        if currentDowntimeMs == nil {
            decide(.setMaxDowntime(milliseconds: UInt64(configuration.initialDowntimeMs)),
                   "start with a \(Format.ms(configuration.initialDowntimeMs)) downtime limit (budget \(Format.ms(budgetMs))); "
                   + "it is raised only when the measured dirty set cannot be sent within it but fits the budget")
        }
        if let m = sample.memoryTotalBytes { memory = Double(m) }
        if let bw = sample.bandwidthBytesPerSecond, bw > 0 {
            passBandwidthSum += bw
            passBandwidthCount += 1
        }
        let remaining = sample.memoryRemainingBytes.map { Double($0) }

        // Rule 3: no progress inside a pass.
        if let r = sample.memoryRemainingBytes, sample.iteration == lastIteration, let last = lastRemaining, r > 0, r >= last {
            samplesWithoutProgress += 1
        } else {
            samplesWithoutProgress = 0
        }
        lastRemaining = sample.memoryRemainingBytes
        if samplesWithoutProgress >= configuration.stallSamples, let r = remaining {
            decide(.abort, "no progress: \(Format.mib(r)) have remained unsent for \(samplesWithoutProgress) samples; "
                + "the link is stuck, so post-copy would be unsafe; abort and keep the guest on the source")
            return out
        }

        // Rule 2: a new pass.
        var newPass = false
        if let it = sample.iteration, it != lastIteration {
            if lastIteration != nil {
                if passBandwidthCount > 0 { bandwidth.add(passBandwidthSum / Double(passBandwidthCount)) }
                passBandwidthSum = 0
                passBandwidthCount = 0
                if let d = sample.dirtyRateBytesPerSecond { dirtyRate.add(d) }
                if it >= 2, let r = remaining {
                    // The sample comes some time after the sync, and several short
                    // passes may fit between two samples: estimate the dirty set at
                    // the sync as at least dirty rate × mean pass duration.
                    var estimate = r
                    if let last = lastPassStart, it > last.iteration, let d = sample.dirtyRateBytesPerSecond {
                        let passDuration = (t - last.seconds) / Double(it - last.iteration)
                        estimate = max(r, min(memory ?? .infinity, d * passDuration))
                    }
                    lastPassStart = PassStart(iteration: it, seconds: t)
                    passSets.append(estimate)
                    newPass = true
                }
            }
            lastIteration = it
        }
        let bw = bandwidth.value ?? (passBandwidthCount > 0 ? passBandwidthSum / Double(passBandwidthCount) : nil)

        // Rule 6: hard limit.
        if let maxSeconds = configuration.maxSeconds, t >= maxSeconds {
            if let why = postCopyUnsafe(bw: bw, remaining: remaining) {
                decide(.abort, "\(Format.seconds(t)) elapsed, past the \(Format.seconds(maxSeconds)) limit, and \(why); abort")
            } else {
                decide(.startPostCopy, "\(Format.seconds(t)) elapsed, past the \(Format.seconds(maxSeconds)) limit: "
                    + "switch to post-copy (a failure from now on loses the guest)")
            }
            return out
        }

        guard let bw, bw > 0 else { return out }

        // Rule 4: stall across passes.
        if newPass, let set = passSets.last {
            let predictedMs = set / bw * 1000
            let lambda = dirtyRate.value.map { $0 / bw }
            let compressed = configuration.features.xbzrleCacheBytes != nil
            var stalled = false
            var evidence = ""
            let sets = Array(passSets[evidenceStart...])
            if compressed {
                let k = max(1, configuration.compressedStallPasses / 2)
                if sets.count >= 2 * k {
                    let recent = sets.suffix(k).reduce(0, +) / Double(k)
                    let before = sets.dropLast(k).suffix(k).reduce(0, +) / Double(k)
                    stalled = recent >= before * (1 - configuration.compressedMinimumProgress)
                    evidence = "the mean dirty set of the last \(k) passes (\(Format.mib(recent))) is not below "
                        + "that of the \(k) before (\(Format.mib(before)))"
                }
            } else if sets.count > configuration.stallPasses {
                let earlier = sets[sets.count - 1 - configuration.stallPasses]
                stalled = set >= earlier * (1 - configuration.minimumProgress)
                evidence = "the dirty set went from \(Format.mib(earlier)) to \(Format.mib(set)) over "
                    + "\(configuration.stallPasses) passes (less than \(Int(configuration.minimumProgress * 100)) % progress)"
            }
            if let lambda { evidence += ", dirty rate \(Format.rate(lambda * bw)) vs \(Format.rate(bw)) (λ = \(Format.ratio(lambda)))" }
            if stalled, predictedMs > (currentDowntimeMs ?? 0) {
                if predictedMs * configuration.margin <= budgetMs {
                    let target = configuration.steps.first { $0 >= predictedMs * configuration.margin } ?? budgetMs
                    let next = min(target, budgetMs)
                    if next > (currentDowntimeMs ?? 0) {
                        evidenceStart = passSets.count
                        decide(.setMaxDowntime(milliseconds: UInt64(next)),
                               "stalled: \(evidence); sending it would pause the guest ~\(Format.ms(predictedMs)), within the "
                               + "\(Format.ms(budgetMs)) budget: raise the limit to \(Format.ms(next))")
                        return out
                    }
                } else if compressed, (currentDowntimeMs ?? 0) < budgetMs {
                    decide(.setMaxDowntime(milliseconds: UInt64(budgetMs)),
                           "stalled: \(evidence); uncompressed the dirty set would need ~\(Format.ms(predictedMs)), but XBZRLE "
                           + "sends it smaller and the limit still bounds the pause: raise the limit to the \(Format.ms(budgetMs)) budget")
                    evidenceStart = passSets.count
                    return out
                } else if let why = postCopyUnsafe(bw: bw, remaining: set) {
                    decide(.abort, "stalled: \(evidence); the final pause would be ~\(Format.ms(predictedMs)) "
                        + "(\(Format.mib(set)) at \(Format.rate(bw))), over the \(Format.ms(budgetMs)) budget, and \(why); "
                        + "abort and keep the guest on the source")
                    return out
                } else {
                    decide(.startPostCopy, "stalled: \(evidence); the final pause would be ~\(Format.ms(predictedMs)) "
                        + "(\(Format.mib(set)) at \(Format.rate(bw))), over the \(Format.ms(budgetMs)) budget: switch to "
                        + "post-copy, expected to finish in ~\(Format.seconds(set / bw)) (a failure from now on loses the guest)")
                    return out
                }
            }
        }

        // Rule 5: deadline for post-copy.
        if let factor = configuration.timeGoalFactor, let m = memory, configuration.features.postCopyAllowed,
           lastIteration ?? 1 >= 2 {
            let goal = factor * m / bw
            let recent = (passSets.suffix(3) + [remaining ?? 0]).max() ?? 0
            let postCopySeconds = recent / bw
            if t + postCopySeconds * configuration.margin >= goal, postCopyUnsafe(bw: bw, remaining: recent) == nil {
                decide(.startPostCopy, "pre-copy has not converged after \(Format.seconds(t)); post-copy of the "
                    + "remaining ~\(Format.mib(recent)) at \(Format.rate(bw)) takes ~\(Format.seconds(postCopySeconds)), "
                    + "the latest start that finishes within the \(Format.seconds(goal)) goal "
                    + "(\(Format.ratio(factor))× memory/bandwidth): switch to post-copy (a failure from now on loses the guest)")
                return out
            }
        }
        return out
    }

    /// Why post-copy can't be used now, or nil when it can.
    private func postCopyUnsafe(bw: Double?, remaining: Double?) -> String? {
        guard configuration.features.postCopyAllowed else { return "post-copy is not allowed" }
        guard let bw, bw > 0 else { return "no bandwidth is measured, so post-copy would be unsafe" }
        let seconds = (remaining ?? memory ?? 0) / bw
        if seconds > configuration.postCopyMaxSeconds {
            return "post-copy would take ~\(Format.seconds(seconds)), over the \(Format.seconds(configuration.postCopyMaxSeconds)) safety limit"
        }
        return nil
    }
}
