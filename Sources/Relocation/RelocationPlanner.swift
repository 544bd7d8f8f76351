/// Something that turns a problem and a cost function into a plan.
public protocol RelocationPlanner: Sendable {
    var name: String { get }
    func plan(_ problem: RelocationProblem, cost: CostFunction) -> RelocationPlan
}

/// Limits on how long a planner may run.
public struct PlanningBudget: Hashable, Sendable {
    /// Maximum number of moves (iterations that applied a move).
    public var maxMoves: Int
    /// Wall-clock limit, or nil for none.
    public var timeLimit: Duration?

    public init(maxMoves: Int = .max, timeLimit: Duration? = nil) {
        self.maxMoves = maxMoves
        self.timeLimit = timeLimit
    }

    public static let unlimited = PlanningBudget()
}

/// Tolerances shared by the planners so that they agree on ties and on "lowers the cost".
struct Tolerance {
    /// A move must lower the cost by more than this; two candidates closer than this are tied
    /// (the first one found wins).
    let cost: Double
    /// Two link load factors closer than this (relative) are tied (the lower link index wins).
    static let loadFactorRelative = 1e-12

    init(initialCost: Double) {
        cost = 1e-10 * max(abs(initialCost), 1e-300)
    }
}
