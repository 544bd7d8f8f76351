import Foundation
import MigrationModel

/// How the planner measures a guest before a migration: two dirty-rate
/// calculations by QEMU, a short one for the rate and a longer one for the
/// working set, and four samples of the guest's memory taken by LivCloud (two
/// back to back before, one between and one after), which give the zero-page
/// share and the distinct pages changed over ~0.5 s, ~1.5 s and ~5 s.
///
/// A guest that keeps re-dirtying a working set W at D bytes/s dirties
/// min(W, D·T) distinct bytes in a period T. So the short period gives D
/// (while D·T < W), and when the long period's distinct bytes fall clearly
/// short of D·T_long they have saturated at W; otherwise the long period's
/// rate, averaged over more time, is the better estimate of D. With LivCloud's
/// three intervals the same test runs from the longest down, each against
/// its shorter neighbour, so a guest that goes round a small working set
/// within 1.5 s is still seen at the ~0.5 s interval's rate; when the working
/// set saturates, QEMU's short-period rate is used if it is higher.
///
/// Which counts are used: QEMU's page sampling hashes 512 pages per GiB (64 on
/// a 128 MiB guest, so a guest dirtying 6 % of its memory per second is seen
/// in ~4 pages), LivCloud's samples 4096 pages whatever the size; so in
/// page-sampling mode LivCloud's counts are used when its samples could be
/// taken, QEMU's otherwise. QEMU's dirty-bitmap and dirty-ring modes (KVM)
/// count every page and are used as they are.
public struct WorkloadProbe: Sendable, Equatable, Codable {
    public var shortSeconds: Int
    /// 0 = skip the second measurement (working set unknown).
    public var longSeconds: Int
    /// The long period is saturated when its distinct bytes are below this
    /// share of D·T_long.
    public var saturationShare: Double
    public var mode: DirtyRateMode
    /// How the memory samples are read (`samples` 0 = none: zero-page share
    /// unknown, and QEMU's counts only).
    public var memory: MemorySampling

    public init(
        shortSeconds: Int = 1, longSeconds: Int = 3, saturationShare: Double = 0.75, mode: DirtyRateMode = .pageSampling,
        memory: MemorySampling = MemorySampling()
    ) {
        self.shortSeconds = shortSeconds
        self.longSeconds = longSeconds
        self.saturationShare = saturationShare
        self.mode = mode
        self.memory = memory
    }
}

/// What the planner measured on the source and the model input derived from it.
public struct MeasuredWorkload: Sendable, Equatable, Codable {
    public var domainName: String
    public var memory: DomainMemoryInfo
    /// QEMU's dirty-rate calculations.
    public var short: DirtyRateMeasurement
    public var long: DirtyRateMeasurement?
    /// The sampled zero-page share; nil when not sampled or the sampling failed (see `notes`).
    public var zeroPages: ZeroPageEstimate?
    /// Pages changed between LivCloud's first memory sample and each later one.
    public var sampledIntervals: [DirtyPageEstimate]?
    public var workload: MigrationWorkload
    /// How the numbers were derived, as sentences.
    public var notes: [String]

