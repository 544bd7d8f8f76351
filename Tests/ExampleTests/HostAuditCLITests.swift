import Foundation
import HostProbe
import LivCloudTestSupport
import Testing

/// Runs the built `host-audit` executable the way a user does and checks its
/// exit codes and JSON contract.
@Suite("host-audit CLI")
struct HostAuditCLITests {
    /// The package root, from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let factsFixtures = packageRoot.appendingPathComponent("Tests/HostCapabilitiesTests/Fixtures/facts")
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/lscpu")

    /// `swift test` builds the executables into the same products directory as
    /// the test bundle: look next to the running test binary first, then in
    /// the package's build directories (newest first).
    static func executable(_ name: String = "host-audit") throws -> URL {
        let fm = FileManager.default
        var candidates: [URL] = []
        let starts = [CommandLine.arguments.first.map { URL(fileURLWithPath: $0) }, Bundle.main.executableURL]
        for start in starts.compactMap({ $0 }) {
            var directory = start.resolvingSymlinksInPath().deletingLastPathComponent()
            // The runner may sit inside a bundle directory (…/debug/X.xctest/…): walk up a few levels.
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent(name))
                directory.deleteLastPathComponent()
            }
        }
        if let entries = try? fm.contentsOfDirectory(atPath: packageRoot.path) {
            let built = entries.filter { $0.hasPrefix(".build") }.flatMap { dir in
                ["debug", "release"].map { packageRoot.appendingPathComponent("\(dir)/\($0)/\(name)") }
            }
            candidates.append(contentsOf: built.sorted { modified($0) > modified($1) })
        }
        let found = candidates.first { fm.isExecutableFile(atPath: $0.path) }
        return try #require(found, "\(name) not found; looked at \(candidates.map(\.path))")
    }

    static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }

    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs host-audit; stdout and stderr go to temporary files so neither pipe can fill up and block.
    static func run(_ arguments: [String], executable name: String = "host-audit") throws -> Run {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("host-audit-run-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = fm.createFile(atPath: outURL.path, contents: nil)
        _ = fm.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? fm.removeItem(at: outURL)
            try? fm.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = try executable(name)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// The keys the JSON contract promises, as dotted paths.
    static let requiredKeys = [
        "strategy", "kvm.device_present", "kvm.usable", "kvm.backend", "cpu.vendor", "cpu.vmx", "cpu.svm",
        "cpu.long_mode", "hypervisor.present", "hypervisor.vendor", "firmware.vt_locked_off",
        "guests.x86_64", "guests.i686", "reasons",
    ]

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "stdout is not a JSON object")
    }

    /// Looks a dotted path up; `.some(NSNull())` when the key holds null.
    static func value(_ object: [String: Any], _ path: String) -> Any? {
        var node: Any? = object
        for part in path.split(separator: ".") { node = (node as? [String: Any])?[String(part)] }
        return node
    }

    /// Checks the required keys are present (a value may be JSON null when unknown).
    static func checkContract(_ object: [String: Any], _ context: String) {
        for key in requiredKeys {
            #expect(value(object, key) != nil, "\(context): key \(key) missing from the JSON")
        }
        let reasons = object["reasons"] as? [[String: Any]]
        #expect(reasons != nil, "\(context): reasons is not an array of objects")
        #expect(reasons?.allSatisfy { $0["code"] is String && $0["message"] is String && $0["severity"] is String } == true,
                "\(context): every reason has code, severity and message")
        #expect(["kvm", "nested-kvm", "tcg"].contains(object["strategy"] as? String ?? ""), "\(context): strategy")
    }

    @Test("--replay of a TCG host exits 2, of a KVM host 0", arguments: [
        ("intel-vt-baremetal", Int32(0), "kvm"), ("amd-svm", 0, "kvm"), ("nested-kvm-intel", 0, "nested-kvm"),
        ("cpu-32bit-only", 0, "kvm"), ("ec2-xen-novt", 2, "tcg"), ("intel-vt-locked-off", 2, "tcg"),
        ("kvm-pvm-backend", 2, "tcg"), ("container-no-kvm", 2, "tcg"),
    ])
    func replayExitCodes(_ name: String, _ status: Int32, _ strategy: String) throws {
        let run = try Self.run(["--json", "--replay", Self.factsFixtures.appendingPathComponent("\(name).json").path])
        #expect(run.status == status, "\(name): \(run.stderr)")
        let object = try Self.json(run.stdout)
        Self.checkContract(object, name)
        #expect(object["strategy"] as? String == strategy)
        #expect((Self.value(object, "kvm.usable") as? Bool) == (status == 0))
    }

    @Test("--record then --replay gives the same facts and the same answer")
    func recordThenReplay() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("host-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let source = Self.factsFixtures.appendingPathComponent("intel-vt-locked-off.json").path
        let recorded = tmp.appendingPathComponent("facts.json").path
        let first = try Self.run(["--json", "--replay", source, "--record", recorded])
        #expect(first.status == 2)
        let second = try Self.run(["--json", "--replay", recorded])
        #expect(second.status == 2)
        #expect(try Self.json(first.stdout) as NSDictionary == Self.json(second.stdout) as NSDictionary)
        #expect(try HostFacts.replay(from: recorded) == HostFacts.replay(from: source))
    }

    /// Two small corpus trees (a VM named by its PCI devices, and a bare-metal VT-x laptop):
    /// the whole corpus is checked against lscpu in HostCapabilitiesTests.
    static let cliTrees: Set<String> = ["vbox-win", "x86_64-dell_e4310"]

    @Test("--sysroot on corpus trees: tcg, unknown live facts, the required keys")
    func sysrootCorpus() throws {
        let trees = try CorpusTrees.unpackAll(Self.corpus, only: Self.cliTrees)
        defer { trees.cleanUp() }
        #expect(trees.roots.map(\.0).sorted() == Self.cliTrees.sorted())
        for (name, tree) in trees.roots {
            let recorded = trees.directory.appendingPathComponent("\(name).facts.json").path
            let run = try Self.run(["--json", "--sysroot", tree.path, "--record", recorded])
            #expect(run.status == 2, "\(name): a tree cannot prove KVM works, so the answer is tcg: \(run.stderr)")
            let object = try Self.json(run.stdout)
            Self.checkContract(object, name)
            #expect(Self.value(object, "kvm.usable") as? Bool == false)
            // The recording holds the tree's facts with every live-only part unknown.
            let facts = try HostFacts.replay(from: recorded)
            #expect(facts.origin.kind == .sysroot)
            #expect(facts.cpuid.value == nil && facts.msrs.value == nil && facts.kvmDevice.value == nil)
            // And --replay of it reproduces the same capabilities.
            let replay = try Self.run(["--json", "--replay", recorded])
            #expect(replay.status == run.status)
            #expect(try Self.json(replay.stdout) as NSDictionary == object as NSDictionary)
        }
    }

    @Test("a nonexistent --sysroot exits 64 with a message")
    func missingSysroot() throws {
        let run = try Self.run(["--json", "--sysroot", "/nonexistent/livcloud-\(UUID().uuidString)"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("cannot read root directory"))
        #expect(run.stdout.isEmpty)
    }

    @Test("a garbage --replay file exits 64 with a message")
    func garbageReplay() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID().uuidString).json")
        try Data("this is not json {".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try Self.run(["--json", "--replay", file.path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("not valid HostFacts JSON"))
    }

    @Test("a missing --replay file exits 64")
    func missingReplay() throws {
        let run = try Self.run(["--replay", "/nonexistent/facts-\(UUID().uuidString).json"])
        #expect(run.status == 64)
    }

    @Test("--replay with --sysroot is a usage error (64)")
    func conflictingOptions() throws {
        let run = try Self.run(["--replay", Self.factsFixtures.appendingPathComponent("amd-svm.json").path, "--sysroot", "/"])
        #expect(run.status == 64)
    }

    @Test("the text report names the strategy and the blocking reason")
    func textReport() throws {
        let run = try Self.run(["--replay", Self.factsFixtures.appendingPathComponent("kvm-pvm-backend.json").path])
        #expect(run.status == 2)
        let text = String(decoding: run.stdout, as: UTF8.self)
        #expect(text.contains("tcg"))
        #expect(text.contains("kvm_backend_not_vt"))
    }
}
