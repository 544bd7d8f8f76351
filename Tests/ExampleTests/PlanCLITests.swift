import Foundation
import Testing

/// Runs `livcloud plan` on the documented sample files the way a user does.
@Suite("livcloud plan CLI")
struct PlanCLITests {
    static let samples = HostAuditCLITests.packageRoot.appendingPathComponent("Documentation/examples/relocation")

    func plan(_ arguments: [String]) throws -> HostAuditCLITests.Run {
        try HostAuditCLITests.run(["plan"] + arguments, executable: "livcloud")
    }

    @Test(arguments: ["traffic.json", "traffic.csv"])
    func jsonPlanNeverRaisesTheCostAndLocalSearchIsNoWorse(traffic: String) throws {
        let run = try plan([
            "--topology", Self.samples.appendingPathComponent("topology.json").path,
            "--traffic", Self.samples.appendingPathComponent(traffic).path, "--planner", "both", "--json",
        ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let plans = try #require(object["plans"] as? [[String: Any]])
        #expect(plans.count == 2)
        var finals: [String: Double] = [:]
        for plan in plans {
            let name = try #require(plan["planner"] as? String)
            let trajectory = try #require(plan["costTrajectory"] as? [Double])
            #expect(!trajectory.isEmpty)
            for (before, after) in zip(trajectory, trajectory.dropFirst()) {
                #expect(after < before, "\(name): each move must lower the cost")
            }
            finals[name] = try #require(plan["finalCost"] as? Double)
            #expect(finals[name] == trajectory.last)
        }
        let reference = try #require(finals["reference-greedy"]), local = try #require(finals["local-search"])
        #expect(local <= reference)
    }

    @Test func unknownVMInTrafficIsNamedInTheError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plan-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let traffic = directory.appendingPathComponent("traffic.csv")
        try "source,destination,bytesPerSecond\nghost-vm,web-1,100\n".write(to: traffic, atomically: true, encoding: .utf8)
        let run = try plan(["--topology", Self.samples.appendingPathComponent("topology.json").path, "--traffic", traffic.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("ghost-vm"), "stderr: \(run.stderr)")
    }

    @Test func executeWithoutAURIForADataCentreIsRefusedNamingIt() throws {
        let run = try plan([
            "--topology", Self.samples.appendingPathComponent("topology.json").path,
            "--traffic", Self.samples.appendingPathComponent("traffic.csv").path,
            "--execute", "--dc-uri", "nowhere=qemu:///system",
        ])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no libvirt URI given for data centre"), "stderr: \(run.stderr)")
    }
}
