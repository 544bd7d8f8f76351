/// Constants of the model that are not physics but fitted or assumed.
/// `Documentation/MigrationModel.md` gives the source of each value.
public struct ModelCalibration: Sendable, Equatable, Hashable, Codable {
    /// Fixed cost of the switch-over (device state, destination start), seconds,
    /// added to the memory part of the downtime. The lab's XBZRLE run paused the
    /// guest 14 ms in total, so the fixed part is at most that: 10 ms.
    public var switchoverSeconds: Double
    /// Wire bytes per byte of a re-dirtied page that is in the XBZRLE cache,
    /// averaged over a pass (delta encoding plus the misses caused by QEMU's
    /// two-generation cache lifetime). Fitted to the lab run: 128 MiB guest,
    /// 64 MiB working set dirtied at ~40 MB/s, 10 MiB/s cap, 64 MiB cache,
    /// measured 60.8 s.
    public var xbzrleCachedPageWireFactor: Double
    /// Wire bytes per byte of an all-zero page (a page header, ~8 of 4096 bytes).
    public var zeroPageWireFactor: Double
    /// Guest pause when switching to post-copy, seconds (device state only;
    /// pages then move on demand). Assumed, not measured in the lab yet.
    public var postCopySwitchoverSeconds: Double
    /// Fixed cost of a whole job that does not depend on memory or rates (job
    /// start, connection and stream setup, destination resume, finish
    /// handshakes), seconds, added to every predicted total time. Measured on
    /// the lab: uncapped 128 MiB jobs took 0.20 s (median; 0.08–0.37 s) longer
    /// than memory / link + downtime, independent of the rate
    /// (`Benchmarks/migration-policies.sh`, 2026-11-21). The analytical model
    /// only; the simulator keeps its own clock.
    public var jobOverheadSeconds: Double
    /// Bytes of the live stream still inside the network (socket buffers,
    /// queues) when the guest pauses, when the network is the bottleneck (a
    /// measured link): they have to drain before the last pages arrive, so
    /// they add to the downtime, not to the total. Under a bandwidth cap QEMU
    /// itself is the bottleneck and the network holds next to nothing.
    /// Lab: an idle guest over a 32 MiB/s shaped link paused 122–129 ms with
    /// a 50 ms limit, i.e. ~2 MiB more than the limit's worth of pages.
    public var networkInFlightBytes: Double
    /// Horizon after which the model gives up, seconds.
    public var horizonSeconds: Double

    public init(
        switchoverSeconds: Double = 0.010,
        xbzrleCachedPageWireFactor: Double = 0.252,
        zeroPageWireFactor: Double = 0.002,
        postCopySwitchoverSeconds: Double = 0.050,
        jobOverheadSeconds: Double = 0,
        networkInFlightBytes: Double = 0,
        horizonSeconds: Double = 86_400
    ) {
        self.jobOverheadSeconds = jobOverheadSeconds
        self.networkInFlightBytes = networkInFlightBytes
        self.switchoverSeconds = switchoverSeconds
        self.xbzrleCachedPageWireFactor = xbzrleCachedPageWireFactor
        self.zeroPageWireFactor = zeroPageWireFactor
        self.postCopySwitchoverSeconds = postCopySwitchoverSeconds
        self.horizonSeconds = horizonSeconds
    }

    /// The constants fitted on the two-host lab (QEMU 7.2, TCG, loopback).
    public static let lab = ModelCalibration(jobOverheadSeconds: 0.20, networkInFlightBytes: 2 * 1_048_576)

    /// What the network holds when the guest pauses, over `link`.
    func inFlightBytes(over link: LinkEstimate) -> Double {
        link.source == .measured ? networkInFlightBytes : 0
    }

    /// Wire bytes per byte of the first, bulk pass: zero pages cost a header only.
    func bulkPassWireFactor(zeroPageShare z: Double) -> Double {
        (1 - z) + z * zeroPageWireFactor
    }

    /// Wire bytes per re-dirtied byte once XBZRLE's cache is warm: cached pages
    /// cost `xbzrleCachedPageWireFactor`, pages that don't fit the cache a full page.
    func xbzrleWireFactor(cacheBytes: UInt64, workingSet: Double) -> Double {
        let hit = workingSet <= 0 ? 1 : min(1, Double(cacheBytes) / workingSet)
        return hit * xbzrleCachedPageWireFactor + (1 - hit)
    }
}