    /// Derives the model input from the measurements (pure; see `WorkloadProbe`).
    /// `samples` are LivCloud's memory samples in the order taken (each later
    /// one is compared with the first); `samplingFailure` says why sampling
    /// stopped: the first sample still gives the zero pages, but the dirty
    /// counts are then QEMU's.
    public static func derive(
        domainName: String, memory: DomainMemoryInfo, short: DirtyRateMeasurement, long: DirtyRateMeasurement?,
        saturationShare: Double = 0.75, samples: [MemorySample] = [], samplingFailure: String? = nil
    ) -> MeasuredWorkload {
        let mib = 1_048_576.0
        var notes: [String] = []
        let zeroPages = samples.first?.zeroPages
        let intervals = samplingFailure != nil ? [] : samples.dropFirst()
            .compactMap { try? DirtyPageEstimate.between(samples[0], $0) }
            .sorted { $0.intervalSeconds < $1.intervalSeconds }
        let qemuCountsEveryPage = short.mode == DirtyRateMode.dirtyBitmap.rawValue || short.mode == DirtyRateMode.dirtyRing.rawValue

        // (rate, distinct bytes, period) of every period, shortest first, from one source.
        typealias Period = (rate: Double, distinct: Double, seconds: Double)
        let periods: [Period]
        let usedSamples: Bool
        let qemuSays = "QEMU (\(short.mode ?? "page-sampling")): \(short.mebibytesPerSecond) MiB/s over \(short.periodSeconds) s"
            + (long.map { ", \($0.mebibytesPerSecond) MiB/s over \($0.periodSeconds) s" } ?? "")
        if !qemuCountsEveryPage, !intervals.isEmpty {
            periods = intervals.map { ($0.bytesPerSecond, $0.distinctBytes, $0.intervalSeconds) }
            usedSamples = true
            notes.append("dirty pages from LivCloud's memory samples: "
                + intervals.map(\.summary).joined(separator: "; ") + " (" + qemuSays + ")")
        } else {
            periods = [(short.bytesPerSecond, short.distinctBytes, Double(short.periodSeconds))]
                + (long.map { [($0.bytesPerSecond, $0.distinctBytes, Double($0.periodSeconds))] } ?? [])
            usedSamples = false
            notes.append("dirty rate from " + qemuSays)
        }
        // From the longest period down: a period is saturated when its distinct
        // bytes fall clearly short of the next shorter period's rate × its
        // length. The rate is that of the longest unsaturated period (the most
        // pages seen), the working set what the saturated ones reached.
        // Comparing neighbours, never the noisy shortest with the longest,
        // keeps a high reading of a short period from faking saturation.
        var k = periods.count - 1
        while k >= 1, periods[k - 1].rate > 0,
              periods[k].distinct < saturationShare * periods[k - 1].rate * periods[k].seconds {
            k -= 1
        }
        var rate = periods[k].rate
        var workingSet: UInt64?
        if k < periods.count - 1 {
            let set = periods[(k + 1)...].map(\.distinct).max() ?? 0
            let last = periods[periods.count - 1]
            workingSet = UInt64(min(set, Double(memory.maximumBytes)))
            notes.append(String(
                format: "over %.1f s only %.1f MiB distinct were dirtied (%.1f MiB expected at the %.1f s period's rate): "
                    + "a working set of ~%.1f MiB is re-dirtied; the rate is the %.1f s period's",
                last.seconds, last.distinct / mib, periods[k].rate * last.seconds / mib, periods[k].seconds, set / mib,
                periods[k].seconds))
            // A guest that goes round its working set quickly saturates every
            // period a little, and memory samples can slow a TCG guest while
            // they are read: both only under-read the rate. QEMU's short
            // period is the other opinion; the larger is the safer input.
            if usedSamples, short.bytesPerSecond > rate {
                notes.append(String(
                    format: "the rate is taken from QEMU's short period (%.1f MiB/s), above the samples' %.1f MiB/s",
                    short.bytesPerSecond / mib, rate / mib))
                rate = short.bytesPerSecond
            }
        } else if periods.count > 1 {
            notes.append(String(format: "over %.1f s: %.1f MiB/s, no saturation seen, ", periods[k].seconds, rate / mib)
                + "so the working set is taken as all memory and the longest period's rate is used")
        } else {
            notes.append("working set not measured: taken as all memory")
        }
        if let zeroPages {
            notes.append(zeroPages.summary)
            if let samplingFailure, intervals.isEmpty {
                notes.append("a later memory sample failed (\(samplingFailure)), so QEMU's dirty counts are used")
            }
        } else {
            notes.append("zero-page share unknown (\(samplingFailure ?? "not sampled")): taken as 0, "
                + "so every page is predicted to cost a full page")
        }
        let workload = MigrationWorkload(
            memoryBytes: memory.maximumBytes, dirtyRateBytesPerSecond: rate, writableWorkingSetBytes: workingSet,
            zeroPageShare: zeroPages?.share)
        return MeasuredWorkload(
            domainName: domainName, memory: memory, short: short, long: long, zeroPages: zeroPages,
            sampledIntervals: intervals.isEmpty ? nil : intervals, workload: workload, notes: notes)
    }
}

/// The prediction for one domain and how to run the chosen policy.
public struct MigrationPlan: Sendable, Equatable, Codable {
    public var measured: MeasuredWorkload
    public var link: LinkEstimate
    public var budget: DowntimeBudget
    public var options: MigrationFeatures
    public var recommendation: Recommendation
    /// The predictor (calibration, band) that made `recommendation`.
    public var predictor: Predictor

    public var workload: MigrationWorkload { measured.workload }

