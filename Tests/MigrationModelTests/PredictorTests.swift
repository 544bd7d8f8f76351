import Foundation
import Testing
@testable import MigrationModel

/// A workload without a working-set cap or zero pages, so the textbook formulas apply.
private func textbook(memory: Double, dirty: Double) -> MigrationWorkload {
    MigrationWorkload(memoryBytes: UInt64(memory), dirtyRateBytesPerSecond: dirty)
}

private let predictor = Predictor()
private let switchover = ModelCalibration.lab.switchoverSeconds
private let overhead = ModelCalibration.lab.jobOverheadSeconds
private let budget300 = DowntimeBudget(milliseconds: 300)

@Suite struct PredictorFormulaTests {
    /// QEMU's rule: the guest pauses during live pass n, as soon as the pass's
    /// remainder plus what was dirtied since it began fit R × limit. For the
    /// geometric series P(i) = M·λ^(i−1) that is the first n with M·λ^n ≤ R·limit
    /// (the textbook pass count), reached at t* = (P(n) − R·limit) / (R − D)
    /// into the pass; the pending bytes then equal R·limit.
    private func expectQEMUSwitch(m: Double, r: Double, d: Double, limit: Double, expectedPasses: Int? = nil) throws {
        let lambda = d / r
        let threshold = r * limit
        let n = Int((log(threshold / m) / log(lambda)).rounded(.up))
        if let expectedPasses { #expect(n == expectedPasses) }
        let before = m * (1 - pow(lambda, Double(n - 1))) / (1 - lambda)  // passes 1..n−1, bytes
        let pn = m * pow(lambda, Double(n - 1))
        let tStar = (pn - threshold) / (r - d)
        let inFlight = ModelCalibration.lab.networkInFlightBytes
        let expectedTotal = overhead + before / r + tStar + threshold / r + switchover
        let expectedDowntime = (threshold + inFlight) / r + switchover
        let expectedBytes = before + r * tStar + threshold

        let o = predictor.outcome(
            of: .plainPreCopy(downtimeLimitMs: limit * 1000), workload: textbook(memory: m, dirty: d),
            link: LinkEstimate(bytesPerSecond: r, source: .measured), budget: budget300)
        #expect(o.converges)
        #expect(o.livePasses == n)
        #expect(o.iterations == n + 2)
        #expect(abs(try #require(o.totalSeconds) - expectedTotal) < 1e-9)
        #expect(abs(try #require(o.downtimeMs) - expectedDowntime * 1000) < 1e-6)
        #expect(abs(try #require(o.bytesSent) - expectedBytes) < 1)
        #expect(abs(o.effectiveRatio - lambda) < 1e-12)
    }

    @Test func halfLambdaSwitchesInTheTextbookPassAtTheWholeLimit() throws {
        try expectQEMUSwitch(m: 1e9, r: 100e6, d: 50e6, limit: 0.3, expectedPasses: 6)
    }

    @Test func quarterLambdaNeedsFewerPasses() throws {
        try expectQEMUSwitch(m: 1e9, r: 200e6, d: 50e6, limit: 0.1, expectedPasses: 3)
    }

    @Test func anIdleGuestPausesForTheLimitPlusWhatTheNetworkHolds() throws {
        let m = 512e6, r = 50e6
        let w = MigrationWorkload(memoryBytes: UInt64(m), dirtyRateBytesPerSecond: 0)
        let measured = predictor.outcome(
            of: .plainPreCopy(downtimeLimitMs: 300), workload: w, link: LinkEstimate(bytesPerSecond: r, source: .measured),
            budget: budget300)
        let capped = predictor.outcome(
            of: .plainPreCopy(downtimeLimitMs: 300), workload: w, link: LinkEstimate(bytesPerSecond: r, source: .configuredCap),
            budget: budget300)
        let low = predictor.outcome(
            of: .plainPreCopy(downtimeLimitMs: 50), workload: w, link: LinkEstimate(bytesPerSecond: r, source: .configuredCap),
            budget: budget300)
        let inFlight = ModelCalibration.lab.networkInFlightBytes
        #expect(abs(try #require(measured.downtimeMs) - (300 + inFlight / r * 1000 + switchover * 1000)) < 1e-6)
        #expect(abs(try #require(capped.downtimeMs) - (300 + switchover * 1000)) < 1e-6)
        #expect(abs(try #require(low.downtimeMs) - (50 + switchover * 1000)) < 1e-6)
        // Where the tail goes changes the pause, not the total: every byte crosses the link once.
        for o in [measured, capped, low] {
            #expect(abs(try #require(o.totalSeconds) - (overhead + m / r + switchover)) < 1e-9)
        }
    }

    @Test(arguments: [1.0, 1.5, 3.81])
    func noConvergenceWhenLambdaAtLeastOneAndTheWorkingSetDoesNotFit(lambda: Double) throws {
        let r = 10.0 * 1_048_576
        let o = predictor.outcome(
            of: .qemuDefault, workload: textbook(memory: 128 * 1_048_576, dirty: lambda * r),
            link: LinkEstimate(bytesPerSecond: r, source: .configuredCap), budget: budget300)
        #expect(!o.converges)
        #expect(o.totalSeconds == nil)
        let fact = try #require(o.blockingFact)
        #expect(fact.contains("λ = \(String(format: "%.2f", lambda))"))
    }

    @Test func convergesDespiteLambdaAboveOneWhenTheWorkingSetFits() throws {
        let m = 1e9, r = 100e6, d = 150e6, w = 20e6
        let workload = MigrationWorkload(memoryBytes: UInt64(m), dirtyRateBytesPerSecond: d, writableWorkingSetBytes: UInt64(w))
        let o = predictor.outcome(
            of: .qemuDefault, workload: workload, link: LinkEstimate(bytesPerSecond: r, source: .measured), budget: budget300)
        #expect(o.converges)
        // One bulk pass; the guest pauses 0.1 s before its end, when its last
        // 10 MB plus the whole working set (20 MB) fit the 30 MB threshold.
        #expect(abs(try #require(o.totalSeconds) - (overhead + m / r + w / r + switchover)) < 1e-9)
        let threshold = r * 0.3, inFlight = ModelCalibration.lab.networkInFlightBytes
        #expect(abs(try #require(o.downtimeMs) - ((threshold + inFlight) / r + switchover) * 1000) < 1e-6)
        #expect(o.livePasses == 1)
    }

    @Test func zeroPagesShortenTheBulkPass() throws {
        let m = 1e9, r = 100e6
        var w = MigrationWorkload(memoryBytes: UInt64(m), dirtyRateBytesPerSecond: 0)
        let link = LinkEstimate(bytesPerSecond: r, source: .measured)
        let full = try #require(predictor.outcome(of: .qemuDefault, workload: w, link: link, budget: budget300).totalSeconds)
        w.zeroPageShare = 0.5
        let half = try #require(predictor.outcome(of: .qemuDefault, workload: w, link: link, budget: budget300).totalSeconds)
        let cal = ModelCalibration.lab
        #expect(abs(full - (cal.jobOverheadSeconds + m / r + cal.switchoverSeconds)) < 1e-9)
        #expect(abs(half - (cal.jobOverheadSeconds + m * (0.5 + 0.5 * cal.zeroPageWireFactor) / r + cal.switchoverSeconds)) < 1e-9)
    }

    @Test func postCopyIsBoundedByMemoryOverLinkPlusTheDirtySet() throws {
        let o = predictor.outcome(of: .postCopy, workload: Lab.workload, link: Lab.cap10, budget: budget300)
        let r = Lab.cap10.bytesPerSecond
        let bulk = Double(Lab.memory) / r
        let dirty = min(Double(Lab.workingSet), Lab.dirty * bulk)
        #expect(o.converges && o.usesPostCopy)
        #expect(abs(try #require(o.totalSeconds) - (overhead + bulk + dirty / r + ModelCalibration.lab.postCopySwitchoverSeconds)) < 1e-9)
        #expect(try #require(o.downtimeMs) == ModelCalibration.lab.postCopySwitchoverSeconds * 1000)
    }
}

@Suite struct PredictorPropertyTests {
    static let policies: [CandidatePolicy] = [
        .qemuDefault, .plainPreCopy(downtimeLimitMs: 50), .xbzrle(cacheBytes: 64 << 20, downtimeLimitMs: 300),
        .qemuAutoConverge, .postCopy,
    ]
    static let rates: [Double] = [5, 10, 20, 40, 80, 160, 320].map { $0 * 1_048_576 }
    static let dirties: [Double] = [0, 1, 5, 10, 20, 40, 80].map { $0 * 1e6 }

