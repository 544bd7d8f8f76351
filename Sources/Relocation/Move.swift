/// One step of a plan: move `vm` from one data centre to another; `costAfter` is the cost
/// the planner expects once this move (and all before it) is done.
public struct Move: Hashable, Sendable, Codable {
    public var vm: VMID
    public var from: DataCentreID
    public var to: DataCentreID
    public var costAfter: Double

    public init(vm: VMID, from: DataCentreID, to: DataCentreID, costAfter: Double) {
        self.vm = vm
        self.from = from
        self.to = to
        self.costAfter = costAfter
    }
}
