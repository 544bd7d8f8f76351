/// An ordered list of moves and the cost trajectory they produce.
public struct RelocationPlan: Hashable, Sendable, Codable {
    /// Why the planner stopped.
    public enum StopReason: String, Hashable, Sendable, Codable {
        /// No considered move lowers the cost any more.
        case converged
        /// The iteration budget ran out.
        case iterationBudget
        /// The time budget ran out.
        case timeBudget
    }

    public var planner: String
    public var initialCost: Double
    public var moves: [Move]
    public var stopReason: StopReason

    public init(planner: String, initialCost: Double, moves: [Move], stopReason: StopReason) {
        self.planner = planner
        self.initialCost = initialCost
        self.moves = moves
        self.stopReason = stopReason
    }

    /// The cost before any move, then after each move.
    public var costTrajectory: [Double] { [initialCost] + moves.map(\.costAfter) }
    /// The cost once the whole plan is done.
    public var finalCost: Double { moves.last?.costAfter ?? initialCost }

    enum CodingKeys: String, CodingKey {
        case planner, initialCost, finalCost, stopReason, moves, costTrajectory
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        planner = try c.decode(String.self, forKey: .planner)
        initialCost = try c.decode(Double.self, forKey: .initialCost)
        moves = try c.decode([Move].self, forKey: .moves)
        stopReason = try c.decode(StopReason.self, forKey: .stopReason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(planner, forKey: .planner)
        try c.encode(initialCost, forKey: .initialCost)
        try c.encode(finalCost, forKey: .finalCost)
        try c.encode(stopReason, forKey: .stopReason)
        try c.encode(moves, forKey: .moves)
        try c.encode(costTrajectory, forKey: .costTrajectory)
    }
}
