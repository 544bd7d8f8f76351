import ArgumentParser
import Foundation
import Logging
import Relocation
import RelocationExecution

/// `livcloud plan`: traffic-driven relocation plan across data centres.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan VM relocations across data centres from measured traffic.",
        discussion: """
            TOPOLOGY is JSON: {"dataCentres": [{"id", "capacity", "energyPrice"?}], \
            "links": [{"from", "to", "bandwidth" (bytes/s), "roundTripLatency"? (s), "chargePerGB"?}], \
            "vms": [{"id", "dataCentre", "size"}]}.
            TRAFFIC is JSON {"flows": [{"source", "destination", "bytesPerSecond"}]} or, when the \
            file name ends in .csv, lines "source,destination,bytesPerSecond" (header optional).
            See Documentation/Relocation.md.
            """)

    enum Planner: String, ExpressibleByArgument, CaseIterable {
        case reference, localSearch = "local-search", both
    }

    @Option(help: "Topology JSON file.") var topology: String
    @Option(help: "Traffic matrix, JSON or CSV (by extension).") var traffic: String
    @Option(help: "reference, local-search or both.") var planner: Planner = .localSearch
    @Option(
        name: .customLong("weight"),
        help: "Cost term weight NAME=W (load-factor, latency, data-charge, dc-utilisation, energy); repeatable. load-factor defaults to 1.")
    var weights: [String] = []
    @Option(help: "Stop after this many moves.") var maxMoves: Int?
    @Option(help: "Stop after this many seconds.") var timeLimit: Double?
    @Flag(help: "Print the plan(s) as JSON.") var json = false
    @Flag(help: "Carry out the (last) plan as live migrations; needs --dc-uri for every data centre a move touches.")
    var execute = false
    @Option(name: .customLong("dc-uri"), help: "DC=URI: the libvirt URI of a data centre's host (repeatable).")
    var dcURIs: [String] = []
    @Option(name: .customLong("migrate-uri"), help: "URI=DATA_URI: migration data URI for a destination libvirt URI (repeatable).")
    var migrateURIs: [String] = []

    func validate() throws {
        if execute && planner == .both { throw ValidationError("--execute needs one planner, not 'both'.") }
        for pair in dcURIs + migrateURIs where !pair.contains("=") {
            throw ValidationError("'\(pair)' is not of the form KEY=VALUE.")
        }
    }

    static func pairs(_ list: [String]) -> [String: String] {
        Dictionary(list.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }, uniquingKeysWith: { _, last in last })
    }

    /// Executes `plan` through the migration layer and prints what was done.
    func executePlan(_ plan: RelocationPlan) async throws {
        let uris = Dictionary(uniqueKeysWithValues: Self.pairs(dcURIs).map { (DataCentreID($0.key), $0.value) })
        let dataURIs = Self.pairs(migrateURIs)
        let logger = Logger(label: "livcloud.plan")
        let executor = LiveMigrationMoveExecutor(logger: logger, migrateURI: { dataURIs[$0] })
        let report = try await PlanExecutor(uris: uris, executor: executor, logger: logger).execute(plan)
        for move in report.completed { print("moved \(move.vm): \(move.from) -> \(move.to)") }
        if let failure = report.failure {
            print("failed at move \(failure.index + 1) (\(failure.move.vm)): \(failure.error)")
            print("not attempted: \(report.notAttempted.count) move(s)")
            throw ExitCode.failure
        }
    }

    func run() async throws {
        let problem = try PlanInput.load(topology: topology, traffic: traffic)
        let cost = try PlanInput.costFunction(weights: weights)
        let budget = PlanningBudget(maxMoves: maxMoves ?? .max, timeLimit: timeLimit.map { .milliseconds(Int($0 * 1000)) })
        var planners: [any RelocationPlanner] = []
        if planner != .localSearch { planners.append(ReferenceGreedyPlanner(budget: budget)) }
        if planner != .reference { planners.append(LocalSearchPlanner(budget: budget)) }
        let plans = planners.map { $0.plan(problem, cost: cost) }
        if json {
            struct Output: Encodable {
                var costFunction: String
                var plans: [RelocationPlan]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(Output(costFunction: cost.summary, plans: plans))
            print(String(decoding: data, as: UTF8.self))
            if execute, let plan = plans.last { try await executePlan(plan) }
            return
        }
        print("\(problem.vmCount) VMs, \(problem.dataCentreCount) data centres, \(problem.topology.links.count) links")
        print("cost: \(cost.summary)")
        for plan in plans {
            print("")
            print("\(plan.planner): \(plan.moves.count) moves, cost \(plan.initialCost) -> \(plan.finalCost) (\(plan.stopReason.rawValue))")
            for (i, move) in plan.moves.enumerated() {
                print("  \(i + 1). \(move.vm): \(move.from) -> \(move.to)  cost after \(move.costAfter)")
            }
        }
        if execute, let plan = plans.last { try await executePlan(plan) }
    }
}