    private func total(_ p: CandidatePolicy, rate: Double, dirty: Double) -> Double {
        predictor.outcome(
            of: p, workload: MigrationWorkload(memoryBytes: 256 << 20, dirtyRateBytesPerSecond: dirty, writableWorkingSetBytes: 96 << 20),
            link: LinkEstimate(bytesPerSecond: rate, source: .measured), budget: budget300
        ).totalSeconds ?? .infinity
    }

    /// The job's fixed cost is in every policy's total exactly once, including
    /// the adaptive policy's delayed switch to post-copy.
    @Test(arguments: policies + [
        .adaptive(MigrationFeatures(postCopyAllowed: true)),
        .adaptive(MigrationFeatures(xbzrleCacheBytes: Lab.cache64, postCopyAllowed: true)),
    ])
    func theFixedJobCostIsAddedOnce(policy: CandidatePolicy) throws {
        let without = Predictor(calibration: ModelCalibration(jobOverheadSeconds: 0))
        let with = Predictor(calibration: ModelCalibration(jobOverheadSeconds: 0.7))
        for (workload, link) in [(Lab.workload, Lab.cap10), (Lab.workload, LinkEstimate.cap(mebibytesPerSecond: 100))] {
            let a = without.outcome(of: policy, workload: workload, link: link, budget: budget300)
            let b = with.outcome(of: policy, workload: workload, link: link, budget: budget300)
            #expect(a.converges == b.converges)
            guard let t0 = a.totalSeconds, let t1 = b.totalSeconds else { continue }
            #expect(abs(t1 - t0 - 0.7) < 1e-9, "\(policy.name): \(t0) s without, \(t1) s with a 0.7 s fixed cost")
        }
    }

