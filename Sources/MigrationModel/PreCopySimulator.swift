/// A deterministic discrete-time simulation of QEMU 7.2's pre-copy, emitting
/// `JobSample`s at a poll interval and applying a controller's `SteeringAction`s.
///
/// Fluid model (bytes, not individual pages), advanced in fixed steps:
/// - the guest dirties `D × (1 − effect × throttle)` bytes/s of distinct pages,
///   at most its working set since the last bitmap sync;
/// - the link sends at the cap; pass 1 costs the bulk wire factor (zero pages
///   are headers), pass 2 full pages (XBZRLE's cache is cold), later passes the
///   XBZRLE wire factor when compression is on;
/// - as `ram_save_pending` does, when the pass's remaining bytes fall below
///   bandwidth × downtime limit, the bitmap is synced (new pass; what was
///   dirtied joins the remaining bytes); if the remaining bytes are still below
///   the threshold, the guest stops and they are sent: downtime = their wire
///   size / bandwidth + the fixed switch-over cost;
/// - auto-converge follows `migration_trigger_throttle`; post-copy pulls the
///   remaining dirty bytes at the link rate after a short pause.
public struct PreCopySimulator: Sendable {
    public var workload: MigrationWorkload
    /// Link rate before any `setMaxBandwidth`, bytes per second.
    public var linkBytesPerSecond: Double
    public var features: MigrationFeatures
    /// QEMU's limit until a controller changes it (300 ms by default).
    public var initialDowntimeLimitMs: Double
    /// How often the controller sees a sample (Nova polls every 0.5 s).
    public var pollIntervalSeconds: Double
    /// Simulation step, seconds.
    public var stepSeconds: Double
    /// How often QEMU's migration thread checks the pending bytes against the
    /// threshold (`ram_save_iterate` returns at the latest after 50 ms,
    /// `MAX_WAIT`). Pages dirtied between two checks can't be avoided, so this
    /// interval × dirty rate must fit under bandwidth × limit for convergence.
    public var pendingCheckIntervalSeconds: Double
    /// Give up after this long.
    public var horizonSeconds: Double
    public var calibration: ModelCalibration

    public init(
        workload: MigrationWorkload,
        linkBytesPerSecond: Double,
        features: MigrationFeatures = .none,
        initialDowntimeLimitMs: Double = 300,
        pollIntervalSeconds: Double = 0.5,
        stepSeconds: Double = 0.01,
        pendingCheckIntervalSeconds: Double = 0.05,
        horizonSeconds: Double = 600,
        calibration: ModelCalibration = .lab
    ) {
        self.workload = workload
        self.linkBytesPerSecond = linkBytesPerSecond
        self.features = features
        self.initialDowntimeLimitMs = initialDowntimeLimitMs
        self.pollIntervalSeconds = pollIntervalSeconds
        self.stepSeconds = stepSeconds
        self.pendingCheckIntervalSeconds = pendingCheckIntervalSeconds
        self.horizonSeconds = horizonSeconds
        self.calibration = calibration
    }

    /// Runs the migration without steering.
    public func run() -> SimulationResult {
        var none = NoSteering()
        return run(controller: &none)
    }

    /// Runs the migration, showing every sample to `controller` and applying its decisions.
    public func run<C: MigrationController>(controller: inout C) -> SimulationResult {
        var state = SimulationState(simulator: self)
        return state.run(controller: &controller)
    }
}

/// A controller that never steers (QEMU / virsh defaults).
public struct NoSteering: MigrationController {
    public init() {}
    public mutating func observe(_ sample: JobSample) -> [SteeringDecision] { [] }
}

/// The mutable state of one simulated job.
private struct SimulationState {
    let sim: PreCopySimulator
    let memory: Double
    let workingSet: Double
    let warmFactor: Double
    let bulkFactor: Double

