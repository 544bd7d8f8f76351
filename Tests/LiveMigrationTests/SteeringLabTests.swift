import Foundation
import Logging
import MigrationModel
import Testing

@testable import LiveMigration

/// Predict-and-steer on real lab guests: dirty-rate measurement, go/no-go, and
/// an `AdaptiveController`-steered migration of a guest that dirties memory
/// faster than the capped link.
@Suite(.serialized, .enabled(if: labEnabled, "set LIVCLOUD_LAB=1 to run against the two-host lab"))
struct SteeringLabTests {
    static let mib = 1_048_576.0

    @Test func dirtyRateOfADirtyingGuestIsRoughlyWhatItDirties() async throws {
        let lab = try await Lab.shared()
        let name = "steer-rate"
        let rate = 16.0
        try await lab.startGuest(name, dirtyMiBPerSecond: Int(rate), wssMiB: 64)
        defer { lab.destroyGuestNow(name) }
        let domain = try await lab.connection("a").domain(named: name)

        let memory = try await domain.memoryInfo()
        #expect(memory.maximumBytes == 128 << 20)

        let clock = ContinuousClock()
        let start = clock.now
        let m = try await domain.measureDirtyRate(seconds: 2)
        let waited = start.duration(to: clock.now)
        #expect(m.periodSeconds == 2)
        // The guest writes one byte per 4 KiB page; page sampling sees 512 pages per GiB,
        // so the band is generous.
        let measured = m.bytesPerSecond / Self.mib
        #expect(measured >= 0.5 * rate && measured <= 2 * rate, "measured \(measured) MiB/s for a guest dirtying \(rate) MiB/s")
        #expect(waited >= .seconds(2) && waited < .seconds(8), "waited \(waited) for a 2 s calculation")
        lab.logger.info("dirty rate of a \(rate) MiB/s guest: \(m.mebibytesPerSecond) MiB/s over \(m.periodSeconds) s (\(m.mode ?? "?")), waited \(waited)")
    }

    /// The planner's memory samples (4096 pages, against QEMU's 64 on this
    /// guest) find the rate and the working set of a guest that goes round
    /// 32 MiB at 16 MiB/s: unsaturated over ~0.5 and ~1.5 s, saturated over ~5 s.
    @Test func memorySamplesFindTheRateAndTheWorkingSet() async throws {
        let lab = try await Lab.shared()
        let name = "steer-sampled"
        let rate = 16.0, wss = 32.0
        try await lab.startGuest(name, dirtyMiBPerSecond: Int(rate), wssMiB: Int(wss))
        defer { lab.destroyGuestNow(name) }
        let domain = try await lab.connection("a").domain(named: name)

        let measured = try await MigrationPlanner().measureWorkload(of: domain)
        let intervals = try #require(measured.sampledIntervals, "\(measured.notes)")
        #expect(intervals.count == 3)
        let short = try #require(intervals.first), long = try #require(intervals.last)
        lab.logger.info("sampled: \(short.summary); \(long.summary); notes: \(measured.notes)")
        #expect(short.sampledPages == 4096 && long.intervalSeconds > short.intervalSeconds + 3)
        let d = measured.workload.dirtyRateBytesPerSecond / Self.mib
        #expect(d >= 0.7 * rate && d <= 1.4 * rate, "dirty rate \(d) MiB/s for a \(rate) MiB/s guest; \(measured.notes)")
        let w = try #require(measured.workload.writableWorkingSetBytes, "no working set found; \(measured.notes)")
        let wMiB = Double(w) / Self.mib
        #expect(wMiB >= 0.7 * wss && wMiB <= 1.4 * wss, "working set \(wMiB) MiB for a \(wss) MiB one; \(measured.notes)")
    }

