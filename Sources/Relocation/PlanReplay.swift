extension RelocationProblem {
    /// Replays `plan` from the starting placement, checking every move (the VM is where the
    /// move says, the target has room, the links its traffic needs exist) and recomputing
    /// the full cost from scratch after each move. Returns the recomputed cost trajectory
    /// (initial cost first).
    public func replay(_ plan: RelocationPlan, cost: CostFunction) throws(RelocationError) -> [Double] {
        try replay(plan, cost: cost, everyStep: true)
    }

    /// Like ``replay(_:cost:)`` (every move is checked) but recomputes the cost only at the
    /// end: O(flows) instead of O(moves × flows). Returns the final cost.
    public func finalCost(after plan: RelocationPlan, cost: CostFunction) throws(RelocationError) -> Double {
        try replay(plan, cost: cost, everyStep: false).last!
    }

    private func replay(_ plan: RelocationPlan, cost: CostFunction, everyStep: Bool) throws(RelocationError) -> [Double] {
        var vmIndex: [VMID: Int] = [:]
        for (i, id) in vmIDs.enumerated() { vmIndex[id] = i }
        var dcIndex: [DataCentreID: Int] = [:]
        for (i, id) in dataCentreIDs.enumerated() { dcIndex[id] = i }
        let compiled = CompiledCost(cost, self)
        var state = Placement(self)
        var trajectory = [compiled.evaluate(load: state.load, used: state.used)]
        for (i, move) in plan.moves.enumerated() {
            guard let v = vmIndex[move.vm] else { throw .unknownVM(move.vm, referencedBy: "move #\(i)") }
            guard let from = dcIndex[move.from] else { throw .unknownDataCentre(move.from, referencedBy: "move #\(i)") }
            guard let to = dcIndex[move.to] else { throw .unknownDataCentre(move.to, referencedBy: "move #\(i)") }
            guard Int(state.dc[v]) == from else {
                throw .invalidMove(index: i, vm: move.vm, reason: "it is in '\(dataCentreIDs[Int(state.dc[v])])', not '\(move.from)'")
            }
            guard from != to else { throw .invalidMove(index: i, vm: move.vm, reason: "source and target are the same") }
            guard fits(vmSize[v], in: to, used: state.used[to]) else {
                throw .invalidMove(index: i, vm: move.vm, reason: "'\(move.to)' has no room")
            }
            guard canMove(v, to: to, placement: state.dc, used: state.used) else {
                throw .invalidMove(index: i, vm: move.vm, reason: "a link its traffic needs from/to '\(move.to)' is missing")
            }
            state.dc[v] = Int32(to)
            state.used[from] -= vmSize[v]
            state.used[to] += vmSize[v]
            if everyStep {
                Placement.computeLoad(self, state.dc, into: &state.load)
                trajectory.append(compiled.evaluate(load: state.load, used: state.used))
            }
        }
        if !everyStep {
            Placement.computeLoad(self, state.dc, into: &state.load)
            trajectory.append(compiled.evaluate(load: state.load, used: state.used))
        }
        return trajectory
    }

    /// Resources used in each data centre after `plan`, by data centre ID (no validation).
    public func usage(after plan: RelocationPlan) -> [DataCentreID: Double] {
        var where_: [VMID: DataCentreID] = [:]
        for vm in topology.vms { where_[vm.id] = vm.dataCentre }
        for move in plan.moves { where_[move.vm] = move.to }
        var used: [DataCentreID: Double] = [:]
        for id in dataCentreIDs { used[id] = 0 }
        for (i, vm) in topology.vms.enumerated() { used[where_[vm.id]!, default: 0] += vmSize[i] }
        return used
    }

    /// Capacity of a data centre by ID.
    public func capacity(of id: DataCentreID) -> Double? {
        dataCentreIDs.firstIndex(of: id).map { capacity[$0] }
    }
}
