import Foundation
import HostCapabilities
import HostProbe
import Testing

/// What the model must conclude for each recorded host, from the scenario's
/// definition. Each is checked twice: collected from the tree with the
/// recorded probes, and replayed from the committed JSON.
@Suite("Capabilities of the recorded scenarios")
struct ScenarioTests {
    enum Source: String, CaseIterable, CustomTestStringConvertible {
        case collected, replayed
        var testDescription: String { rawValue }
    }

    static func decide(_ name: String, _ source: Source) throws -> (HostFacts, HostCapabilities) {
        let facts: HostFacts
        switch source {
        case .collected: facts = try Fixtures.collect(Scenario.named(name))
        case .replayed: facts = try HostFacts.replay(from: Fixtures.factsFile(name))
        }
        return (facts, CapabilityModel.decide(facts))
    }

    static func codes(_ caps: HostCapabilities) -> Set<ReasonCode> { Set(caps.reasons.map(\.code)) }
    static func blockers(_ caps: HostCapabilities) -> [ReasonCode] { caps.reasons.filter { $0.severity == .blocker }.map(\.code) }

    @Test("bare-metal Intel with VT-x runs guests under KVM", arguments: Source.allCases)
    func intelBareMetal(_ source: Source) throws {
        let (facts, caps) = try Self.decide("intel-vt-baremetal", source)
        #expect(facts.cpuinfo.value?.vmxFlags?.contains("ept") == true)
        #expect(caps.strategy == .kvm)
        #expect(caps.guests == GuestSupport(x86_64: .kvm, i686: .kvm))
        #expect(caps.kvm.usable)
        #expect(caps.kvm.devicePresent == true)
        #expect(caps.kvm.opens == true)
        #expect(caps.kvm.backend == "kvm_intel")
        #expect(caps.kvm.backendKind == .hardwareVT)
        #expect(caps.kvm.apiVersion == 12)
        #expect(caps.kvm.offersNested == true)
        #expect(caps.cpu.vendor == "GenuineIntel")
        #expect(caps.cpu.vmx == true)
        #expect(caps.cpu.svm == false)
        #expect(caps.cpu.longMode == true)
        #expect(caps.cpu.source == "cpuid")
        #expect(caps.firmware.state == .enabled)
        #expect(caps.firmware.vtLockedOff == false)
        #expect(caps.hypervisor.present == false)
        #expect(caps.hypervisor.vendor == nil)
        #expect(Self.codes(caps).isSuperset(of: [.vtAvailable, .kvmUsable]))
        #expect(Self.blockers(caps).isEmpty)
        #expect(!Self.codes(caps).contains(.tcgFallback))
        #expect(!Self.codes(caps).contains(.noEPT))
        #expect(!Self.codes(caps).contains(.noUnrestrictedGuest))
    }

    @Test("AMD with AMD-V runs guests under KVM on kvm_amd", arguments: Source.allCases)
    func amdSVM(_ source: Source) throws {
        let (_, caps) = try Self.decide("amd-svm", source)
        #expect(caps.strategy == .kvm)
        #expect(caps.kvm.usable)
        #expect(caps.kvm.backend == "kvm_amd")
        #expect(caps.kvm.backendKind == .hardwareVT)
        #expect(caps.kvm.offersNested == true)
        #expect(caps.cpu.vendor == "AuthenticAMD")
        #expect(caps.cpu.svm == true)
        #expect(caps.cpu.vmx == false)
        #expect(caps.firmware.state == .enabled)
        #expect(caps.firmware.vtLockedOff == false)
        #expect(caps.hypervisor.present == false)
        #expect(caps.guests == GuestSupport(x86_64: .kvm, i686: .kvm))
        #expect(Self.blockers(caps).isEmpty)
    }

