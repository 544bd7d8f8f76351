/// A validated, indexed relocation problem: the topology and the traffic matrix, checked
/// and laid out in flat arrays for the planners.
///
/// Data centres and VMs are numbered in the order of the topology file; planners work on
/// these indices and translate back to IDs in the plan.
public struct RelocationProblem: Sendable {
    public let topology: Topology
    public let dataCentreIDs: [DataCentreID]
    public let vmIDs: [VMID]
    public var dataCentreCount: Int { dataCentreIDs.count }
    public var vmCount: Int { vmIDs.count }

    let capacity: [Double]
    let vmSize: [Double]
    /// Data centre index of each VM at the start.
    let initialPlacement: [Int32]
    /// `linkIndex[from * K + to]`: index into `topology.links`, or -1 when there is no link.
    let linkIndex: [Int32]
    /// Adjacency in compressed rows: the entries of VM `v` are `adjacencyStart[v]..<adjacencyStart[v+1]`.
    /// Each entry is one flow seen from `v`: the other VM, the rate `v` sends it (`outRate`)
    /// and the rate it sends `v` (`inRate`); one of the two is zero.
    let adjacencyStart: [Int32]
    let neighbour: [Int32]
    let outRate: [Double]
    let inRate: [Double]
    /// The flows, as indices, for planners that recompute the loads from scratch.
    let flowSource: [Int32]
    let flowDestination: [Int32]
    let flowRate: [Double]
    /// Sum of all traffic, intra-DC included (bytes/s).
    public let totalTraffic: Double
    /// Sum of all VM sizes.
    public let totalSize: Double

