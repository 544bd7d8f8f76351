import Foundation
import HostCapabilities
import HostProbe
import LivCloudTestSupport
import Testing

/// util-linux's recorded lscpu trees, audited with `--sysroot` semantics and
/// compared with what `lscpu --sysroot` printed for the same files.
@Suite("lscpu corpus trees")
struct LscpuCorpusTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/lscpu")

    /// The oracle fields of an `lscpu-NAME.expected` file.
    struct Expected {
        /// "VT-x", "AMD-V" or nil when the line is absent.
        var virtualization: String?
        var hypervisorVendor: String?
        var opModes: String?

        init(parsing text: String) {
            // Only the human-readable part: the parsable tables after it hold no such fields.
            for line in text.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch key {
                case "Virtualization": virtualization = virtualization ?? value
                case "Hypervisor vendor": hypervisorVendor = hypervisorVendor ?? value
                case "CPU op-mode(s)": opModes = opModes ?? value
                default: break
                }
            }
        }
    }

    @Test("each tree's audit agrees with lscpu on VT, hypervisor vendor and op modes")
    func agreesWithLscpu() throws {
        let trees = try CorpusTrees.unpackAll(Self.corpus)
        defer { trees.cleanUp() }
        #expect(trees.roots.count >= 6, "the corpus README lists six trees")
        for (name, tree) in trees.roots {
            let expectedURL = Self.corpus.appendingPathComponent("lscpu-\(name).expected")
            let text = try #require(try? String(contentsOf: expectedURL, encoding: .utf8), "\(name): no \(expectedURL.path)")
            let expected = Expected(parsing: text)
            #expect(expected.opModes != nil, "\(name): the expected file has no CPU op-mode(s) line")

            let facts = HostFactsCollector(root: try HostRoot(path: tree.path)).collectBlocking()
            let caps = CapabilityModel.decide(facts)

            switch expected.virtualization {
            case "VT-x":
                #expect(caps.cpu.vmx == true, "\(name): lscpu says VT-x")
                #expect(caps.cpu.svm != true, "\(name)")
            case "AMD-V":
                #expect(caps.cpu.svm == true, "\(name): lscpu says AMD-V")
                #expect(caps.cpu.vmx != true, "\(name)")
            case nil:
                #expect(caps.cpu.vmx != true && caps.cpu.svm != true, "\(name): lscpu shows no virtualization")
            case let other?:
                Issue.record("\(name): unexpected Virtualization value \(other)")
            }

            if let vendor = expected.hypervisorVendor {
                #expect(caps.hypervisor.present == true, "\(name): lscpu names hypervisor \(vendor)")
                #expect(caps.hypervisor.vendor == vendor, "\(name)")
            } else {
                #expect(caps.hypervisor.present != true, "\(name): lscpu names no hypervisor, audit says \(caps.hypervisor)")
            }

            let has64 = expected.opModes?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains("64-bit")
            #expect(caps.cpu.longMode == has64, "\(name): op modes \(expected.opModes ?? "-")")

            // A tree holds no CPUID, MSR or /dev/kvm facts: they are unknown, never this machine's.
            #expect(facts.origin.kind == .sysroot, "\(name)")
            #expect(facts.cpuid.value == nil, "\(name): CPUID must not come from the machine running the test")
            #expect(facts.msrs.value == nil, "\(name)")
            #expect(facts.kvmDevice.value == nil, "\(name)")
            #expect(facts.processCapabilities.value == nil, "\(name)")
            #expect(facts.kernel.machine.value == nil, "\(name)")
            #expect(facts.cpuid.unknownReason?.reason.contains(tree.path) == true, "\(name): the reason names the tree")
            #expect(caps.cpu.source == "cpuinfo", "\(name)")
            #expect(caps.kvm.usable == false, "\(name): a tree cannot prove KVM works")
            #expect(caps.kvm.devicePresent == nil, "\(name)")
            #expect(caps.strategy == .tcg, "\(name)")
            #expect(caps.reason(.kvmUnverified) != nil, "\(name): says why KVM is unverified")
            // A tree is not this host: no live-only warnings about CPUID.
            #expect(caps.reason(.cpuidUnknown) == nil, "\(name)")
        }
    }

    @Test("the Expected parser reads the fields and ignores the parsable tables")
    func parser() {
        let parsed = Expected(parsing: """
            CPU op-mode(s):      32-bit, 64-bit
            Virtualization:      VT-x
            # CPU,Core,Socket,Node,,L1d,L2d
            0,0,0,0,,0,0
            """)
        #expect(parsed.opModes == "32-bit, 64-bit")
        #expect(parsed.virtualization == "VT-x")
        #expect(parsed.hypervisorVendor == nil)
    }
}
