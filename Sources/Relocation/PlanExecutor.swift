import Logging

/// Executes a plan's moves, in order, as migrations between libvirt URIs.
public struct PlanExecutor<Executor: MoveExecutor>: Sendable {
    /// libvirt URI of each data centre (e.g. `qemu+tls://dc1-host/system`).
    public var uris: [DataCentreID: String]
    public var executor: Executor
    public var logger: Logger?

    public init(uris: [DataCentreID: String], executor: Executor, logger: Logger? = nil) {
        self.uris = uris
        self.executor = executor
        self.logger = logger
    }

    /// Throws ``RelocationError/missingURI(_:)`` naming the first data centre of the plan
    /// (in move order) that has no URI.
    public func validate(_ plan: RelocationPlan) throws(RelocationError) {
        for move in plan.moves {
            for dc in [move.from, move.to] where uris[dc] == nil { throw .missingURI(dc) }
        }
    }

    /// Validates the URI mapping, then migrates each VM in plan order. Stops at the first
    /// failed migration (or on task cancellation) and reports what was done.
    public func execute(_ plan: RelocationPlan) async throws(RelocationError) -> ExecutionReport {
        try validate(plan)
        var report = ExecutionReport(completed: [], failure: nil, notAttempted: [])
        for (i, move) in plan.moves.enumerated() {
            if Task.isCancelled {
                report.notAttempted = Array(plan.moves[i...])
                break
            }
            let from = uris[move.from]!, to = uris[move.to]!
            logger?.info("migrating", metadata: ["vm": "\(move.vm)", "from": "\(from)", "to": "\(to)", "move": "\(i)"])
            do {
                try await executor.migrate(vm: move.vm, from: from, to: to)
                report.completed.append(move)
            } catch {
                logger?.error("migration failed", metadata: ["vm": "\(move.vm)", "error": "\(error)"])
                report.failure = (i, move, error)
                report.notAttempted = Array(plan.moves[(i + 1)...])
                break
            }
        }
        return report
    }
}