    /// What LivCloud runs for the chosen policy: the chosen start-time features
    /// (XBZRLE, auto-converge; post-copy when the options allow it) steered by
    /// `AdaptiveController`, which starts with a low downtime limit and raises it
    /// within the budget only on a stall. Post-copy after one pass stays as is.
    /// Nil on no-go.
    public var steered: CandidatePolicy? {
        guard let chosen = recommendation.chosen?.policy else { return nil }
        let post = options.postCopyAllowed
        switch chosen {
        case .plainPreCopy: return .adaptive(MigrationFeatures(postCopyAllowed: post))
        case .autoConverge(let s, _): return .adaptive(MigrationFeatures(autoConverge: s, postCopyAllowed: post))
        case .xbzrle(let cache, _): return .adaptive(MigrationFeatures(xbzrleCacheBytes: cache, postCopyAllowed: post))
        case .postCopy, .adaptive: return chosen
        }
    }

    /// The prediction for `candidate` (from the recommendation's candidates).
    public func prediction(for candidate: CandidatePolicy) -> PolicyPrediction? {
        recommendation.candidates.first { $0.policy == candidate }
    }

    /// The prediction for any `candidate`: the recommendation's, or made now
    /// with the same predictor and inputs when it was not a candidate.
    public func predict(_ candidate: CandidatePolicy) -> PolicyPrediction {
        prediction(for: candidate) ?? predictor.predict(candidate, workload: workload, link: link, budget: budget)
    }

    /// The libvirt policy for `candidate` (the chosen one by default; nil on
    /// no-go), built on `base` (TLS, disks, stall timeout, ...). A configured
    /// link cap becomes the `bandwidth` parameter.
    public func policy(for candidate: CandidatePolicy? = nil, base: MigrationPolicy = MigrationPolicy()) -> MigrationPolicy? {
        guard let candidate = candidate ?? recommendation.chosen?.policy else { return nil }
        var p = Self.policy(for: candidate, budget: budget, link: link, base: base)
        // Post-copy allowed by the user stays available as the controller's last lever.
        if options.postCopyAllowed, p.postCopy == nil {
            p.postCopy = MigrationPolicy.PostCopy(bandwidthMiBps: p.maxBandwidthMiBps)
        }
        return p
    }

    /// The controller that steers `candidate` (the chosen one by default):
    /// `AdaptiveController` for the adaptive policy (starting low) and for the
    /// fixed-limit policies (starting at their limit, so it only raises within
    /// the budget or aborts when the budget can't be met); nil for post-copy,
    /// whose switch the policy schedules. When the options allow post-copy,
    /// the controller may switch to it (instead of aborting) on a stall or to
    /// meet its time goal.
    public func controller(for candidate: CandidatePolicy? = nil) -> AdaptiveController? {
        guard let candidate = candidate ?? recommendation.chosen?.policy,
              var controller = Self.controller(for: candidate, budget: budget) else { return nil }
        if options.postCopyAllowed, !controller.configuration.features.postCopyAllowed {
            var config = controller.configuration
            config.features.postCopyAllowed = true
            controller = AdaptiveController(configuration: config)
        }
        return controller
    }

    public static func policy(
        for candidate: CandidatePolicy, budget: DowntimeBudget, link: LinkEstimate, base: MigrationPolicy = MigrationPolicy()
    ) -> MigrationPolicy {
        var p = base
        p.downtimeSchedule = []
        p.autoConverge = nil
        p.xbzrleCacheBytes = nil
        p.postCopy = nil
        if link.source == .configuredCap {
            p.maxBandwidthMiBps = UInt64((link.bytesPerSecond / 1_048_576).rounded())
        }
        func apply(_ f: MigrationFeatures) {
            p.xbzrleCacheBytes = f.xbzrleCacheBytes
            p.autoConverge = f.autoConverge.map {
                MigrationPolicy.AutoConverge(initialPercent: $0.initialPercent, incrementPercent: $0.incrementPercent)
            }
            if f.postCopyAllowed { p.postCopy = MigrationPolicy.PostCopy() }
        }
        switch candidate {
        case .plainPreCopy(let limit):
            p.maxDowntimeMs = UInt64(limit)
        case .autoConverge(let s, let limit):
            apply(MigrationFeatures(autoConverge: s))
            p.maxDowntimeMs = UInt64(limit)
        case .xbzrle(let cache, let limit):
            apply(MigrationFeatures(xbzrleCacheBytes: cache))
            p.maxDowntimeMs = UInt64(limit)
        case .postCopy:
            // After the bulk pass (memory_iteration 1 is QEMU's initial sync, 2 the second pass).
            p.postCopy = MigrationPolicy.PostCopy(switchAfter: .atIteration(2))
            p.maxDowntimeMs = UInt64(budget.milliseconds)
        case .adaptive(let f):
            apply(f)
            p.maxDowntimeMs = nil  // the controller sets it on the first sample
        }
        // QEMU does not apply the pre-copy cap after the switch to post-copy
        // (max-postcopy-bandwidth 0 = unlimited): keep the cap there too.
        if p.postCopy != nil, p.postCopy?.bandwidthMiBps == nil, let cap = p.maxBandwidthMiBps {
            p.postCopy?.bandwidthMiBps = cap
        }
        return p
    }

