/// What happened when a plan was executed.
public struct ExecutionReport: Sendable {
    /// The moves that completed, in order.
    public var completed: [Move]
    /// The move that failed (index into the plan's moves, the move, the error), if any.
    /// Execution stops at the first failure; later moves are not attempted.
    public var failure: (index: Int, move: Move, error: any Error)?
    /// Moves that were not attempted because of a failure or cancellation.
    public var notAttempted: [Move]

    public var succeeded: Bool { failure == nil && notAttempted.isEmpty }
}
