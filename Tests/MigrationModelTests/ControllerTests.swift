import Testing
@testable import MigrationModel

@Suite struct ScheduleAndNovaTests {
    @Test func scheduleStepsApplyOnceStrictlyAfterTheirTime() {
        var c = DowntimeScheduleController(steps: [.init(afterSeconds: 10, downtimeMs: 200), .init(afterSeconds: 0, downtimeMs: 100)])
        #expect(c.observe(JobSample(elapsedSeconds: 0)).isEmpty)  // not strictly after 0
        #expect(c.observe(JobSample(elapsedSeconds: 0.5)).map(\.action) == [.setMaxDowntime(milliseconds: 100)])
        #expect(c.observe(JobSample(elapsedSeconds: 10)).isEmpty)
        #expect(c.observe(JobSample(elapsedSeconds: 10.5)).map(\.action) == [.setMaxDowntime(milliseconds: 200)])
        #expect(c.observe(JobSample(elapsedSeconds: 99)).isEmpty)
    }

    @Test func novaStepsForASmallGuestUseTheTwoGiBFloor() {
        let steps = NovaStyleController.downtimeSteps(dataGiB: 2)
        #expect(steps.count == 11)
        for (i, s) in steps.enumerated() {
            #expect(s.afterSeconds == Double(150 * i))           // Int(75 s/GiB × 2 GiB) × i
            #expect(s.downtimeMs == UInt64(50 + 45 * i))         // 500/10 + (500 − 50)/10 × i
        }
        let c = NovaStyleController(memoryBytes: Lab.memory)
        #expect(c.dataGiB == 2)
        #expect(c.completionTimeoutSeconds == 1600)
    }

    @Test func novaStepsHappenAtTheRightSimulatedTimesThenForceComplete() throws {
        var config = NovaStyleController.Configuration()
        config.minimumDataGiB = 0  // scale with the real 0.125 GiB: delay Int(9.375) = 9 s, timeout Int(100) s
        var nova = NovaStyleController(memoryBytes: Lab.memory, configuration: config)
        let r = PreCopySimulator(workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, horizonSeconds: 200)
            .run(controller: &nova)
        let steps = r.decisions.filter { if case .setMaxDowntime(let ms) = $0.action { return ms <= 500 } else { return false } }
        #expect(steps.count == 11)
        for (i, d) in steps.enumerated() {
            #expect(d.action == .setMaxDowntime(milliseconds: UInt64(50 + 45 * i)))
            // The first poll strictly after 9·i s (polls every 0.5 s).
            #expect(d.atSeconds > Double(9 * i) && d.atSeconds <= Double(9 * i) + 0.5 + 1e-9)
        }
        // Without post-copy, force-complete pauses the guest: a huge limit at the first poll after 100 s.
        let force = try #require(r.decisions.last)
        #expect(force.action == .setMaxDowntime(milliseconds: config.pauseDowntimeMs))
        #expect(force.atSeconds > 100 && force.atSeconds <= 100.5 + 1e-9)
        #expect(r.completed)
        #expect(try #require(r.downtimeMs) > 500)  // the pause sends the whole dirty set
    }

    @Test func novaForceCompleteUsesPostCopyWhenAllowed() throws {
        var config = NovaStyleController.Configuration()
        config.minimumDataGiB = 0
        config.postCopyAllowed = true
        var nova = NovaStyleController(memoryBytes: Lab.memory, configuration: config)
        let r = PreCopySimulator(
            workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, features: MigrationFeatures(postCopyAllowed: true)
        ).run(controller: &nova)
        #expect(r.decisions.last?.action == .startPostCopy)
        #expect(r.completed && r.usedPostCopy)
    }

    @Test func novaCanAbortOnTimeout() {
        var config = NovaStyleController.Configuration()
        config.minimumDataGiB = 0
        config.timeoutAction = .abort
        var nova = NovaStyleController(memoryBytes: Lab.memory, configuration: config)
        let r = PreCopySimulator(workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond).run(controller: &nova)
        guard case .aborted(let reason) = r.outcome else {
            Issue.record("expected an abort, got \(r.outcome)")
            return
        }
        #expect(reason.contains("completion timeout"))
    }
}

@Suite struct AdaptiveControllerTests {
    static let budget = DowntimeBudget(milliseconds: 500)

    private func run(_ features: MigrationFeatures, budget: DowntimeBudget = budget, rate: Double = Lab.cap10.bytesPerSecond,
                     workload: MigrationWorkload = Lab.workload) -> SimulationResult {
        var c = AdaptiveController(budget: budget, features: features)
        return PreCopySimulator(workload: workload, linkBytesPerSecond: rate, features: features).run(controller: &c)
    }

    @Test func postCopyFinishesTheOverDirtyingCappedCaseWithinThreeTimesTheBound() throws {
        let r = run(MigrationFeatures(postCopyAllowed: true))
        #expect(r.completed && r.usedPostCopy)
        #expect(r.totalSeconds <= 3 * Lab.capBound)
        #expect(try #require(r.downtimeMs) <= Self.budget.milliseconds)
        let switchDecision = try #require(r.decisions.first { $0.action == .startPostCopy })
        #expect(switchDecision.reason.contains("loses the guest"))
        #expect(switchDecision.reason.contains("MiB"))
    }