    @Test func predictOnAnIdleGuestSaysGo() async throws {
        let lab = try await Lab.shared()
        let name = "steer-idle"
        try await lab.startGuest(name, dirtyMiBPerSecond: 0)
        defer { lab.destroyGuestNow(name) }
        let domain = try await lab.connection("a").domain(named: name)

        let plan = try await MigrationPlanner().plan(
            domain: domain, link: .cap(mebibytesPerSecond: 32), budget: DowntimeBudget(milliseconds: 300),
            options: MigrationFeatures(xbzrleCacheBytes: 64 << 20))
        let rec = plan.recommendation
        #expect(plan.workload.memoryBytes == 128 << 20)
        #expect(plan.workload.dirtyRateBytesPerSecond < 4 * Self.mib, "idle guest measured at \(plan.workload.dirtyRateBytesPerSecond / Self.mib) MiB/s")
        #expect(rec.go, "\(rec.reasons)")
        let chosen = try #require(rec.chosen)
        #expect(chosen.point.converges)
        #expect((chosen.point.downtimeMs ?? .infinity) <= 300)
        // 128 MiB over a 32 MiB/s cap takes at least ~4 s minus zero pages; the model must not be wildly off.
        let total = try #require(chosen.point.totalSeconds)
        #expect(total > 1 && total < 10, "predicted \(total) s")
        #expect(rec.reasons.first?.hasPrefix("Go:") == true)
        let policy = try #require(plan.policy())
        #expect(policy.maxBandwidthMiBps == 32)
    }