    @Test("an EC2-like Xen guest without VT falls back to TCG", arguments: Source.allCases)
    func ec2Xen(_ source: Source) throws {
        let (facts, caps) = try Self.decide("ec2-xen-novt", source)
        #expect(facts.sysHypervisorType.value == "xen")
        #expect(facts.procXenPresent)
        #expect(facts.modules.parameters["kvm_intel"]?["nested"] == "N")
        #expect(caps.strategy == .tcg)
        #expect(caps.kvm.usable == false)
        #expect(caps.kvm.devicePresent == false)
        #expect(caps.kvm.offersNested == false)
        #expect(caps.cpu.vmx == false)
        #expect(caps.firmware.state == .notExposed)
        #expect(caps.firmware.vtLockedOff != true)
        #expect(caps.hypervisor.present == true)
        #expect(caps.hypervisor.vendor == "Xen")
        let notExposed = try #require(caps.reason(.vtNotExposed))
        #expect(notExposed.severity == .blocker)
        #expect(notExposed.remediation != nil)
        #expect(notExposed.evidence.contains { $0.source.contains("ECX[5]") && $0.observation == "0" })
        #expect(Self.codes(caps).isSuperset(of: [.kvmDeviceMissing, .tcgFallback, .hypervisorDetected]))
        #expect(!Self.codes(caps).contains(.vtAbsent), "a hidden VT is not an absent VT")
        #expect(caps.guests == GuestSupport(x86_64: .tcg, i686: .tcg))
    }

    @Test("a nested KVM guest with vmx exposed runs guests under nested KVM", arguments: Source.allCases)
    func nestedKVM(_ source: Source) throws {
        let (_, caps) = try Self.decide("nested-kvm-intel", source)
        #expect(caps.strategy == .nestedKVM)
        #expect(caps.strategy.isHardwareAccelerated)
        #expect(caps.kvm.usable)
        #expect(caps.kvm.backend == "kvm_intel")
        #expect(caps.hypervisor.present == true)
        #expect(caps.hypervisor.vendor == "KVM")
        #expect(caps.cpu.vmx == true)
        #expect(caps.firmware.state == .enabled)
        #expect(caps.guests == GuestSupport(x86_64: .kvm, i686: .kvm))
        #expect(Self.codes(caps).isSuperset(of: [.nestedKVM, .kvmUsable, .hypervisorDetected]))
        #expect(Self.blockers(caps).isEmpty)
    }

    @Test("firmware that locked VT-x off is named as the cause", arguments: Source.allCases)
    func lockedOff(_ source: Source) throws {
        let (facts, caps) = try Self.decide("intel-vt-locked-off", source)
        #expect(facts.cpuinfo.value?.hasFlag("vmx") == false)
        let perCPU = try #require(facts.msrs.value)
        #expect(perCPU.map(\.cpu) == [0, 1, 2, 3], "MSRs are read on every online CPU")
        #expect(perCPU.allSatisfy { $0.reading(MSRIndex.featureControl) == .known(0x1) })
        #expect(caps.strategy == .tcg)
        #expect(caps.cpu.vmx == true, "CPUID still reports VMX")
        #expect(caps.firmware.state == .lockedOff)
        #expect(caps.firmware.vtLockedOff == true)
        #expect(caps.hypervisor.present == false)
        let locked = try #require(caps.reason(.vtLockedOff))
        #expect(locked.severity == .blocker)
        let fix = try #require(locked.remediation)
        #expect(fix.localizedCaseInsensitiveContains("firmware") || fix.localizedCaseInsensitiveContains("BIOS"))
        #expect(locked.evidence.contains { $0.source.contains("0x3A") && $0.observation == "0x1" })
        #expect(Self.codes(caps).isSuperset(of: [.kvmDeviceMissing, .tcgFallback]))
        #expect(!Self.codes(caps).contains(.vtAbsent))
        #expect(caps.kvm.usable == false)
        #expect(caps.guests == GuestSupport(x86_64: .tcg, i686: .tcg))
    }

    @Test("a 32-bit-only CPU cannot run 64-bit guests", arguments: Source.allCases)
    func cpu32Bit(_ source: Source) throws {
        let (facts, caps) = try Self.decide("cpu-32bit-only", source)
        #expect(facts.cpuinfo.value?.hasFlag("lm") == false)
        #expect(facts.kernel.bitness == 32)
        #expect(caps.cpu.longMode == false)
        #expect(caps.guests.x86_64 == .unsupported)
        let noLM = try #require(caps.reason(.noLongMode))
        #expect(noLM.severity == .blocker)
        #expect(noLM.evidence.contains { $0.source.contains("EDX[29]") && $0.observation == "0" })
        #expect(Self.codes(caps).contains(.kernel32Bit))
        // VT-x itself works: 32-bit guests run under KVM.
        #expect(caps.kvm.usable)
        #expect(caps.strategy == .kvm)
        #expect(caps.guests.i686 == .kvm)
        // Yonah's VT-x has neither EPT nor unrestricted guest (kvm_intel says so).
        #expect(Self.codes(caps).isSuperset(of: [.noEPT, .noUnrestrictedGuest]))
    }

