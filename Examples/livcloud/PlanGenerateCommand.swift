import ArgumentParser
import Foundation
import Relocation

/// `livcloud plan-generate`: writes a synthetic scenario for `livcloud plan`.
struct PlanGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-generate",
        abstract: "Write a seeded synthetic relocation scenario (topology.json + traffic.csv or traffic.json).")

    @Option(help: "Number of VMs.") var vms: Int
    @Option(help: "Number of data centres.") var dcs: Int
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output directory (created if missing).") var outDir: String
    @Option(help: "Mean communication-group size.") var groupSize: Int = 20
    @Option(help: "Zipf exponent of group sizes (higher: more skewed).") var skew: Double = 1.1
    @Option(help: "Flows sent by each VM.") var flowsPerVM: Int = 4
    @Option(help: "Traffic file format: csv or json.") var trafficFormat: String = "csv"

    func validate() throws {
        guard vms > 0, dcs > 1 else { throw ValidationError("--vms must be > 0 and --dcs > 1") }
        guard ["csv", "json"].contains(trafficFormat) else { throw ValidationError("--traffic-format must be csv or json") }
    }

    func run() async throws {
        var generator = ScenarioGenerator(vmCount: vms, dataCentreCount: dcs, seed: seed)
        generator.meanGroupSize = groupSize
        generator.groupSkew = skew
        generator.flowsPerVM = flowsPerVM
        let (topology, traffic) = generator.generate()
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let topologyURL = URL(fileURLWithPath: outDir).appendingPathComponent("topology.json")
        try encoder.encode(topology).write(to: topologyURL)
        let trafficURL = URL(fileURLWithPath: outDir).appendingPathComponent("traffic.\(trafficFormat)")
        if trafficFormat == "csv" {
            try Data(traffic.csv().utf8).write(to: trafficURL)
        } else {
            try encoder.encode(traffic).write(to: trafficURL)
        }
        print("wrote \(topologyURL.path) and \(trafficURL.path): \(vms) VMs, \(dcs) data centres, \(traffic.flows.count) flows")
    }
}
