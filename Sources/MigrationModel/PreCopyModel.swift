/// The analytical pre-copy model (Clark 2005, Akoush 2010, Liu 2011), pass by
/// pass, with QEMU 7.2's switch-over rule.
///
/// With memory M, link rate R, dirty rate D and λ = D/R: pass 1 sends all of
/// memory (zero pages cost a header); pass i+1 re-sends what was dirtied during
/// pass i, S(i+1) = min(W, D·t(i)), so without a working-set cap S(i) = M·λ^i
/// and the total is (M/R)(1 − λ^(n+1))/(1 − λ). QEMU switches over as soon as
/// the dirty set, in uncompressed bytes, is at most R × downtime limit; the
/// downtime is then the wire size of that set / R plus a fixed switch-over
/// cost. When the set stops shrinking (λ·f ≥ 1 with f the wire factor, or the
/// working set exceeds R × limit) pre-copy never converges by itself.
enum PreCopyModel {
    /// Upper bound on modelled passes (guards degenerate inputs such as a zero limit).
    static let maxPasses = 1_000_000

    static func run(
        workload: MigrationWorkload,
        rate: Double,
        downtimeLimitSeconds: Double,
        xbzrleCacheBytes: UInt64?,
        autoConverge: AutoConvergeSettings?,
        calibration: ModelCalibration
    ) -> PolicyOutcome {
        let limitMs = downtimeLimitSeconds * 1000
        let m = workload.memory
        let w = workload.effectiveWorkingSet
        let d = max(0, workload.dirtyRateBytesPerSecond)
        guard rate > 0, m > 0 else {
            return PolicyOutcome(
                converges: m == 0 && rate > 0, totalSeconds: m == 0 ? 0 : nil, downtimeMs: m == 0 ? 0 : nil,
                bytesSent: m == 0 ? 0 : nil, livePasses: 0, iterations: 0, usesPostCopy: false,
                finalDowntimeLimitMs: limitMs, effectiveRatio: .infinity,
                blockingFact: rate > 0 ? nil : "the link has no bandwidth", notes: [])
        }
        let threshold = rate * downtimeLimitSeconds
        let warm = xbzrleCacheBytes.map { calibration.xbzrleWireFactor(cacheBytes: $0, workingSet: w) } ?? 1
        var wire = m * calibration.bulkPassWireFactor(zeroPageShare: workload.effectiveZeroPageShare)
        var passTime = wire / rate
        var time = calibration.jobOverheadSeconds + passTime
        var passWire = wire
        var passes = 1
        var previousSet = m
        var throttle = 0
        var highCount = 0
        var throttleMaxAt: Double?
        var stagnant = 0
        var notes: [String] = []

        while true {
            let dirtyFactor = autoConverge?.dirtyRateFactor(throttlePercent: throttle) ?? 1
            let effectiveDirty = d * dirtyFactor
            let set = min(w, effectiveDirty * passTime)
            // Pass 2 finds XBZRLE's cache cold (pages of the bulk pass are not cached).
            let factor = (xbzrleCacheBytes != nil && passes >= 2) ? warm : 1
            let ratio = effectiveDirty / rate * warm
            if set <= threshold {
                let downtime = set * factor / rate + calibration.switchoverSeconds
                wire += set * factor
                time += downtime
                if let at = throttleMaxAt { notes.append("throttle reached \(autoConverge?.maxPercent ?? 99) % after \(Format.seconds(at))") }
                if throttle > 0 { notes.append("converged at \(throttle) % CPU throttle") }
                return PolicyOutcome(
                    converges: true, totalSeconds: time, downtimeMs: downtime * 1000, bytesSent: wire,
                    livePasses: passes, iterations: passes + 2, usesPostCopy: false,
                    finalDowntimeLimitMs: limitMs, effectiveRatio: ratio, blockingFact: nil, notes: notes)
            }
            // Auto-converge (QEMU 7.2 migration_trigger_throttle): at a sync at
            // least 1 s after the previous one, if the dirtied bytes exceed half
            // of the bytes sent, count; every second such sync raises the throttle.
            if let ac = autoConverge, passTime >= 1.0, set > passWire / 2 {
                highCount += 1
                if highCount >= 2 {
                    highCount = 0
                    throttle = ac.next(after: throttle)
                    if throttle >= ac.maxPercent, throttleMaxAt == nil { throttleMaxAt = time }
                }
            }
            passWire = set * factor
            passTime = passWire / rate
            time += passTime
            wire += passWire
            passes += 1

            let leverLeft = autoConverge.map { throttle < $0.maxPercent } ?? false
            if passes >= 3, set >= previousSet * (1 - 1e-9), !leverLeft {
                stagnant += 1
            } else {
                stagnant = 0
            }
            previousSet = set
            if stagnant >= 2 || time > calibration.horizonSeconds || passes > maxPasses {
                let lambda = d / rate
                var fact: String
                if set >= w * (1 - 1e-9) {
                    fact = "the guest dirties \(Format.rate(effectiveDirty)) against a link of \(Format.rate(rate)) "
                        + "(λ = \(Format.ratio(lambda))"
                    if xbzrleCacheBytes != nil { fact += ", \(Format.ratio(ratio)) after XBZRLE" }
                    fact += "), so every pass re-dirties its whole \(Format.mib(w)) working set, which needs "
                        + "\(Format.ms(w * warm / rate * 1000)) to send, more than the \(Format.ms(limitMs)) limit"
                } else if stagnant >= 2 {
                    fact = "each pass re-dirties \(Format.mib(set)) (λ = \(Format.ratio(lambda))"
                    if xbzrleCacheBytes != nil { fact += ", \(Format.ratio(ratio)) after XBZRLE" }
                    fact += "), which needs \(Format.ms(set / rate * 1000)) to send, more than the \(Format.ms(limitMs)) limit"
                } else {
                    fact = "the dirty set shrinks too slowly (\(Format.ratio(ratio)) per pass) to reach the "
                        + "\(Format.ms(limitMs)) limit within \(Format.seconds(calibration.horizonSeconds))"
                }
                if let ac = autoConverge {
                    let at = throttleMaxAt.map { " after \(Format.seconds($0))" } ?? ""
                    fact += "; auto-converge reaches \(ac.maxPercent) % throttle\(at) but slows this dirtier only to "
                        + "\(Format.rate(d * ac.dirtyRateFactor(throttlePercent: ac.maxPercent)))"
                }
                return PolicyOutcome(
                    converges: false, totalSeconds: nil, downtimeMs: nil, bytesSent: nil,
                    livePasses: passes, iterations: passes + 1, usesPostCopy: false,
                    finalDowntimeLimitMs: limitMs, effectiveRatio: ratio, blockingFact: fact, notes: notes)
            }
        }
    }

