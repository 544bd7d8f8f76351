import Foundation
import HostProbe
import Testing

/// The real probes on the machine running the tests: whatever it is, its
/// facts must agree with each other.
@Suite("Live probes on this machine")
struct LiveProbeTests {
    static let facts = HostFactsCollector(root: .live, probes: LiveSystemProbes()).collectBlocking()

    @Test("cpuinfo is known and CPUID agrees with it")
    func cpuidMatchesCPUInfo() throws {
        let facts = Self.facts
        #expect(facts.origin.kind == .live)
        let info = try #require(facts.cpuinfo.value, "cpuinfo: \(facts.cpuinfo.unknownReason?.description ?? "")")
        #expect(info.processorCount >= 1)
        #if arch(x86_64) || arch(i386)
        let leaves = try #require(facts.cpuid.value, "CPUID: \(facts.cpuid.unknownReason?.description ?? "")")
        let summary = CPUIDSummary(leaves: leaves)
        #expect(summary.vendor == info.vendorID)
        #expect(summary.longMode == info.hasFlag("lm"))
        #expect(summary.hypervisorBit == info.hasFlag("hypervisor"))
        #expect(summary.family == info.cpuFamily)
        #expect(summary.model == info.model)
        // The kernel lists vmx/svm only when the CPU reports them.
        if info.hasFlag("vmx") { #expect(summary.vmx == true) }
        if info.hasFlag("svm") { #expect(summary.svm == true) }
        if summary.hypervisorBit == true { #expect(summary.hypervisorSignature != nil) }
        #endif
    }

    @Test("/dev/kvm in the file system ⇔ kvmDevice.present")
    func kvmDevice() throws {
        let exists = FileManager.default.fileExists(atPath: "/dev/kvm")
        let device = try #require(Self.facts.kvmDevice.value, "\(Self.facts.kvmDevice.unknownReason?.description ?? "")")
        #expect(device.present == exists)
        if device.present && device.openErrno == 0 {
            #expect(device.apiVersion.value == 12)
            #expect(device.deviceNumber == "10:232")
        }
        if !device.present { #expect(device.openErrno == 2) }
    }

    @Test("MSR facts exist for every online CPU")
    func msrsPerCPU() throws {
        let online = try String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8)
        let cpus = try #require(HostFactsCollector.parseCPUList(online))
        let perCPU = try #require(Self.facts.msrs.value)
        #expect(perCPU.map(\.cpu) == cpus)
        for entry in perCPU {
            #expect(!entry.readings.isEmpty)
            for reading in entry.readings {
                // Either a value, or unknown with the errno that explains it.
                if let why = reading.value.unknownReason { #expect(why.errno != nil, "CPU \(entry.cpu) MSR \(reading.index): \(why)") }
            }
        }
    }

    @Test("kernel, capabilities and modules are read")
    func otherFacts() throws {
        let facts = Self.facts
        var names = utsname()
        uname(&names)
        let machine = withUnsafeBytes(of: names.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        #expect(facts.kernel.machine == .known(machine))
        #expect(facts.kernel.release.value?.isEmpty == false)
        let caps = try #require(facts.processCapabilities.value)
        #expect(caps.effectiveUID == geteuid())
        if FileManager.default.fileExists(atPath: "/sys/module/kvm") { #expect(facts.modules.kvmModules.contains("kvm")) }
    }

    @Test("facts round-trip through JSON")
    func roundTrip() throws {
        #expect(try HostFacts.decode(Self.facts.jsonData()) == Self.facts)
    }

    @Test("the async collect() gives the same kind of facts")
    func asyncCollect() async throws {
        let facts = await HostFactsCollector().collect()
        #expect(facts.origin.kind == .live)
        #expect(facts.origin.root == "/")
        #expect(facts.cpuinfo.value?.vendorID == Self.facts.cpuinfo.value?.vendorID)
        // Leaf 1 EBX holds the APIC id of whichever CPU ran the probe: compare the decoded summary.
        #expect(facts.cpuid.value.map(CPUIDSummary.init) == Self.facts.cpuid.value.map(CPUIDSummary.init))
        #expect(facts.kvmDevice.value?.present == Self.facts.kvmDevice.value?.present)
        #expect(facts.msrs.value?.map(\.cpu) == Self.facts.msrs.value?.map(\.cpu))
        #expect(facts.modules == Self.facts.modules)
    }
}
