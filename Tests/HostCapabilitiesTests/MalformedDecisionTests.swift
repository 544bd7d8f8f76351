import Foundation
import HostCapabilities
import HostProbe
import Testing

/// The model on broken or partial facts: unknowns with reasons, never a crash.
@Suite("Decisions on malformed inputs")
struct MalformedDecisionTests {
    /// A temporary tree holding `files` (relative path to contents).
    static func makeTree(_ files: [String: String]) throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("malformed-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    @Test("unusable cpuinfo gives cpuinfo_unreadable, unknown CPU and tcg", arguments: [
        ("empty", ""),
        ("garbage", "\u{1}\u{2}binary junk without any colon\n\u{7f}ELF"),
        ("truncated", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: Intel(R) Xe"),
    ])
    func badCPUInfo(_ name: String, _ text: String) throws {
        let root = try Self.makeTree(["proc/cpuinfo": text, "proc/modules": ""])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostFactsCollector(root: try HostRoot(path: root.path)).collectBlocking()
        #expect(facts.cpuinfo.value == nil, "\(name)")
        let caps = CapabilityModel.decide(facts)
        let reason = try #require(caps.reason(.cpuinfoUnreadable), "\(name)")
        #expect(reason.severity == .warning)
        #expect(caps.cpu.vendor == nil && caps.cpu.vmx == nil && caps.cpu.longMode == nil, "\(name): nothing is guessed")
        #expect(caps.cpu.source == "none")
        #expect(caps.strategy == .tcg)
        #expect(caps.firmware.vtLockedOff == nil)
    }

    @Test("an empty directory as root decides without crashing")
    func emptyRoot() throws {
        let root = try Self.makeTree([:])
        defer { try? FileManager.default.removeItem(at: root) }
        let facts = HostFactsCollector(root: try HostRoot(path: root.path)).collectBlocking()
        #expect(facts.cpuinfo.unknownReason?.errno == 2)
        #expect(facts.modules.procModules.unknownReason?.errno == 2)
        #expect(facts.qemuBinaries.value == nil)
        let caps = CapabilityModel.decide(facts)
        #expect(caps.strategy == .tcg)
        #expect(caps.reason(.cpuinfoUnreadable) != nil)
        #expect(try HostFacts.decode(facts.jsonData()) == facts)
    }

    @Test("MSRs unreadable for lack of CAP_SYS_RAWIO: unknown with errno 13 and the remediation")
    func msrNeedsRawio() throws {
        var probes = Scenario.intelBareMetal.probes
        probes.msrValues = [:]
        probes.otherMSRs = .needsRawio
        probes.capabilities = .known(ProcessCapabilities(sysRawio: false, sysAdmin: false, effectiveUID: 1000))
        let root = try HostRoot(path: Fixtures.tree("intel-vt-baremetal"))
        let facts = HostFactsCollector(root: root, probes: probes).collectBlocking()
        let reading = try #require(facts.msrs.value?.first?.reading(MSRIndex.featureControl))
        #expect(reading.unknownReason?.errno == 13)
        #expect(reading.unknownReason?.reason.contains("CAP_SYS_RAWIO") == true)
        let caps = CapabilityModel.decide(facts)
        let msr = try #require(caps.reason(.msrUnreadable))
        #expect(msr.remediation?.contains("CAP_SYS_RAWIO") == true)
        #expect(caps.reason(.rawioMissing) != nil)
        // The lock state is unknown, but the kernel lists vmx, KVM works: still kvm.
        #expect(caps.firmware.vtLockedOff == nil)
        #expect(caps.strategy == .kvm)
    }

    @Test("/dev/kvm busy (EBUSY on KVM_CREATE_VM) is not usable")
    func createVMBusy() throws {
        var probes = Scenario.intelBareMetal.probes
        var device = Recorded.workingKVM()
        device.createVMErrno = .known(Errno.EBUSY)
        probes.kvm = .known(device)
        let facts = HostFactsCollector(root: try HostRoot(path: Fixtures.tree("intel-vt-baremetal")), probes: probes).collectBlocking()
        let caps = CapabilityModel.decide(facts)
        #expect(caps.strategy == .tcg)
        #expect(caps.kvm.usable == false)
        let failed = try #require(caps.reason(.kvmCreateVMFailed))
        #expect(failed.remediation != nil, "EBUSY names the other hypervisor holding VT")
    }
}