    @Test(arguments: policies)
    func moreBandwidthNeverTakesLonger(policy: CandidatePolicy) {
        for dirty in Self.dirties {
            let totals = Self.rates.map { total(policy, rate: $0, dirty: dirty) }
            for (slower, faster) in zip(totals, totals.dropFirst()) {
                #expect(faster <= slower * (1 + 1e-12), "\(policy.name) dirty \(dirty): \(totals)")
            }
        }
    }

    @Test(arguments: policies)
    func moreDirtyingNeverFinishesSooner(policy: CandidatePolicy) {
        for rate in Self.rates {
            let totals = Self.dirties.map { total(policy, rate: rate, dirty: $0) }
            for (calmer, busier) in zip(totals, totals.dropFirst()) {
                #expect(busier >= calmer * (1 - 1e-12), "\(policy.name) rate \(rate): \(totals)")
            }
        }
    }

    @Test(arguments: policies)
    func theBandContainsThePointEstimate(policy: CandidatePolicy) throws {
        for rate in Self.rates {
            for dirty in Self.dirties {
                let p = predictor.predict(
                    policy, workload: MigrationWorkload(memoryBytes: 256 << 20, dirtyRateBytesPerSecond: dirty, writableWorkingSetBytes: 96 << 20),
                    link: LinkEstimate(bytesPerSecond: rate, source: .measured), budget: budget300)
                guard let t = p.point.totalSeconds, let d = p.point.downtimeMs else {
                    #expect(!p.band.convergesEverywhere)
                    continue
                }
                #expect(p.band.containsTotal(t))
                #expect(try #require(p.band.downtimeMsLower) <= d && d <= (try #require(p.band.downtimeMsUpper)))
            }
        }
    }