    /// The sampled zero-page share predicts what QEMU really sends: a 256 MiB
    /// guest that populated a 32 MiB working set sends far less than its
    /// memory, and the prediction's bytes must match libvirt's count.
    @Test func zeroPageShareMatchesWhatTheMigrationSends() async throws {
        let lab = try await Lab.shared()
        let name = "steer-zero"
        try await lab.startGuest(name, dirtyMiBPerSecond: 0, wssMiB: 32, memMiB: 256)
        defer { lab.destroyGuestNow(name) }
        let domain = try await lab.connection("a").domain(named: name)

        let plan = try await MigrationPlanner(probe: WorkloadProbe(longSeconds: 0)).plan(
            domain: domain, link: .cap(mebibytesPerSecond: 64), budget: DowntimeBudget(milliseconds: 300), options: .none)
        let zero = try #require(plan.measured.zeroPages, "\(plan.measured.notes)")
        // 32 of 256 MiB were written by the guest's working set alone: at most 87.5 % can be zero.
        #expect(zero.share < 0.875 && zero.share > 0.3, "\(zero.summary)")
        #expect(zero.sampledPages == 256 * 16 && !zero.extrapolated)
        #expect(plan.workload.zeroPageShare == zero.share)
        let predicted = try #require(plan.prediction(for: .qemuDefault)?.point.bytesSent)

        let migration = Migrator(logger: lab.logger).migration(
            of: domain, to: lab.status.b.uri, migrateURI: lab.status.b.migrateURI,
            policy: MigrationPolicy(maxBandwidthMiBps: 64, stallTimeoutSeconds: nil))
        let result = try await migration.run()
        let sent = Double(try #require(result.stats?.memoryBytesSent))
        let memory = Double(256 << 20)
        // What this test is about: without the share the model would say 256 MiB.
        #expect(sent < 0.7 * memory, "sent \(sent / Self.mib) MiB of 256")
        #expect(abs(predicted - sent) / sent < 0.15, "predicted \(predicted / Self.mib) MiB, sent \(sent / Self.mib) MiB; \(zero.summary)")
        lab.logger.info("\(zero.summary); predicted \(predicted / Self.mib) MiB, sent \(sent / Self.mib) MiB")
    }

    @Test func adaptiveControllerSteersACappedOverDirtyingGuest() async throws {
        let lab = try await Lab.shared()
        let name = "steer-capped"
        try await lab.startGuest(name, dirtyMiBPerSecond: 40, wssMiB: 64)
        defer { lab.destroyGuestNow(name) }
        let source = try await lab.connection("a")
        let domain = try await source.domain(named: name)

        let cap = 10.0
        let budget = DowntimeBudget(milliseconds: 300)
        let plan = try await MigrationPlanner().plan(
            domain: domain, link: .cap(mebibytesPerSecond: cap), budget: budget,
            options: MigrationFeatures(xbzrleCacheBytes: 64 << 20, postCopyAllowed: true))
        let measured = plan.workload.dirtyRateBytesPerSecond / Self.mib
        #expect(measured > cap, "a 40 MiB/s guest measured at \(measured) MiB/s")
        let rec = plan.recommendation
        // Plain pre-copy cannot converge when the guest out-dirties the link.
        #expect(rec.candidates.first { $0.policy == .qemuDefault }?.point.converges == false)
        #expect(rec.go, "\(rec.reasons)")
        // Run LivCloud's adaptive candidate whatever was chosen, so the controller steers.
        let adaptive = CandidatePolicy.adaptive(plan.options)
        let prediction = try #require(plan.prediction(for: adaptive))
        let policy = try #require(plan.policy(for: adaptive, base: MigrationPolicy(stallTimeoutSeconds: 60)))
        #expect(policy.maxBandwidthMiBps == UInt64(cap))
        #expect(policy.xbzrleCacheBytes == 64 << 20 && policy.postCopy != nil && policy.maxDowntimeMs == nil)
        let controller = try #require(plan.controller(for: adaptive))

        let migration = Migrator(logger: lab.logger).migration(
            of: domain, to: lab.status.b.uri, migrateURI: lab.status.b.migrateURI, policy: policy,
            controller: controller, pollInterval: .milliseconds(500))
        let events = EventLog()
        let drain = events.collect(migration)
        // A bound for the test only: the controller is expected to finish or abort long before.
        let guardTask = Task {
            try await Task.sleep(for: .seconds(120))
            migration.abort(reason: "test time limit")
        }
        let outcome: Result<MigrationResult, any Error>
        do {
            outcome = .success(try await migration.run())
        } catch {
            outcome = .failure(error)
        }
        guardTask.cancel()
        await drain.value

        // Decisions are in the progress stream, each with a reason.
        let decisions = events.decisions
        #expect(!decisions.isEmpty)
        #expect(decisions.allSatisfy { !$0.decision.reason.isEmpty })
        #expect(decisions.contains { !$0.fromPolicy }, "no decision from the adaptive controller")
        #expect(decisions.first { !$0.fromPolicy }?.decision.action == .setMaxDowntime(milliseconds: 50))
        for d in decisions { lab.logger.info("decision at \(d.decision.atSeconds) s: \(d.decision.action): \(d.decision.reason)") }
        #expect(!decisions.contains { $0.decision.reason.contains("test time limit") })

        switch outcome {
        case .success(let result):
            #expect(result.placement.runningOn == .destination)
            let w = try await lab.whereIs(name)
            #expect(w.b == "running" && w.a != "running", "after completion: a=\(w.a) b=\(w.b)")
            lab.logger.info("completed in \(result.wallClockSeconds) s (adaptive predicted \(prediction.point.totalSeconds ?? -1) s; chosen \(rec.chosen?.policy.name ?? "-"))")
        case .failure(let error):
            guard let error = error as? MigrationError, case .aborted(let reason, let placement, _) = error else {
                Issue.record("expected completion or an abort with a reason, got \(error)")
                return
            }
            #expect(!reason.isEmpty)
            #expect(reason != "test time limit", "the controller neither finished nor aborted within 120 s")
            #expect(placement.runningOn == .source)
            let settled = try await lab.waitUntil(timeout: .seconds(20)) {
                let w = try await lab.whereIs(name)
                return w.a == "running" && w.b != "running" && w.b != "paused"
            }
            #expect(settled, "after the abort the guest must run on the source only")
            lab.logger.info("aborted: \(reason)")
        }
    }
}

/// The planner's pure parts: deriving the model input from two dirty-rate
/// periods and mapping candidates to libvirt policies (no libvirt needed).
struct SteeringPlanTests {
    static let mib: UInt64 = 1 << 20
    let memory = DomainMemoryInfo(maximumBytes: 128 << 20, currentBytes: 128 << 20, virtualCPUs: 1)

    func measurement(_ mibps: Int64, over seconds: Int) -> DirtyRateMeasurement {
        DirtyRateMeasurement(mebibytesPerSecond: mibps, periodSeconds: seconds, startTime: nil, mode: "page-sampling", waitedSeconds: Double(seconds))
    }

    @Test func saturatedLongPeriodGivesTheWorkingSet() {
        // 40 MiB/s over 1 s; over 3 s only 64 MiB distinct (21 MiB/s): a 64 MiB working set.
        let m = MeasuredWorkload.derive(domainName: "g", memory: memory, short: measurement(40, over: 1), long: measurement(21, over: 3))
        #expect(m.workload.dirtyRateBytesPerSecond == 40 * 1_048_576)
        #expect(m.workload.writableWorkingSetBytes == 63 * Self.mib)
        #expect(m.workload.memoryBytes == 128 * Self.mib)
    }

