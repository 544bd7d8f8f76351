import ArgumentParser
import Foundation
import Relocation

/// `livcloud plan-bench`: reference greedy vs local search on generated scenarios, same run.
struct PlanBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-bench",
        abstract: "Benchmark the reference greedy planner against the local-search planner.",
        discussion: """
            Scenarios are VMSxDCS, generated with `livcloud plan-generate` defaults and --seed. \
            Times are planning only (the problem is built once, outside the timing), medians of \
            --repetitions runs. A reference run that hits --reference-time-limit is reported as \
            not finished and not repeated. Both plans are replayed from scratch to check the \
            claimed final cost and that no capacity is exceeded.
            """)

    @Option(help: "Comma-separated VMSxDCS scenarios.") var scenarios: String = "100x4,1000x4,10000x4,100000x50"
    @Option(help: "Random seed of the generator.") var seed: UInt64 = 1
    @Option(help: "Repetitions per planner (median reported).") var repetitions: Int = 5
    @Option(help: "Time limit for one reference run, seconds.") var referenceTimeLimit: Double = 60
    @Option(help: "Write an SVG cost-trajectory plot of the --plot-scenario case here.") var plot: String?
    @Option(help: "Scenario to plot.") var plotScenario: String = "10000x4"

    struct Row {
        var scenario: String
        var flows: Int
        var buildSeconds: Double
        var reference: RelocationPlan
        var referenceSeconds: Double
        var referenceRuns: Int
        var mine: RelocationPlan
        var mineSeconds: Double
        var phase1Moves: Int
    }

    func run() async throws {
        let cost = CostFunction.meanLoadFactor
        var rows: [Row] = []
        for spec in scenarios.split(separator: ",") {
            let parts = spec.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("bad scenario '\(spec)', expected VMSxDCS") }
            let (topology, traffic) = ScenarioGenerator(vmCount: parts[0], dataCentreCount: parts[1], seed: seed).generate()
            let clock = ContinuousClock()
            var problem: RelocationProblem?
            let build = try clock.measure { problem = try RelocationProblem(topology: topology, traffic: traffic) }
            let p = problem!

            let reference = ReferenceGreedyPlanner(budget: PlanningBudget(timeLimit: .milliseconds(Int(referenceTimeLimit * 1000))))
            var refTimes: [Double] = []
            var refPlan: RelocationPlan!
            for _ in 0..<repetitions {
                var plan: RelocationPlan!
                refTimes.append(clock.measure { plan = reference.plan(p, cost: cost) }.seconds)
                if let previous = refPlan, previous != plan { throw ValidationError("reference planner is not deterministic") }
                refPlan = plan
                if plan.stopReason != .converged { break }
            }
            let mine = LocalSearchPlanner()
            var myTimes: [Double] = []
            var myPlan: RelocationPlan!
            var phase1 = 0
            for _ in 0..<repetitions {
                var plan: RelocationPlan!
                myTimes.append(clock.measure { (plan, phase1) = mine.planWithPhases(p, cost: cost) }.seconds)
                if let previous = myPlan, previous != plan { throw ValidationError("local search is not deterministic") }
                myPlan = plan
            }
            // Phase 1 must have made the reference's moves (all of them if it finished).
            func key(_ m: Move) -> [String] { [m.vm.rawValue, m.from.rawValue, m.to.rawValue] }
            let comparable = refPlan.stopReason == .converged ? phase1 : refPlan.moves.count
            guard refPlan.moves.count <= phase1 || refPlan.stopReason != .converged,
                myPlan.moves.prefix(comparable).map(key) == refPlan.moves.prefix(comparable).map(key),
                refPlan.stopReason != .converged || phase1 == refPlan.moves.count
            else { throw ValidationError("local search phase 1 diverged from the reference on \(spec)") }
            // Independent check: replay both plans from scratch.
            for plan in [refPlan!, myPlan!] {
                let replayed = try p.finalCost(after: plan, cost: cost)
                guard abs(replayed - plan.finalCost) <= 1e-9 * plan.initialCost else {
                    throw ValidationError("\(plan.planner) claims \(plan.finalCost) but replays to \(replayed)")
                }
                for (dc, used) in p.usage(after: plan) where used > p.capacity(of: dc)! {
                    throw ValidationError("\(plan.planner) overfills \(dc)")
                }
            }
            let row = Row(
                scenario: "\(parts[0]) VMs × \(parts[1]) DCs", flows: traffic.flows.count, buildSeconds: build.seconds,
                reference: refPlan, referenceSeconds: median(refTimes), referenceRuns: refTimes.count,
                mine: myPlan, mineSeconds: median(myTimes), phase1Moves: phase1)
            rows.append(row)
            FileHandle.standardError.write(Data("done \(spec): reference \(refPlan.finalCost) in \(row.referenceSeconds) s, local search \(myPlan.finalCost) in \(row.mineSeconds) s\n".utf8))
            if String(spec) == plotScenario, let plot {
                let svg = PlanPlot.svg(
                    title: "Cost trajectory, \(parts[0]) VMs × \(parts[1]) DCs (seed \(seed))",
                    xLabel: "moves applied (local search first replays the reference's \(refPlan.moves.count) moves)",
                    yLabel: "mean link load factor",
                    series: [
                        .init(label: "reference greedy (\(refPlan.moves.count) moves)", colour: "#d62728", values: refPlan.costTrajectory),
                        .init(label: "local search (\(myPlan.moves.count) moves)", colour: "#1f77b4", values: myPlan.costTrajectory),
                    ])
                try Data(svg.utf8).write(to: URL(fileURLWithPath: plot))
            }
        }
        print("| Scenario | Flows | Initial cost | Reference: time | moves | final cost | Local search: time | moves (distinct VMs) | final cost | Final cost ratio (LS/ref) | Time ratio (LS/ref) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows {
            let finished = r.reference.stopReason == .converged
            let refTime = finished ? "\(fmt(r.referenceSeconds)) s" : "> \(fmt(r.referenceSeconds)) s (did not finish, \(r.reference.stopReason.rawValue))"
            print(
                "| \(r.scenario) | \(r.flows) | \(sig(r.reference.initialCost)) | \(refTime) | \(r.reference.moves.count) | \(sig(r.reference.finalCost)) "
                    + "| \(fmt(r.mineSeconds)) s | \(r.mine.moves.count) (\(Set(r.mine.moves.map(\.vm)).count)) | \(sig(r.mine.finalCost)) "
                    + "| \(String(format: "%.3f", r.mine.finalCost / r.reference.finalCost)) | \(finished ? "" : "< ")\(String(format: "%.4f", r.mineSeconds / r.referenceSeconds)) |")
        }
        print("")
        for r in rows where r.reference.stopReason != .converged {
            let end = r.mine.costTrajectory[r.phase1Moves]
            print("\(r.scenario): the reference stopped at its time limit after \(r.reference.moves.count) moves, all identical to "
                + "the first \(r.reference.moves.count) moves of local search's phase 1 (the incremental replay of the reference rule). "
                + "Phase 1 runs the rule to the end: \(r.phase1Moves) moves, cost \(sig(end)); the local-search result is "
                + "\(String(format: "%.3f", r.mine.finalCost / end)) × that.")
        }
        print("Repetitions: \(repetitions) per planner; a reference run that hits the time limit is not repeated. Problem construction (not timed above): "
            + rows.map { "\($0.scenario) \(fmt($0.buildSeconds)) s" }.joined(separator: ", ") + ".")
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    func fmt(_ s: Double) -> String { s < 0.01 ? String(format: "%.5f", s) : String(format: "%.3f", s) }
    func sig(_ v: Double) -> String { String(format: "%.6g", v) }
}