    @Test("a /dev/kvm served by a non-VT backend is not KVM", arguments: Source.allCases)
    func nonVTBackend(_ source: Source) throws {
        let (facts, caps) = try Self.decide("kvm-pvm-backend", source)
        #expect(facts.modules.kvmModules.contains("kvm_pvm"))
        #expect(facts.kvmDevice.value?.createVMErrno == .known(0), "the device really creates VMs")
        #expect(caps.strategy == .tcg)
        #expect(caps.kvm.devicePresent == true)
        #expect(caps.kvm.opens == true)
        #expect(caps.kvm.usable == false)
        #expect(caps.kvm.backend == "kvm_pvm")
        #expect(caps.kvm.backendKind == .other)
        let notVT = try #require(caps.reason(.kvmBackendNotVT))
        #expect(notVT.severity == .blocker)
        #expect(notVT.evidence.contains { $0.observation.contains("kvm_pvm") })
        #expect(!Self.codes(caps).contains(.kvmUsable))
        #expect(caps.cpu.vmx == false)
        #expect(caps.cpu.svm == false)
        #expect(caps.hypervisor.vendor == "KVM")
        #expect(caps.guests == GuestSupport(x86_64: .tcg, i686: .tcg))
    }

    @Test("a container without /dev/kvm and without CAP_SYS_RAWIO", arguments: Source.allCases)
    func container(_ source: Source) throws {
        let (facts, caps) = try Self.decide("container-no-kvm", source)
        let perCPU = try #require(facts.msrs.value)
        #expect(perCPU.count == 4)
        for entry in perCPU {
            let reading = try #require(entry.reading(MSRIndex.featureControl))
            let why = try #require(reading.unknownReason, "MSR 0x3A must be unknown on CPU \(entry.cpu)")
            #expect(why.errno == 2)
            #expect(why.reason.contains("/dev/cpu/\(entry.cpu)/msr"))
        }
        #expect(facts.processCapabilities.value?.sysRawio == false)
        #expect(caps.strategy == .tcg)
        #expect(caps.kvm.devicePresent == false)
        #expect(caps.kvm.usable == false)
        #expect(Self.codes(caps).isSuperset(of: [.kvmDeviceMissing, .tcgFallback]))
        let msr = try #require(caps.reason(.msrUnreadable))
        #expect(msr.evidence.contains { $0.observation.contains("errno 2") })
        let rawio = try #require(caps.reason(.rawioMissing), "the missing CAP_SYS_RAWIO must be reported")
        #expect(rawio.remediation != nil)
        // The lock state is unknown, not guessed either way.
        #expect(caps.firmware.state == .unknown)
        #expect(caps.firmware.vtLockedOff == nil)
        #expect(caps.cpu.vmx == true)
        #expect(caps.hypervisor.present == false)
    }

    @Test("every scenario's strategy agrees with kvm.usable and the hypervisor")
    func strategyInvariants() throws {
        for scenario in Scenario.all {
            let caps = CapabilityModel.decide(try HostFacts.replay(from: Fixtures.factsFile(scenario.name)))
            #expect(caps.strategy.isHardwareAccelerated == caps.kvm.usable, "\(scenario.name)")
            if caps.strategy == .nestedKVM { #expect(caps.hypervisor.present == true, "\(scenario.name)") }
            if caps.strategy == .kvm { #expect(caps.hypervisor.present != true, "\(scenario.name)") }
            #expect(caps.reasons.allSatisfy { !$0.message.isEmpty }, "\(scenario.name)")
            #expect(caps.reasons.filter { $0.severity == .blocker }.allSatisfy { !$0.evidence.isEmpty }, "\(scenario.name)")
        }
    }
}