    /// One bulk pass, then post-copy: the guest resumes on the destination and
    /// the pages dirtied during the bulk pass are pulled at the link rate.
    static func postCopy(
        workload: MigrationWorkload, rate: Double, calibration: ModelCalibration
    ) -> PolicyOutcome {
        guard rate > 0 else {
            return PolicyOutcome(
                converges: false, totalSeconds: nil, downtimeMs: nil, bytesSent: nil, livePasses: 0,
                iterations: 0, usesPostCopy: true, finalDowntimeLimitMs: 300, effectiveRatio: .infinity,
                blockingFact: "the link has no bandwidth", notes: [])
        }
        let m = workload.memory
        let bulk = m * calibration.bulkPassWireFactor(zeroPageShare: workload.effectiveZeroPageShare)
        let bulkTime = bulk / rate
        let dirty = min(workload.effectiveWorkingSet, max(0, workload.dirtyRateBytesPerSecond) * bulkTime)
        let total = calibration.jobOverheadSeconds + bulkTime + calibration.postCopySwitchoverSeconds + dirty / rate
        return PolicyOutcome(
            converges: true, totalSeconds: total, downtimeMs: calibration.postCopySwitchoverSeconds * 1000,
            bytesSent: bulk + dirty, livePasses: 1, iterations: 2, usesPostCopy: true,
            finalDowntimeLimitMs: 300, effectiveRatio: workload.dirtyRateBytesPerSecond / rate, blockingFact: nil,
            notes: ["after the bulk pass (\(Format.seconds(bulkTime))) the guest runs on the destination while "
                + "\(Format.mib(dirty)) of dirty pages are pulled in \(Format.seconds(dirty / rate))"])
    }
}