    @Test func xbzrleAndPostCopyFinishWithinThreeTimesTheBound() throws {
        let r = run(MigrationFeatures(xbzrleCacheBytes: Lab.cache64, postCopyAllowed: true))
        #expect(r.completed)
        #expect(r.totalSeconds <= 3 * Lab.capBound)
        #expect(try #require(r.downtimeMs) <= Self.budget.milliseconds)
    }

    @Test func xbzrleAloneConvergesWithinTheBudget() throws {
        // Without post-copy the model, like the lab (60.8 s), needs ~5× the bound.
        let r = run(MigrationFeatures(xbzrleCacheBytes: Lab.cache64))
        #expect(r.completed && !r.usedPostCopy)
        #expect(try #require(r.downtimeMs) <= Self.budget.milliseconds)
        #expect(r.totalSeconds <= 6 * Lab.capBound)
    }

    @Test func abortsWithAReasonWhenNothingCanMeetTheBudget() throws {
        let r = run(.none)
        guard case .aborted(let reason) = r.outcome else {
            Issue.record("expected an abort, got \(r.outcome)")
            return
        }
        #expect(reason.contains("500 ms budget"))
        #expect(reason.contains("post-copy is not allowed"))
        #expect(reason.contains("MiB"))
        // It gives up after a few passes, not at a timeout.
        #expect(r.totalSeconds < 3 * Lab.capBound)
    }

    @Test func raisesTheLimitWhenTheWorkingSetFitsTheBudget() throws {
        // 16 MiB working set at 40 MB/s over 100 MB/s: the set needs ~168 ms, over the 100 ms start, within 500 ms.
        let workload = MigrationWorkload(memoryBytes: Lab.memory, dirtyRateBytesPerSecond: 150e6, writableWorkingSetBytes: 16 << 20)
        let r = run(.none, rate: 100e6, workload: workload)
        #expect(r.completed)
        let raise = try #require(r.decisions.dropFirst().first)
        guard case .setMaxDowntime(let ms) = raise.action else {
            Issue.record("expected a raise, got \(raise.action)")
            return
        }
        #expect(ms > 100 && Double(ms) <= Self.budget.milliseconds)
        #expect(raise.reason.contains("raise the limit"))
        #expect(try #require(r.downtimeMs) <= Self.budget.milliseconds)
    }

    @Test func neverRaisesTheLimitBeyondTheBudget() {
        let workloads = [
            Lab.workload,
            MigrationWorkload(memoryBytes: Lab.memory, dirtyRateBytesPerSecond: 150e6, writableWorkingSetBytes: 16 << 20),
            MigrationWorkload(memoryBytes: 256 << 20, dirtyRateBytesPerSecond: 30e6),
        ]
        let featureSets = [MigrationFeatures.none, MigrationFeatures(xbzrleCacheBytes: Lab.cache64), MigrationFeatures(postCopyAllowed: true)]
        for budgetMs in [50.0, 150, 300, 500, 1000] {
            for w in workloads {
                for f in featureSets {
                    for rate in [Lab.cap10.bytesPerSecond, 40e6, 100e6] {
                        let r = run(f, budget: DowntimeBudget(milliseconds: budgetMs), rate: rate, workload: w)
                        for d in r.decisions {
                            if case .setMaxDowntime(let ms) = d.action { #expect(Double(ms) <= budgetMs) }
                            #expect(d.reason.contains { $0.isNumber })
                        }
                        if let down = r.downtimeMs, !r.usedPostCopy {
                            #expect(down <= budgetMs + ModelCalibration.lab.switchoverSeconds * 1000 + 1e-9)
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: [100e6, 136e6, 200e6])
    func onAConvergingGuestItHalvesTheDowntimeAtAtMostTenPercentMoreTime(rate: Double) throws {
        let virsh = PreCopySimulator(workload: Lab.workload, linkBytesPerSecond: rate).run()
        let adaptive = run(.none, budget: DowntimeBudget(milliseconds: 300), rate: rate)
        #expect(virsh.completed && adaptive.completed)
        #expect(try #require(adaptive.downtimeMs) <= 0.5 * (try #require(virsh.downtimeMs)))
        #expect(adaptive.totalSeconds <= 1.1 * virsh.totalSeconds)
    }

    @Test func aStuckLinkIsAbortedNotSwitchedToPostCopy() throws {
        var c = AdaptiveController(budget: Self.budget, features: MigrationFeatures(postCopyAllowed: true))
        var decisions: [SteeringDecision] = []
        for i in 0..<40 {
            decisions += c.observe(JobSample(
                elapsedSeconds: Double(i) * 0.5, iteration: 1, memoryTotalBytes: Lab.memory,
                memoryProcessedBytes: 1 << 20, memoryRemainingBytes: 100 << 20, bandwidthBytesPerSecond: 0))
        }
        let last = try #require(decisions.last)
        #expect(last.action == .abort)
        #expect(last.reason.contains("no progress"))
        #expect(c.finished)
    }
}

@Test func ewmaWeighsNewValuesByAlpha() throws {
    var e = EWMA(alpha: 0.25)
    #expect(e.value == nil)
    e.add(8)
    #expect(e.value == 8)
    e.add(0)
    #expect(try #require(e.value) == 6)   // 0.25·0 + 0.75·8
    e.add(10)
    #expect(try #require(e.value) == 7)   // 0.25·10 + 0.75·6
}
