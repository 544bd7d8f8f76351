import Foundation
import HostProbe
import Testing

@Suite("CPUInfoParser")
struct CPUInfoParserTests {
    static let twoProcessors = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 106
        model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz
        flags\t\t: fpu vme lm vmx hypervisor
        vmx flags\t: vnmi ept vpid unrestricted_guest

        processor\t: 1
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 106
        model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz
        flags\t\t: fpu vme lm vmx hypervisor
        vmx flags\t: vnmi ept vpid unrestricted_guest

        """

    @Test func parsesFields() throws {
        let info = try CPUInfoParser.parse(Self.twoProcessors)
        #expect(info.processorCount == 2)
        #expect(info.vendorID == "GenuineIntel")
        #expect(info.cpuFamily == 6)
        #expect(info.model == 106)
        #expect(info.modelName == "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz")
        #expect(info.flags == ["fpu", "vme", "lm", "vmx", "hypervisor"])
        #expect(info.vmxFlags == ["vnmi", "ept", "vpid", "unrestricted_guest"])
        #expect(info.flagsConsistent)
        #expect(info.hasFlag("vmx"))
        #expect(!info.hasFlag("svm"))
    }

    @Test func inconsistentFlagsAreNoticed() throws {
        let text = Self.twoProcessors.replacingFirst("flags\t\t: fpu vme lm vmx hypervisor\nvmx", with: "flags\t\t: fpu vme lm hypervisor\nvmx")
        let info = try CPUInfoParser.parse(text)
        #expect(!info.flagsConsistent)
    }

    @Test("empty and blank text is .empty", arguments: ["", "   \n\n\t\n"])
    func empty(_ text: String) {
        #expect(throws: CPUInfoParseError.empty) { try CPUInfoParser.parse(text) }
    }

    @Test("garbage is .noProcessorEntries", arguments: [
        "this is not a cpuinfo file",
        "\u{7f}ELF\u{2}\u{1}\u{1}\0\0\0\0",
        "key: value\nother: thing\n",
        "{\"schema_version\": 1}",
    ])
    func garbage(_ text: String) {
        #expect(throws: CPUInfoParseError.noProcessorEntries) { try CPUInfoParser.parse(text) }
    }

    @Test("truncated before the flags line is .missingFlags")
    func truncated() throws {
        let text = Self.twoProcessors
        let cut = String(text[..<text.range(of: "flags")!.lowerBound])   // cut before the first flags line
        #expect(cut.contains("model name"))
        #expect(throws: CPUInfoParseError.missingFlags(processor: 0)) { try CPUInfoParser.parse(cut) }
    }

    @Test("the errors describe themselves")
    func descriptions() {
        #expect(CPUInfoParseError.empty.description.contains("empty"))
        #expect(CPUInfoParseError.missingFlags(processor: 3).description.contains("3"))
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