    /// Validates `topology` and `traffic`; throws a ``RelocationError`` naming the first problem found.
    public init(topology: Topology, traffic: TrafficMatrix) throws(RelocationError) {
        self.topology = topology
        var dcIndex: [DataCentreID: Int] = [:]
        dcIndex.reserveCapacity(topology.dataCentres.count)
        var capacity: [Double] = []
        for dc in topology.dataCentres {
            guard dcIndex[dc.id] == nil else { throw .duplicateDataCentre(dc.id) }
            guard dc.capacity.isFinite, dc.capacity >= 0 else { throw .invalidCapacity(dc.id, capacity: dc.capacity) }
            dcIndex[dc.id] = capacity.count
            capacity.append(dc.capacity)
        }
        let k = capacity.count
        var linkIndex = [Int32](repeating: -1, count: k * k)
        for (i, link) in topology.links.enumerated() {
            guard let f = dcIndex[link.from] else {
                throw .unknownDataCentre(link.from, referencedBy: "link '\(link.from)' -> '\(link.to)'")
            }
            guard let t = dcIndex[link.to] else {
                throw .unknownDataCentre(link.to, referencedBy: "link '\(link.from)' -> '\(link.to)'")
            }
            guard f != t else { throw .selfLink(link.from) }
            guard link.bandwidth.isFinite, link.bandwidth > 0 else {
                throw .invalidBandwidth(from: link.from, to: link.to, bandwidth: link.bandwidth)
            }
            guard linkIndex[f * k + t] < 0 else { throw .duplicateLink(from: link.from, to: link.to) }
            linkIndex[f * k + t] = Int32(i)
        }
        var vmIndex: [VMID: Int32] = [:]
        vmIndex.reserveCapacity(topology.vms.count)
        var placement: [Int32] = []
        placement.reserveCapacity(topology.vms.count)
        var sizes: [Double] = []
        sizes.reserveCapacity(topology.vms.count)
        var used = [Double](repeating: 0, count: k)
        for vm in topology.vms {
            guard vmIndex[vm.id] == nil else { throw .duplicateVM(vm.id) }
            guard let d = dcIndex[vm.dataCentre] else { throw .unknownDataCentre(vm.dataCentre, referencedBy: "VM '\(vm.id)'") }
            guard vm.size.isFinite, vm.size >= 0 else { throw .invalidSize(vm.id, size: vm.size) }
            vmIndex[vm.id] = Int32(placement.count)
            placement.append(Int32(d))
            sizes.append(vm.size)
            used[d] += vm.size
        }
        for d in 0..<k where used[d] > capacity[d] * (1 + capacityTolerance) {
            throw .capacityExceeded(topology.dataCentres[d].id, used: used[d], capacity: capacity[d])
        }
        let n = placement.count
        let f = traffic.flows.count
        var src = [Int32](repeating: 0, count: f)
        var dst = [Int32](repeating: 0, count: f)
        var rate = [Double](repeating: 0, count: f)
        var degree = [Int32](repeating: 0, count: n + 1)
        var total = 0.0
        for (i, flow) in traffic.flows.enumerated() {
            guard let s = vmIndex[flow.source] else {
                throw .unknownVM(flow.source, referencedBy: "traffic '\(flow.source)' -> '\(flow.destination)'")
            }
            guard let t = vmIndex[flow.destination] else {
                throw .unknownVM(flow.destination, referencedBy: "traffic '\(flow.source)' -> '\(flow.destination)'")
            }
            guard s != t else { throw .selfTraffic(flow.source) }
            guard flow.bytesPerSecond.isFinite, flow.bytesPerSecond >= 0 else {
                throw .invalidTraffic(source: flow.source, destination: flow.destination, bytesPerSecond: flow.bytesPerSecond)
            }
            let a = Int(placement[Int(s)])
            let b = Int(placement[Int(t)])
            if a != b, flow.bytesPerSecond > 0, linkIndex[a * k + b] < 0 {
                throw .missingLink(
                    from: topology.dataCentres[a].id, to: topology.dataCentres[b].id,
                    source: flow.source, destination: flow.destination)
            }
            src[i] = s
            dst[i] = t
            rate[i] = flow.bytesPerSecond
            total += flow.bytesPerSecond
            degree[Int(s) + 1] += 1
            degree[Int(t) + 1] += 1
        }
        for v in 0..<n { degree[v + 1] += degree[v] }
        var fill = degree
        var neighbour = [Int32](repeating: 0, count: 2 * f)
        var outRate = [Double](repeating: 0, count: 2 * f)
        var inRate = [Double](repeating: 0, count: 2 * f)
        for i in 0..<f {
            let s = Int(src[i]), t = Int(dst[i])
            let es = Int(fill[s]); fill[s] += 1
            neighbour[es] = Int32(t); outRate[es] = rate[i]
            let et = Int(fill[t]); fill[t] += 1
            neighbour[et] = Int32(s); inRate[et] = rate[i]
        }
        self.dataCentreIDs = topology.dataCentres.map(\.id)
        self.vmIDs = topology.vms.map(\.id)
        self.capacity = capacity
        self.vmSize = sizes
        self.initialPlacement = placement
        self.linkIndex = linkIndex
        self.adjacencyStart = degree
        self.neighbour = neighbour
        self.outRate = outRate
        self.inRate = inRate
        self.flowSource = src
        self.flowDestination = dst
        self.flowRate = rate
        self.totalTraffic = total
        self.totalSize = sizes.reduce(0, +)
    }

    /// Whether a link `from` -> `to` exists (indices).
    func hasLink(_ from: Int, _ to: Int) -> Bool { linkIndex[from * dataCentreCount + to] >= 0 }

    /// Whether VM `v` may move to data centre `d` given `placement` and `used`: it fits, and
    /// every flow of `v` to or from another data centre has a link.
    func canMove(_ v: Int, to d: Int, placement: [Int32], used: [Double]) -> Bool {
        guard Int(placement[v]) != d, fits(vmSize[v], in: d, used: used[d]) else { return false }
        let k = dataCentreCount
        for e in Int(adjacencyStart[v])..<Int(adjacencyStart[v + 1]) {
            let x = Int(placement[Int(neighbour[e])])
            if x == d { continue }
            if outRate[e] > 0, linkIndex[d * k + x] < 0 { return false }
            if inRate[e] > 0, linkIndex[x * k + d] < 0 { return false }
        }
        return true
    }

    func fits(_ size: Double, in d: Int, used: Double) -> Bool {
        used + size <= capacity[d] * (1 + capacityTolerance)
    }
}

/// Relative slack on capacity checks, so that sizes summed in a different order still fit.
let capacityTolerance = 1e-12