    var time = 0.0
    var rate: Double
    var limitSeconds: Double
    var pass = 1
    var remaining: Double          // bytes (uncompressed) of the current pass still to send
    var dirtySinceSync = 0.0       // distinct bytes dirtied since the last sync
    var lastSyncTime = 0.0
    var wireSinceSync = 0.0
    var measuredDirtyRate: Double?
    var throttle = 0
    var highCount = 0
    var lastThrottleCheck = 0.0
    var wire = 0.0
    var wireSincePoll = 0.0
    var postCopy = false
    var samples: [JobSample] = []
    var decisions: [SteeringDecision] = []
    var rejected: [String] = []

    init(simulator: PreCopySimulator) {
        sim = simulator
        memory = simulator.workload.memory
        workingSet = simulator.workload.effectiveWorkingSet
        warmFactor = simulator.features.xbzrleCacheBytes.map {
            simulator.calibration.xbzrleWireFactor(cacheBytes: $0, workingSet: simulator.workload.effectiveWorkingSet)
        } ?? 1
        bulkFactor = simulator.calibration.bulkPassWireFactor(zeroPageShare: simulator.workload.effectiveZeroPageShare)
        rate = simulator.linkBytesPerSecond
        limitSeconds = simulator.initialDowntimeLimitMs / 1000
        remaining = simulator.workload.memory
    }

    var wireFactor: Double {
        if postCopy { return 1 }
        if pass == 1 { return bulkFactor }
        return pass >= 3 ? warmFactor : 1
    }

    func sample() -> JobSample {
        JobSample(
            elapsedSeconds: time,
            iteration: pass,
            memoryTotalBytes: UInt64(memory),
            memoryProcessedBytes: UInt64(wire),
            memoryRemainingBytes: UInt64(remaining.rounded()),
            dirtyRateBytesPerSecond: postCopy ? nil : measuredDirtyRate,
            bandwidthBytesPerSecond: time > 0 ? wireSincePoll / sim.pollIntervalSeconds : nil,
            expectedDowntimeMs: rate > 0 ? remaining / rate * 1000 : nil,
            throttlePercent: sim.features.autoConverge == nil ? nil : throttle)
    }

    func result(_ outcome: SimulationResult.Outcome, downtime: Double?, switchRemaining: Double?) -> SimulationResult {
        SimulationResult(
            outcome: outcome, totalSeconds: time, downtimeMs: downtime.map { $0 * 1000 }, bytesSent: wire,
            livePasses: outcome == .completed && !postCopy ? pass - 1 : pass,
            iterations: outcome == .completed && !postCopy ? pass + 1 : pass,
            usedPostCopy: postCopy, finalDowntimeLimitMs: limitSeconds * 1000,
            switchoverRemainingBytes: switchRemaining, switchoverBandwidth: switchRemaining == nil ? nil : rate,
            samples: samples, decisions: decisions, rejected: rejected)
    }

    /// Applies one decision; returns an abort reason when the job is aborted.
    mutating func apply(_ decision: SteeringDecision) -> String? {
        switch decision.action {
        case .setMaxDowntime(let ms):
            limitSeconds = Double(ms) / 1000
        case .setMaxBandwidth(let mib):
            rate = min(sim.linkBytesPerSecond, Double(mib) * 1_048_576)
        case .startPostCopy:
            if !sim.features.postCopyAllowed {
                rejected.append("post-copy requested at \(Format.seconds(time)) but the job was not started with post-copy allowed")
            } else if !postCopy {
                postCopy = true
                remaining = merged(remaining, dirtySinceSync)
                dirtySinceSync = 0
                time += sim.calibration.postCopySwitchoverSeconds
            }
        case .abort:
            return decision.reason
        }
        return nil
    }

    /// The union of the pages still to send and those dirtied since the last
    /// sync, taking the dirtied pages as spread evenly over the working set
    /// (over all memory while the bulk pass is running). Used when switching
    /// to post-copy, where the pending set can be most of the working set.
    func merged(_ pending: Double, _ dirtied: Double) -> Double {
        let universe = pass == 1 ? memory : max(workingSet, pending)
        let overlap = universe > 0 ? min(1, pending / universe) : 1
        return min(memory, pending + dirtied * (1 - overlap))
    }

