#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Seeded synthetic scenarios: N VMs over K data centres, with skewed communication groups.
///
/// - Data centres: capacity = total VM size × `capacitySlack` / K, energy price 0.05–0.30.
/// - Links: full mesh in both directions, bandwidth 125–1000 MB/s in steps of 125 MB/s,
///   round-trip latency 5–100 ms, charge 0.01–0.09 per GB.
/// - VMs: size 1–4, placed uniformly at random among data centres with room (so the
///   communication groups start scattered, which is what a relocation planner must fix).
/// - Groups: about N / `meanGroupSize` groups whose sizes follow a Zipf law with exponent
///   `groupSkew` (a few big groups, many small ones). Each VM sends `flowsPerVM` flows; each
///   goes to a random member of its own group with probability 1 − `crossGroupFraction`
///   (heavy: 1 MB/s × Pareto(1.5)), otherwise to a random VM (light: 10 kB/s × Pareto(1.5)).
///   Rates are whole bytes/s.
public struct ScenarioGenerator: Sendable {
    public var vmCount: Int
    public var dataCentreCount: Int
    public var seed: UInt64
    public var meanGroupSize: Int = 20
    public var groupSkew: Double = 1.1
    public var flowsPerVM: Int = 4
    public var crossGroupFraction: Double = 0.1
    public var capacitySlack: Double = 1.25

    public init(vmCount: Int, dataCentreCount: Int, seed: UInt64) {
        self.vmCount = vmCount
        self.dataCentreCount = dataCentreCount
        self.seed = seed
    }

    public func generate() -> (topology: Topology, traffic: TrafficMatrix) {
        var rng = SplitMix64(seed: seed)
        let n = vmCount, k = max(dataCentreCount, 1)
        let dcIDs = (0..<k).map { DataCentreID("dc\($0)") }
        let sizes = (0..<n).map { _ in Double(1 + rng.nextInt(below: 4)) }
        let total = sizes.reduce(0, +)
        let capacity = (total * capacitySlack / Double(k)).rounded(.up)
        let dataCentres = dcIDs.map {
            DataCentre(id: $0, capacity: capacity, energyPrice: 0.05 + 0.25 * rng.nextDouble())
        }
        var links: [Link] = []
        for f in 0..<k {
            for t in 0..<k where f != t {
                links.append(
                    Link(
                        from: dcIDs[f], to: dcIDs[t], bandwidth: 125e6 * Double(1 + rng.nextInt(below: 8)),
                        roundTripLatency: 0.005 + 0.095 * rng.nextDouble(), chargePerGB: 0.01 + 0.08 * rng.nextDouble()))
            }
        }
        var used = [Double](repeating: 0, count: k)
        var vms: [VirtualMachine] = []
        vms.reserveCapacity(n)
        for v in 0..<n {
            var d = rng.nextInt(below: k)
            for _ in 0..<k where used[d] + sizes[v] > capacity { d = (d + 1) % k }
            used[d] += sizes[v]
            vms.append(VirtualMachine(id: VMID("vm\(v)"), dataCentre: dcIDs[d], size: sizes[v]))
        }
        // Zipf group sizes.
        let groupCount = max(1, n / max(meanGroupSize, 1))
        var cumulative: [Double] = []
        cumulative.reserveCapacity(groupCount)
        var acc = 0.0
        for g in 0..<groupCount {
            acc += 1 / pow(Double(g + 1), groupSkew)
            cumulative.append(acc)
        }
        var groups = [[Int]](repeating: [], count: groupCount)
        for v in 0..<n {
            let r = rng.nextDouble() * acc
            var lo = 0, hi = groupCount - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] < r { lo = mid + 1 } else { hi = mid }
            }
            groups[lo].append(v)
        }
        var flows: [TrafficFlow] = []
        flows.reserveCapacity(n * flowsPerVM)
        func pareto(_ rng: inout SplitMix64) -> Double { pow(1 - rng.nextDouble(), -1 / 1.5) }
        for group in groups {
            for v in group {
                for _ in 0..<flowsPerVM {
                    let u: Int
                    let rate: Double
                    if group.count > 1, rng.nextDouble() >= crossGroupFraction {
                        var w = group[rng.nextInt(below: group.count)]
                        if w == v { w = group[(group.firstIndex(of: v)! + 1) % group.count] }
                        u = w
                        rate = (1e6 * pareto(&rng)).rounded()
                    } else {
                        guard n > 1 else { continue }
                        var w = rng.nextInt(below: n)
                        if w == v { w = (w + 1) % n }
                        u = w
                        rate = (1e4 * pareto(&rng)).rounded()
                    }
                    flows.append(TrafficFlow(source: vms[v].id, destination: vms[u].id, bytesPerSecond: rate))
                }
            }
        }
        return (Topology(dataCentres: dataCentres, links: links, vms: vms), TrafficMatrix(flows: flows))
    }
}