    @Test func unsaturatedLongPeriodGivesTheAveragedRate() {
        let m = MeasuredWorkload.derive(domainName: "g", memory: memory, short: measurement(6, over: 1), long: measurement(8, over: 3))
        #expect(m.workload.dirtyRateBytesPerSecond == 8 * 1_048_576)
        #expect(m.workload.writableWorkingSetBytes == nil)
    }

    @Test func idleGuestHasNoWorkingSetClaim() {
        let m = MeasuredWorkload.derive(domainName: "g", memory: memory, short: measurement(0, over: 1), long: measurement(0, over: 3))
        #expect(m.workload.dirtyRateBytesPerSecond == 0)
        #expect(m.workload.writableWorkingSetBytes == nil)
    }

    func plan(dirty: Int64, cap: Double, postCopy: Bool) -> MigrationPlan {
        let measured = MeasuredWorkload.derive(
            domainName: "g", memory: memory, short: measurement(dirty, over: 1), long: measurement(dirty * 3 / 2 / 3, over: 3))
        return MigrationPlanner().plan(
            measured, link: .cap(mebibytesPerSecond: cap), budget: DowntimeBudget(milliseconds: 300),
            options: MigrationFeatures(xbzrleCacheBytes: 64 << 20, postCopyAllowed: postCopy))
    }

    @Test func cappedPlanKeepsTheCapAfterTheSwitchToPostCopy() throws {
        let p = plan(dirty: 40, cap: 10, postCopy: true)
        #expect(p.recommendation.go)
        let steered = try #require(p.steered)
        let policy = try #require(p.policy(for: steered))
        #expect(policy.maxBandwidthMiBps == 10)
        #expect(policy.postCopy?.bandwidthMiBps == 10)
        if case .adaptive = steered {
            let c = try #require(p.controller(for: steered))
            #expect(c.configuration.features.postCopyAllowed)
            #expect(c.configuration.initialDowntimeMs == 50)
            #expect(policy.maxDowntimeMs == nil)
        }
    }

    @Test func fixedLimitCandidatesMapToTheirLibvirtKnobs() throws {
        let budget = DowntimeBudget(milliseconds: 300)
        let link = LinkEstimate.cap(mebibytesPerSecond: 10)
        let x = MigrationPlan.policy(for: .xbzrle(cacheBytes: 32 << 20, downtimeLimitMs: 300), budget: budget, link: link)
        #expect(x.xbzrleCacheBytes == 32 << 20 && x.maxDowntimeMs == 300 && x.postCopy == nil && x.maxBandwidthMiBps == 10)
        let a = MigrationPlan.policy(for: .qemuAutoConverge, budget: budget, link: link)
        #expect(a.autoConverge == MigrationPolicy.AutoConverge(initialPercent: 20, incrementPercent: 10))
        let pc = MigrationPlan.policy(for: .postCopy, budget: budget, link: link)
        #expect(pc.postCopy?.switchAfter == .atIteration(2) && pc.postCopy?.bandwidthMiBps == 10)
        let measured = LinkEstimate(bytesPerSecond: 100 * 1_048_576, source: .measured)
        #expect(MigrationPlan.policy(for: .qemuDefault, budget: budget, link: measured).maxBandwidthMiBps == nil)
        #expect(MigrationPlan.controller(for: .postCopy, budget: budget) == nil)
        #expect(MigrationPlan.controller(for: .qemuDefault, budget: budget)?.configuration.initialDowntimeMs == 300)
    }

    @Test func noGoPlanHasNoPolicy() {
        // 40 MiB/s against 10 MiB/s with nothing allowed and a 300 ms budget: no-go.
        let measured = MeasuredWorkload.derive(domainName: "g", memory: memory, short: measurement(40, over: 1), long: nil)
        let p = MigrationPlanner().plan(measured, link: .cap(mebibytesPerSecond: 10), budget: DowntimeBudget(milliseconds: 300), options: .none)
        #expect(!p.recommendation.go)
        #expect(p.steered == nil && p.policy() == nil && p.controller() == nil)
        #expect(p.recommendation.reasons.first?.hasPrefix("No-go") == true)
    }
}
