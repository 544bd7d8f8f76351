import Foundation
@testable import HostProbe
import Testing

/// Malformed inputs give typed errors or unknown facts, never a crash.
@Suite("Malformed inputs")
struct MalformedInputTests {
    static func tree(_ name: String) throws -> HostRoot {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try HostRoot(path: url.appendingPathComponent("trees/\(name)").path)
    }

    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent(name).path
    }

    @Test("an empty proc/cpuinfo is an unknown fact with the reason")
    func emptyCPUInfoTree() throws {
        let facts = HostFactsCollector(root: try Self.tree("empty-cpuinfo")).collectBlocking()
        let why = try #require(facts.cpuinfo.unknownReason)
        #expect(why.reason.contains("proc/cpuinfo"))
        #expect(why.reason.contains(CPUInfoParseError.empty.description))
        #expect(facts.modules.procModules == .known([]))
        #expect(facts.modules.kvmModules.isEmpty)
        // Everything else the tree lacks is unknown with a reason, not a crash.
        #expect(facts.sysHypervisorType.unknownReason?.errno == 2)
        #expect(facts.dmi.sysVendor.unknownReason?.errno == 2)
        #expect(facts.qemuBinaries.value == nil)
        #expect(facts.pciDevices.value == nil)
        #expect(facts.vulnerabilities["l1tf"]?.unknownReason != nil)
        // One CPU is assumed when neither cpuinfo nor the online list says how many.
        #expect(facts.msrs.value == nil, "a tree has no MSRs")
    }

    @Test("a truncated proc/cpuinfo (no flags line) is unknown with the parser's reason")
    func truncatedCPUInfoTree() throws {
        let facts = HostFactsCollector(root: try Self.tree("truncated-cpuinfo")).collectBlocking()
        let why = try #require(facts.cpuinfo.unknownReason)
        #expect(why.reason.contains(CPUInfoParseError.missingFlags(processor: 0).description))
    }

    @Test("binary garbage in every file gives unknown facts")
    func garbageTree() throws {
        let facts = HostFactsCollector(root: try Self.tree("garbage")).collectBlocking()
        #expect(facts.cpuinfo.unknownReason?.reason.contains(CPUInfoParseError.noProcessorEntries.description) == true)
        #expect(facts.kernel.release == .known(""))
        #expect(facts.modules.kvmModules == ["kvm"])
        // The malformed online list falls back to one CPU.
        let collector = HostFactsCollector(root: try Self.tree("garbage"))
        #expect(collector.onlineCPUs(fallbackCount: nil) == [0])
        #expect(collector.onlineCPUs(fallbackCount: 3) == [0, 1, 2])
    }

    @Test("HostRoot rejects a missing directory and a regular file")
    func badRoots() throws {
        let missing = "/nonexistent/livcloud-\(UUID().uuidString)"
        #expect(throws: HostProbeError.rootNotReadable(path: missing, errno: 2)) { try HostRoot(path: missing) }
        let file = try Self.fixture("truncated-facts.json")
        #expect(throws: HostProbeError.rootNotADirectory(path: file)) { try HostRoot(path: file) }
        #expect(HostProbeError.rootNotADirectory(path: file).description.contains("not a directory"))
    }

    @Test("malformed CPU lists are nil", arguments: ["", "  ", "a-b", "3-1", "1-2-3", "-1", "0,,x", "0-70000", "1,", "0-"])
    func malformedCPUList(_ text: String) {
        #expect(HostFactsCollector.parseCPUList(text) == nil)
    }

    @Test("well-formed CPU lists")
    func cpuLists() {
        #expect(HostFactsCollector.parseCPUList("0") == [0])
        #expect(HostFactsCollector.parseCPUList("0-3,6,8-9\n") == [0, 1, 2, 3, 6, 8, 9])
    }

    @Test("garbage facts JSON is factsFileInvalid", arguments: ["", "garbage", "[1,2,3]", "{\"schema_version\": \"one\"}", "null"])
    func garbageJSON(_ text: String) {
        #expect {
            try HostFacts.decode(Data(text.utf8), source: "test.json")
        } throws: { error in
            guard case HostProbeError.factsFileInvalid(let path, let detail) = error else { return false }
            return path == "test.json" && !detail.isEmpty
        }
    }

    @Test("a truncated facts file is factsFileInvalid")
    func truncatedFactsFile() throws {
        let path = try Self.fixture("truncated-facts.json")
        #expect {
            try HostFacts.replay(from: path)
        } throws: { error in
            guard case HostProbeError.factsFileInvalid(let source, _) = error else { return false }
            return source == path
        }
    }

    @Test("another schema version is unsupportedSchemaVersion")
    func wrongSchemaVersion() throws {
        var object = try Self.validFactsObject()
        object["schema_version"] = 2
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: HostProbeError.unsupportedSchemaVersion(found: 2, supported: 1)) { try HostFacts.decode(data) }
    }

    @Test("a missing key is factsFileInvalid naming the key", arguments: ["kernel", "cpuid", "msrs", "kvm_device", "modules"])
    func missingKey(_ key: String) throws {
        var object = try Self.validFactsObject()
        object.removeValue(forKey: key)
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect {
            try HostFacts.decode(data)
        } throws: { error in
            guard case HostProbeError.factsFileInvalid(_, let detail) = error else { return false }
            return detail.contains(key)
        }
    }

    @Test("a Fact with an unknown status is rejected")
    func badFactStatus() throws {
        var object = try Self.validFactsObject()
        object["cpuid"] = ["status": "maybe"]
        #expect(throws: HostProbeError.self) { try HostFacts.decode(JSONSerialization.data(withJSONObject: object)) }
    }

    @Test("a missing facts file is factsFileUnreadable with ENOENT")
    func missingFactsFile() {
        let path = "/nonexistent/facts-\(UUID().uuidString).json"
        #expect(throws: HostProbeError.factsFileUnreadable(path: path, errno: 2)) { try HostFacts.replay(from: path) }
    }

    @Test("unreadable MSRs give the errno and the reason, CAP_SYS_RAWIO for EACCES/EPERM")
    func msrReasons() {
        #expect(LiveSystemProbes.msrReason(13, cpu: 0).contains("CAP_SYS_RAWIO"))
        #expect(LiveSystemProbes.msrReason(1, cpu: 0).contains("CAP_SYS_RAWIO"))
        #expect(LiveSystemProbes.msrReason(2, cpu: 5).contains("/dev/cpu/5/msr"))
        #expect(LiveSystemProbes.msrReason(5, cpu: 0).contains("refused"))
        let fact: Fact<UInt64> = .unknown(LiveSystemProbes.msrReason(13, cpu: 0), errno: 13)
        #expect(fact.value == nil)
        #expect(fact.unknownReason?.errno == 13)
        #expect(fact.unknownReason?.description.contains("EACCES") == true)
    }

    @Test("live MSR reads of a CPU that does not exist are unknown with an errno")
    func msrOfMissingCPU() throws {
        let perCPU = try #require(LiveSystemProbes().msrs(cpus: [4095], indices: [MSRIndex.featureControl]).value)
        let reading = try #require(perCPU.first?.reading(MSRIndex.featureControl))
        let why = try #require(reading.unknownReason)
        #expect(why.errno != nil && why.errno != 0)
        #expect(why.reason.hasPrefix("MSR not readable"))
    }

    /// A complete, valid facts object to damage.
    static func validFactsObject() throws -> [String: Any] {
        let facts = HostFactsCollector(root: try tree("empty-cpuinfo")).collectBlocking()
        return try #require(try JSONSerialization.jsonObject(with: facts.jsonData()) as? [String: Any])
    }
}