    @Test func aWiderBandIsNeverNarrower() throws {
        let narrow = Predictor(relativeUncertainty: 0.05).predict(.qemuDefault, workload: Lab.workload, link: .cap(mebibytesPerSecond: 100), budget: budget300)
        let wide = Predictor(relativeUncertainty: 0.20).predict(.qemuDefault, workload: Lab.workload, link: .cap(mebibytesPerSecond: 100), budget: budget300)
        #expect(try #require(wide.band.totalSecondsLower) <= (try #require(narrow.band.totalSecondsLower)))
        #expect(try #require(wide.band.totalSecondsUpper) >= (try #require(narrow.band.totalSecondsUpper)))
    }
}

@Suite struct LabCalibrationTests {
    @Test func xbzrlePredictionLandsNearTheMeasuredRun() throws {
        // Measured: 60.8 s, 72 iterations, 14 ms downtime.
        let o = predictor.outcome(
            of: .xbzrle(cacheBytes: Lab.cache64, downtimeLimitMs: 300), workload: Lab.workload, link: Lab.cap10, budget: budget300)
        let total = try #require(o.totalSeconds)
        #expect(abs(total - 60.8) / 60.8 <= 0.10)
        #expect(abs(Double(o.iterations) - 72) / 72 <= 0.25)
        #expect(try #require(o.downtimeMs) <= 300)
    }

    @Test func plainAndAutoConvergeDoNotConvergeAtTheCap() {
        // Measured: no convergence; auto-converge at 99 % throttle after 141 s without converging.
        for policy in [CandidatePolicy.qemuDefault, .qemuAutoConverge] {
            #expect(!predictor.outcome(of: policy, workload: Lab.workload, link: Lab.cap10, budget: budget300).converges)
        }
        let ac = predictor.outcome(of: .qemuAutoConverge, workload: Lab.workload, link: Lab.cap10, budget: budget300)
        #expect(ac.blockingFact?.contains("99 % throttle") == true)
    }

    @Test func aStronglyEffectiveThrottleWouldConverge() {
        let strong = CandidatePolicy.autoConverge(AutoConvergeSettings(throttleEffect: 1), downtimeLimitMs: 300)
        #expect(predictor.outcome(of: strong, workload: Lab.workload, link: Lab.cap10, budget: budget300).converges)
    }
}

@Suite struct RecommendationTests {
    @Test func noGoNamesTheBlockingFact() throws {
        let r = predictor.recommend(workload: Lab.workload, link: Lab.cap10, budget: budget300, options: .none)
        #expect(!r.go)
        #expect(r.chosen == nil)
        #expect(r.summary.contains("No-go"))
        #expect(r.summary.contains("will not converge at 10.0 MiB/s with a 300 ms budget"))
        #expect(r.summary.contains("λ = 3.81"))
        #expect(r.summary.contains("64.0 MiB working set"))
    }

    @Test func xbzrleTurnsItIntoAGoWithNumbers() throws {
        let r = predictor.recommend(
            workload: Lab.workload, link: Lab.cap10, budget: budget300, options: MigrationFeatures(xbzrleCacheBytes: Lab.cache64))
        #expect(r.go)
        let chosen = try #require(r.chosen)
        #expect(chosen.policy.features.xbzrleCacheBytes == Lab.cache64)
        #expect(r.reasons[0].contains("XBZRLE"))
        #expect(r.reasons[0].contains("expected to finish in ~"))
        // The plain default is still explained as not converging.
        #expect(r.summary.contains("plain pre-copy (300 ms limit) will not converge"))
        // The lab case is marginal (λ·f ≈ 0.96): the band must say so.
        #expect(r.marginal)
        #expect(r.summary.contains("Warning"))
    }

    @Test func postCopyGoStatesTheRisk() throws {
        let r = predictor.recommend(
            workload: Lab.workload, link: Lab.cap10, budget: budget300, options: MigrationFeatures(postCopyAllowed: true))
        #expect(r.go)
        #expect(try #require(r.chosen).carriesPostCopyRisk)
        #expect(r.summary.contains("loses the guest"))
    }

    @Test func aConvergingGuestPrefersTheLowDowntimePolicyWithinTenPercentOfTheFastest() throws {
        let link = LinkEstimate(bytesPerSecond: 136e6, source: .measured)
        let r = predictor.recommend(workload: Lab.workload, link: link, budget: budget300, options: .none)
        let chosen = try #require(r.chosen)
        let fastest = try #require(r.candidates.compactMap(\.point.totalSeconds).min())
        #expect(try #require(chosen.point.totalSeconds) <= fastest * 1.1)
        let downtimes = r.candidates.filter { ($0.point.totalSeconds ?? .infinity) <= fastest * 1.1 }.compactMap(\.point.downtimeMs)
        #expect(chosen.point.downtimeMs == downtimes.min())
        #expect(!chosen.carriesPostCopyRisk)
    }
}