    public static func controller(for candidate: CandidatePolicy, budget: DowntimeBudget) -> AdaptiveController? {
        switch candidate {
        case .adaptive(let f):
            return AdaptiveController(budget: budget, features: f)
        case .plainPreCopy(let limit):
            return AdaptiveController(configuration: .init(budget: budget, features: .none, initialDowntimeMs: limit))
        case .autoConverge(let s, let limit):
            return AdaptiveController(configuration: .init(
                budget: budget, features: MigrationFeatures(autoConverge: s), initialDowntimeMs: limit))
        case .xbzrle(let cache, let limit):
            return AdaptiveController(configuration: .init(
                budget: budget, features: MigrationFeatures(xbzrleCacheBytes: cache), initialDowntimeMs: limit))
        case .postCopy:
            return nil
        }
    }
}

/// Before a migration: measures the guest, predicts every allowed policy and
/// says go or no-go (P2), and maps the choice to a `MigrationPolicy` and a
/// controller for `Migrator`.
public struct MigrationPlanner: Sendable {
    public var predictor: Predictor
    public var probe: WorkloadProbe

    public init(predictor: Predictor = Predictor(), probe: WorkloadProbe = WorkloadProbe()) {
        self.predictor = predictor
        self.probe = probe
    }

    /// Measures memory size, dirty rate, working set and zero-page share of the running `domain`.
    public func measureWorkload(of domain: Domain) async throws -> MeasuredWorkload {
        let memory = try await domain.memoryInfo()
        // An unreadable memory only makes the prediction coarser (QEMU's counts,
        // no zero pages): a failed sample is a note, not a failure.
        var samples: [MemorySample] = []
        var samplingFailure: String?
        func sample() async {
            guard probe.memory.samples > 0, samplingFailure == nil else { return }
            do {
                samples.append(try await domain.sampleMemory(probe.memory, memoryBytes: memory.maximumBytes))
            } catch {
                samplingFailure = "\(error)"
            }
        }
        await sample()
        await sample()  // back to back: the shortest interval, for guests that go round their working set quickly
        let short = try await domain.measureDirtyRate(seconds: probe.shortSeconds, mode: probe.mode)
        await sample()
        var long: DirtyRateMeasurement?
        if probe.longSeconds > probe.shortSeconds {
            long = try await domain.measureDirtyRate(seconds: probe.longSeconds, mode: probe.mode)
            await sample()
        }
        return MeasuredWorkload.derive(
            domainName: domain.name, memory: memory, short: short, long: long, saturationShare: probe.saturationShare,
            samples: samples, samplingFailure: samplingFailure)
    }

    /// The plan for already measured inputs (pure).
    public func plan(
        _ measured: MeasuredWorkload, link: LinkEstimate, budget: DowntimeBudget, options: MigrationFeatures
    ) -> MigrationPlan {
        let recommendation = predictor.recommend(workload: measured.workload, link: link, budget: budget, options: options)
        return MigrationPlan(
            measured: measured, link: link, budget: budget, options: options, recommendation: recommendation,
            predictor: predictor)
    }

    /// Measures `domain` and plans its migration.
    public func plan(
        domain: Domain, link: LinkEstimate, budget: DowntimeBudget, options: MigrationFeatures
    ) async throws -> MigrationPlan {
        plan(try await measureWorkload(of: domain), link: link, budget: budget, options: options)
    }

    /// Measures `domain` and answers go/no-go with every candidate's prediction.
    public func predict(
        domain: Domain, link: LinkEstimate, budget: DowntimeBudget, options: MigrationFeatures
    ) async throws -> Recommendation {
        try await plan(domain: domain, link: link, budget: budget, options: options).recommendation
    }
}