    /// Bitmap sync: a new pass starts with what was dirtied since the last one.
    mutating func sync() {
        let period = time - lastSyncTime
        if period > 0 { measuredDirtyRate = dirtySinceSync / period }
        if let ac = sim.features.autoConverge, time - lastThrottleCheck >= 1.0 {
            if dirtySinceSync > wireSinceSync / 2 {
                highCount += 1
                if highCount >= 2 {
                    highCount = 0
                    throttle = ac.next(after: throttle)
                }
            }
            lastThrottleCheck = time
        }
        // The leftover is below the threshold, small next to the working set:
        // its overlap with the newly dirtied pages is neglected here.
        remaining = min(memory, remaining + dirtySinceSync)
        dirtySinceSync = 0
        wireSinceSync = 0
        lastSyncTime = time
        pass += 1
    }

    mutating func poll<C: MigrationController>(_ controller: inout C) -> String? {
        let s = sample()
        samples.append(s)
        wireSincePoll = 0
        let new = controller.observe(s)
        for d in new {
            decisions.append(d)
            if let reason = apply(d) { return reason }
        }
        return nil
    }

    mutating func run<C: MigrationController>(controller: inout C) -> SimulationResult {
        let dt = sim.stepSeconds
        let dirtyRate = max(0, sim.workload.dirtyRateBytesPerSecond)
        var nextPoll = 0.0
        var nextCheck = 0.0
        while true {
            if time >= nextPoll - 1e-9 {
                if let reason = poll(&controller) {
                    return result(.aborted(reason: reason), downtime: nil, switchRemaining: nil)
                }
                nextPoll += sim.pollIntervalSeconds
            }
            if time >= sim.horizonSeconds {
                return result(.timedOut, downtime: nil, switchRemaining: nil)
            }
            // Send, then dirty, for one step.
            let factor = wireFactor
            let sent = min(remaining, rate * dt / factor)
            remaining -= sent
            wire += sent * factor
            wireSincePoll += sent * factor
            wireSinceSync += sent * factor
            time += dt
            if postCopy {
                if remaining <= 0 {
                    let finished = result(.completed, downtime: sim.calibration.postCopySwitchoverSeconds, switchRemaining: nil)
                    return finishing(finished, &controller)
                }
                continue
            }
            let dirtyFactor = sim.features.autoConverge?.dirtyRateFactor(throttlePercent: throttle) ?? 1
            dirtySinceSync = min(workingSet, dirtySinceSync + dirtyRate * dirtyFactor * dt)
            // QEMU's ram_save_pending: sync when below the threshold, complete if still below.
            let threshold = rate * limitSeconds
            let checkDue = time >= nextCheck - 1e-9 || remaining <= 0
            if checkDue { nextCheck = time + sim.pendingCheckIntervalSeconds }
            if checkDue, remaining < threshold || remaining <= 0 {
                sync()
                if remaining <= threshold {
                    let finalFactor = wireFactor
                    let downtime = (rate > 0 ? remaining * finalFactor / rate : 0) + sim.calibration.switchoverSeconds
                    let switchRemaining = remaining
                    wire += remaining * finalFactor
                    wireSincePoll += remaining * finalFactor
                    time += downtime
                    remaining = 0
                    let finished = result(.completed, downtime: downtime, switchRemaining: switchRemaining)
                    return finishing(finished, &controller)
                }
            }
        }
    }

    /// Shows the controller the final sample (decisions after completion are recorded but have no effect).
    mutating func finishing<C: MigrationController>(_ r: SimulationResult, _ controller: inout C) -> SimulationResult {
        var s = sample()
        s.memoryRemainingBytes = 0
        s.expectedDowntimeMs = 0
        s.bandwidthBytesPerSecond = nil
        samples.append(s)
        _ = controller.observe(s)
        var out = r
        out.samples = samples
        out.decisions = decisions
        return out
    }
}
