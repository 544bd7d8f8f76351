/// The analytical pre-copy model (Clark 2005, Akoush 2010, Liu 2011), pass by
/// pass, with QEMU 7.2's switch-over rule.
///
/// With memory M, link rate R, dirty rate D and λ = D/R: pass 1 sends all of
/// memory (zero pages cost a header); pass i+1 re-sends what was dirtied during
/// pass i, S(i+1) = min(W, D·t(i)), so without a working-set cap S(i) = M·λ^i
/// and the total is (M/R)(1 − λ^(n+1))/(1 − λ). QEMU does not wait for a pass
/// to end: it switches over as soon as its *pending* bytes (what is left of the
/// current pass plus what was dirtied since the pass began, uncompressed) are
/// at most R × downtime limit (`ram_save_pending`), so the guest pauses for
/// about the whole limit whenever a pass is large: the downtime is the wire
/// size of those pending bytes / R, plus what the network still holds of the
/// live stream (`inFlightBytes` / R, a full socket buffer when the network is
/// the bottleneck), plus a fixed switch-over cost. The total time is the
/// job's fixed cost plus all bytes / R plus the switch-over cost. When the set
/// stops shrinking (λ·f ≥ 1 with f the wire factor, or the working set exceeds
/// R × limit) pre-copy never converges by itself.
enum PreCopyModel {
    /// Upper bound on modelled passes (guards degenerate inputs such as a zero limit).
    static let maxPasses = 1_000_000

    static func run(
        workload: MigrationWorkload,
        rate: Double,
        downtimeLimitSeconds: Double,
        xbzrleCacheBytes: UInt64?,
        autoConverge: AutoConvergeSettings?,
        calibration: ModelCalibration,
        inFlightBytes: Double
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
        // The pass being sent: its page bytes (uncompressed, as QEMU counts
        // pending pages) and its wire bytes per page byte.
        var passPages = m
        var passFactor = calibration.bulkPassWireFactor(zeroPageShare: workload.effectiveZeroPageShare)
        var wire = 0.0
        var time = calibration.jobOverheadSeconds
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
            let passTime = passPages * passFactor / rate
            // What is dirtied now is sent in the next pass; pass 2 finds XBZRLE's
            // cache cold (pages of the bulk pass are not cached).
            let nextFactor = (xbzrleCacheBytes != nil && passes >= 2) ? warm : 1
            let ratio = effectiveDirty / rate * warm
            if let t = switchPoint(
                pages: passPages, pageRate: rate / passFactor, dirtyRate: effectiveDirty, workingSet: w,
                threshold: threshold, passTime: passTime) {
                // QEMU stops the guest as soon as the pending pages (the pass's
                // remainder plus what was dirtied since it began) fit the
                // threshold: they go in the downtime, behind whatever the
                // network still holds of the live stream.
                let remaining = max(0, passPages - t * rate / passFactor)
                let tail = remaining * passFactor + min(w, effectiveDirty * t) * nextFactor
                let sentLive = wire + (passPages - remaining) * passFactor
                let downtime = (tail + min(inFlightBytes, sentLive)) / rate + calibration.switchoverSeconds
                wire = sentLive + tail
                time += t + tail / rate + calibration.switchoverSeconds
                if let at = throttleMaxAt { notes.append("throttle reached \(autoConverge?.maxPercent ?? 99) % after \(Format.seconds(at))") }
                if throttle > 0 { notes.append("converged at \(throttle) % CPU throttle") }
                return PolicyOutcome(
                    converges: true, totalSeconds: time, downtimeMs: downtime * 1000, bytesSent: wire,
                    livePasses: passes, iterations: passes + 2, usesPostCopy: false,
                    finalDowntimeLimitMs: limitMs, effectiveRatio: ratio, blockingFact: nil, notes: notes)
            }
            // The pass runs to its end; what was dirtied meanwhile is the next pass.
            let passWire = passPages * passFactor
            wire += passWire
            time += passTime
            let set = min(w, effectiveDirty * passTime)
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
            passPages = set
            passFactor = nextFactor
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

    /// The earliest time into a pass of `pages` page bytes, sent at `pageRate`
    /// page bytes per second, at which QEMU's pending bytes (the pass's
    /// remainder plus the distinct bytes dirtied since it began, at most the
    /// working set) are at most `threshold`; nil if not before the pass ends.
    static func switchPoint(
        pages: Double, pageRate: Double, dirtyRate: Double, workingSet: Double, threshold: Double, passTime: Double
    ) -> Double? {
        if pages <= threshold { return 0 }
        guard pageRate > 0 else { return nil }
        // Until the working set is all dirty: pending = pages − (pageRate − dirtyRate)·t.
        let saturation = dirtyRate > 0 ? workingSet / dirtyRate : Double.infinity
        if pageRate > dirtyRate {
            let t = (pages - threshold) / (pageRate - dirtyRate)
            if t <= min(saturation, passTime) * (1 + 1e-12) { return min(t, passTime) }
        }
        // Afterwards: pending = pages + workingSet − pageRate·t.
        if saturation < passTime {
            let t = max(saturation, (pages + workingSet - threshold) / pageRate)
            if t <= passTime * (1 + 1e-12) { return min(t, passTime) }
        }
        return nil
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
