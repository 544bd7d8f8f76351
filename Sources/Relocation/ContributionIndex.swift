/// For phase 1 of ``LocalSearchPlanner``: finds the reference's VM0/VM1 of a link without
/// scanning every VM of the data centre.
///
/// One lazy max-heap per ordered data-centre pair (a, b) for senders (VMs in a, by traffic
/// they send to b) and one for receivers (VMs in b, by traffic they receive from a).
/// Whenever a contribution may have changed, the new value is pushed; stale entries (VM
/// no longer there, or value no longer current) are dropped when they reach the top. Values
/// are recomputed with ``GreedySelection/contribution(_:_:_:other:outgoing:)``, the same
/// arithmetic as the reference, and ties go to the lower VM index, as in the reference.
struct ContributionIndex {
    struct Entry {
        var value: Double
        var vm: Int32
        @inline(__always) func precedes(_ other: Entry) -> Bool {
            value > other.value || (value == other.value && vm < other.vm)
        }
    }

    let k: Int
    private var senders: [[Entry]]
    private var receivers: [[Entry]]

    init(_ problem: RelocationProblem, _ dc: [Int32]) {
        k = problem.dataCentreCount
        senders = Array(repeating: [], count: k * k)
        receivers = Array(repeating: [], count: k * k)
        for v in 0..<problem.vmCount { refreshAll(problem, dc, v, push: false) }
        for i in 0..<(k * k) {
            Self.heapify(&senders[i])
            Self.heapify(&receivers[i])
        }
    }

    /// Pushes the current contributions of `v` towards every data centre it talks to.
    mutating func refreshAll(_ problem: RelocationProblem, _ dc: [Int32], _ v: Int, push: Bool = true) {
        let home = Int(dc[v])
        var done: [Int] = []
        for e in Int(problem.adjacencyStart[v])..<Int(problem.adjacencyStart[v + 1]) {
            let x = Int(dc[Int(problem.neighbour[e])])
            if x == home || done.contains(x) { continue }
            done.append(x)
            refresh(problem, dc, v, other: x, push: push)
        }
    }

    /// Pushes the current contributions of `v` to and from data centre `other`.
    mutating func refresh(_ problem: RelocationProblem, _ dc: [Int32], _ v: Int, other x: Int, push: Bool = true) {
        let home = Int(dc[v])
        guard x != home else { return }
        let out = GreedySelection.contribution(problem, dc, v, other: x, outgoing: true)
        if out > 0 {
            let entry = Entry(value: out, vm: Int32(v))
            if push { Self.push(&senders[home * k + x], entry) } else { senders[home * k + x].append(entry) }
        }
        let inbound = GreedySelection.contribution(problem, dc, v, other: x, outgoing: false)
        if inbound > 0 {
            let entry = Entry(value: inbound, vm: Int32(v))
            if push { Self.push(&receivers[x * k + home], entry) } else { receivers[x * k + home].append(entry) }
        }
    }

    /// After `v` moved from `a` to `b` (and `dc` says so): refresh `v` and its neighbours.
    mutating func moved(_ problem: RelocationProblem, _ dc: [Int32], _ v: Int, from a: Int, to b: Int) {
        refreshAll(problem, dc, v)
        for e in Int(problem.adjacencyStart[v])..<Int(problem.adjacencyStart[v + 1]) {
            let u = Int(problem.neighbour[e])
            refresh(problem, dc, u, other: a)
            refresh(problem, dc, u, other: b)
        }
    }

    /// VM0: the VM in `a` sending most to `b` (lowest index on ties), or nil.
    mutating func topSender(_ problem: RelocationProblem, _ dc: [Int32], from a: Int, to b: Int) -> Int? {
        Self.top(&senders[a * k + b]) { v, value in
            Int(dc[v]) == a && GreedySelection.contribution(problem, dc, v, other: b, outgoing: true) == value
        }
    }

    /// VM1: the VM in `b` receiving most from `a` (lowest index on ties), or nil.
    mutating func topReceiver(_ problem: RelocationProblem, _ dc: [Int32], from a: Int, to b: Int) -> Int? {
        Self.top(&receivers[a * k + b]) { v, value in
            Int(dc[v]) == b && GreedySelection.contribution(problem, dc, v, other: a, outgoing: false) == value
        }
    }

    private static func top(_ heap: inout [Entry], isCurrent: (Int, Double) -> Bool) -> Int? {
        while let first = heap.first {
            if isCurrent(Int(first.vm), first.value) { return Int(first.vm) }
            pop(&heap)
        }
        return nil
    }

    private static func heapify(_ h: inout [Entry]) {
        guard h.count > 1 else { return }
        for i in stride(from: h.count / 2 - 1, through: 0, by: -1) { siftDown(&h, i) }
    }

    private static func push(_ h: inout [Entry], _ entry: Entry) {
        h.append(entry)
        var i = h.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard h[i].precedes(h[parent]) else { break }
            h.swapAt(i, parent)
            i = parent
        }
    }

    private static func pop(_ h: inout [Entry]) {
        let last = h.removeLast()
        guard !h.isEmpty else { return }
        h[0] = last
        siftDown(&h, 0)
    }

    private static func siftDown(_ h: inout [Entry], _ start: Int) {
        var i = start
        let n = h.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < n, h[l].precedes(h[best]) { best = l }
            if r < n, h[r].precedes(h[best]) { best = r }
            if best == i { return }
            h.swapAt(i, best)
            i = best
        }
    }
}
