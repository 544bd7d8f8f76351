import Testing
@testable import MigrationModel

/// Issues a fixed action at a fixed time (to test how the simulator applies actions).
struct ScriptedController: MigrationController {
    var at: Double
    var action: SteeringAction
    var done = false
    mutating func observe(_ sample: JobSample) -> [SteeringDecision] {
        guard !done, sample.elapsedSeconds >= at else { return [] }
        done = true
        return [SteeringDecision(action: action, reason: "scripted", atSeconds: sample.elapsedSeconds)]
    }
}

@Suite struct SimulatorTests {
    static let configurations: [(MigrationWorkload, Double, MigrationFeatures)] = [
        (Lab.workload, 136e6, .none),
        (Lab.workload, 50e6, .none),
        (Lab.workload, Lab.cap10.bytesPerSecond, MigrationFeatures(xbzrleCacheBytes: Lab.cache64)),
        (MigrationWorkload(memoryBytes: 1 << 30, dirtyRateBytesPerSecond: 20e6), 100e6, .none),
        (MigrationWorkload(memoryBytes: 512 << 20, dirtyRateBytesPerSecond: 5e6, zeroPageShare: 0.3), 40e6, .none),
    ]

    @Test func conservationAndTheSwitchOverRule() throws {
        for (workload, rate, features) in Self.configurations {
            let r = PreCopySimulator(workload: workload, linkBytesPerSecond: rate, features: features).run()
            #expect(r.completed)
            let nonZero = workload.memory * (1 - workload.effectiveZeroPageShare)
            #expect(r.bytesSent >= nonZero)
            // It reported convergence, so the last dirty set fitted bandwidth × limit.
            let remaining = try #require(r.switchoverRemainingBytes)
            let bw = try #require(r.switchoverBandwidth)
            #expect(remaining / bw <= r.finalDowntimeLimitMs / 1000 + 1e-12)
            #expect(try #require(r.downtimeMs) <= r.finalDowntimeLimitMs + ModelCalibration.lab.switchoverSeconds * 1000 + 1e-9)
            // The physical bound: the non-zero memory can't cross faster than the link.
            #expect(r.totalSeconds >= nonZero / rate)
        }
    }

    @Test func samplesArriveAtThePollIntervalAndNeverGoBackwards() throws {
        let r = PreCopySimulator(workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, horizonSeconds: 30).run()
        let running = r.samples
        #expect(running.count == 61)  // 0, 0.5, ..., 30
        for (a, b) in zip(running, running.dropFirst()) {
            #expect(abs(b.elapsedSeconds - a.elapsedSeconds - 0.5) < 1e-6)
            #expect(try #require(b.memoryProcessedBytes) >= (try #require(a.memoryProcessedBytes)))
            #expect(try #require(b.iteration) >= (try #require(a.iteration)))
        }
        #expect(running.first?.memoryRemainingBytes == Lab.memory)
    }

    @Test func plainPreCopyNeverConvergesAtTheCapAndAutoConvergeThrottlesToTheMaximum() throws {
        let plain = PreCopySimulator(workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, horizonSeconds: 150).run()
        #expect(plain.outcome == .timedOut)
        let ac = PreCopySimulator(
            workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond,
            features: MigrationFeatures(autoConverge: AutoConvergeSettings()), horizonSeconds: 150
        ).run()
        #expect(ac.outcome == .timedOut)
        #expect(ac.samples.last?.throttlePercent == 99)
    }

    @Test func xbzrleConvergesNearTheMeasuredTime() throws {
        let r = PreCopySimulator(
            workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, features: MigrationFeatures(xbzrleCacheBytes: Lab.cache64)
        ).run()
        #expect(r.completed)
        #expect(abs(r.totalSeconds - 60.8) / 60.8 <= 0.10)
    }

    @Test func postCopyIsRefusedUnlessAllowed() throws {
        var refused = ScriptedController(at: 20, action: .startPostCopy)
        let noPost = PreCopySimulator(workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, horizonSeconds: 40)
            .run(controller: &refused)
        #expect(!noPost.usedPostCopy)
        #expect(noPost.rejected.count == 1)
        #expect(noPost.outcome == .timedOut)

        var allowed = ScriptedController(at: 20, action: .startPostCopy)
        let post = PreCopySimulator(
            workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, features: MigrationFeatures(postCopyAllowed: true)
        ).run(controller: &allowed)
        #expect(post.completed && post.usedPostCopy)
        // Post-copy pulls at most the working set after the switch at 20 s.
        #expect(post.totalSeconds <= 20 + Double(Lab.workingSet) / Lab.cap10.bytesPerSecond + 0.5 + 0.1)
    }

    @Test func abortEndsTheJobWithTheReason() {
        var c = ScriptedController(at: 5, action: .abort)
        let r = PreCopySimulator(workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond).run(controller: &c)
        #expect(r.outcome == .aborted(reason: "scripted"))
        #expect(r.totalSeconds < 5.5)
    }

    @Test func aLowerBandwidthCapSlowsTheJob() {
        var c = ScriptedController(at: 0, action: .setMaxBandwidth(mebibytesPerSecond: 5))
        let r = PreCopySimulator(workload: MigrationWorkload(memoryBytes: 64 << 20, dirtyRateBytesPerSecond: 0), linkBytesPerSecond: Lab.cap10.bytesPerSecond)
            .run(controller: &c)
        #expect(r.completed)
        #expect(r.totalSeconds >= Double(64 << 20) / (5 * Lab.mib) - 0.3 - 0.01)
    }

    @Test func simulatorAndPredictorAgreeOnConvergingWorkloads() throws {
        // The benchmark's goal is a median absolute error ≤ 10 % for total time.
        var errors: [Double] = []
        for (workload, rate, features) in Self.configurations {
            let sim = PreCopySimulator(workload: workload, linkBytesPerSecond: rate, features: features).run()
            let policy: CandidatePolicy = features.xbzrleCacheBytes.map { .xbzrle(cacheBytes: $0, downtimeLimitMs: 300) } ?? .qemuDefault
            let predicted = try #require(Predictor().outcome(
                of: policy, workload: workload, link: LinkEstimate(bytesPerSecond: rate, source: .measured),
                budget: DowntimeBudget(milliseconds: 300)).totalSeconds)
            errors.append(abs(predicted - sim.totalSeconds) / sim.totalSeconds)
        }
        let median = errors.sorted()[errors.count / 2]
        #expect(median <= 0.10, "errors \(errors)")
    }

    @Test func theSameInputsGiveTheSameRun() {
        let sim = PreCopySimulator(
            workload: Lab.workload, linkBytesPerSecond: Lab.cap10.bytesPerSecond, features: MigrationFeatures(xbzrleCacheBytes: Lab.cache64, postCopyAllowed: true))
        var a = AdaptiveController(budget: DowntimeBudget(milliseconds: 500), features: sim.features)
        var b = AdaptiveController(budget: DowntimeBudget(milliseconds: 500), features: sim.features)
        let first = sim.run(controller: &a)
        let second = sim.run(controller: &b)
        #expect(first == second)
        #expect(a == b)
        #expect(!first.decisions.isEmpty)
    }
}
