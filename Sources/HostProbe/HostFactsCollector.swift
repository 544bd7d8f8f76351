#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Collects `HostFacts` from a root and a set of system probes.
///
/// ```swift
/// let facts = try await HostFactsCollector().collect()                  // this host
/// let recorded = try HostFactsCollector(root: HostRoot(path: "tree")).collectBlocking()
/// ```
public struct HostFactsCollector: Sendable {
    public var root: HostRoot
    public var probes: any SystemProbes
    public var logger: Logger

    /// A collector for `root`. Live-only facts come from `probes`; when not
    /// given, they are read from this machine for `/` and are unknown for any
    /// other root (a recorded tree cannot hold them).
    public init(root: HostRoot = .live, probes: (any SystemProbes)? = nil,
                logger: Logger = Logger(label: "livcloud.hostprobe")) {
        self.root = root
        self.probes = probes ?? (root.isLive ? LiveSystemProbes() : UnavailableSystemProbes(root: root.path))
        self.logger = logger
    }

    /// Collects on a dedicated thread, never on Swift's cooperative pool
    /// (the probes block on file I/O and ioctls).
    public func collect() async -> HostFacts {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "livcloud.hostprobe.collect").async {
                continuation.resume(returning: collectBlocking())
            }
        }
    }

    /// Collects on the calling thread. Blocks.
    public func collectBlocking() -> HostFacts {
        logger.debug("collecting host facts", metadata: ["root": "\(root.path)"])
        let cpuinfo = readCPUInfo()
        let cpuid = probes.cpuidLeaves()
        let vendor = cpuid.value.flatMap { CPUIDSummary(leaves: $0).vendor } ?? cpuinfo.value?.vendorID
        let msrs = probes.msrs(cpus: onlineCPUs(fallbackCount: cpuinfo.value?.processorCount),
                               indices: Self.msrIndices(vendor: vendor))
        let facts = HostFacts(
            origin: .init(kind: root.isLive ? .live : .sysroot, root: root.path, hostname: probes.hostname()),
            kernel: KernelFacts(release: root.fact("proc/sys/kernel/osrelease"), machine: probes.machine()),
            cpuid: cpuid,
            cpuinfo: cpuinfo,
            msrs: msrs,
            kvmDevice: probes.kvmDevice(),
            modules: readModules(),
            dmi: DMIFacts(
                sysVendor: root.fact("sys/class/dmi/id/sys_vendor"),
                productName: root.fact("sys/class/dmi/id/product_name"),
                productVersion: root.fact("sys/class/dmi/id/product_version"),
                boardVendor: root.fact("sys/class/dmi/id/board_vendor"),
                biosVendor: root.fact("sys/class/dmi/id/bios_vendor")),
            sysHypervisorType: root.fact("sys/hypervisor/type"),
            procXenPresent: root.exists("proc/xen"),
            pciDevices: readPCIDevices(),
            vulnerabilities: Dictionary(uniqueKeysWithValues: ["itlb_multihit", "l1tf"].map {
                ($0, root.fact("sys/devices/system/cpu/vulnerabilities/\($0)"))
            }),
            qemuBinaries: findQEMUBinaries(),
            processCapabilities: probes.processCapabilities()
        )
        logger.debug("host facts collected")
        return facts
    }

    static func msrIndices(vendor: String?) -> [UInt32] {
        switch vendor {
        case "GenuineIntel": return MSRIndex.intel
        case "AuthenticAMD", "HygonGenuine": return MSRIndex.amd
        default: return MSRIndex.intel + MSRIndex.amd
        }
    }

    func readCPUInfo() -> Fact<CPUInfo> {
        switch root.readText("proc/cpuinfo") {
        case .failure(let error): return .unknown(error.reason, errno: error.errno)
        case .success(let text):
            do { return .known(try CPUInfoParser.parse(text)) } catch {
                return .unknown("\(root.resolve("proc/cpuinfo")): \(error)")
            }
        }
    }

    /// Online CPU numbers from `sys/devices/system/cpu/online` ("0-3,6").
    func onlineCPUs(fallbackCount: Int?) -> [Int] {
        if let text = root.fact("sys/devices/system/cpu/online").value, let cpus = Self.parseCPUList(text) {
            return cpus
        }
        return Array(0..<(fallbackCount ?? 1))
    }

    /// Parses a kernel CPU list ("0-3,6,8-9"); nil when malformed.
    public static func parseCPUList(_ text: String) -> [Int]? {
        var cpus: [Int] = []
        // Keep empty pieces so "1,", "-1" and "0-" are rejected rather than read as "1" and "0".
        for part in text.trimmingWhitespace().split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2,
                  let low = Int(bounds[0]), let high = Int(bounds.last!), low >= 0, low <= high, high < 65536
            else { return nil }
            cpus.append(contentsOf: low...high)
        }
        return cpus.isEmpty ? nil : cpus
    }

    func readModules() -> ModuleFacts {
        var kvmModules = Set<String>()
        let procModules: Fact<[String]>
        switch root.readText("proc/modules") {
        case .success(let text):
            let names = text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            procModules = .known(names)
            kvmModules.formUnion(names.filter { $0.hasPrefix("kvm") })
        case .failure(let error):
            procModules = .unknown(error.reason, errno: error.errno)
        }
        // Built-in modules have no /proc/modules line but show in /sys/module.
        if case .success(let names) = root.list("sys/module") {
            kvmModules.formUnion(names.filter { $0.hasPrefix("kvm") })
        }
        var parameters: [String: [String: String]] = [:]
        for module in kvmModules {
            guard case .success(let names) = root.list("sys/module/\(module)/parameters") else { continue }
            var values: [String: String] = [:]
            for name in names where Self.relevantParameters.contains(name) {
                if let value = root.fact("sys/module/\(module)/parameters/\(name)").value { values[name] = value }
            }
            parameters[module] = values
        }
        return ModuleFacts(kvmModules: kvmModules.sorted(), parameters: parameters, procModules: procModules)
    }

    /// Module parameters that bear on what guests can do; the rest are not read.
    static let relevantParameters: Set<String> = [
        "nested", "ept", "npt", "unrestricted_guest", "enable_apicv", "avic", "vls", "vgif",
        "enable_shadow_vmcs", "vmentry_l1d_flush", "nx_huge_pages", "sev", "sev_es", "tdp_mmu",
        "enable_virt_at_load", "ignore_msrs", "emulate_invalid_guest_state", "flexpriority", "vpid",
    ]

    func readPCIDevices() -> Fact<[PCIDevice]> {
        if case .success(let addresses) = root.list("sys/bus/pci/devices"), !addresses.isEmpty {
            let devices = addresses.compactMap { address -> PCIDevice? in
                guard let vendor = root.fact("sys/bus/pci/devices/\(address)/vendor").value.flatMap(Self.hex16),
                      let device = root.fact("sys/bus/pci/devices/\(address)/device").value.flatMap(Self.hex16)
                else { return nil }
                return PCIDevice(vendor: vendor, device: device)
            }
            return .known(devices)
        }
        switch root.readText("proc/bus/pci/devices") {
        case .success(let text): return .known(Self.parseProcPCIDevices(text))
        case .failure(let error):
            return .unknown("no PCI information: neither sys/bus/pci/devices nor \(error.path) is readable", errno: error.errno)
        }
    }

    /// `/proc/bus/pci/devices`: the second column is vendor and device, 4 hex digits each.
    public static func parseProcPCIDevices(_ text: String) -> [PCIDevice] {
        text.split(separator: "\n").compactMap { line in
            let columns = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard columns.count >= 2, columns[1].count == 8, let id = UInt32(columns[1], radix: 16) else { return nil }
            return PCIDevice(vendor: UInt16(id >> 16), device: UInt16(id & 0xFFFF))
        }
    }

    static func hex16(_ text: String) -> UInt16? {
        let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
        return UInt16(digits, radix: 16)
    }

    /// Directories searched for QEMU system emulators, relative to the root.
    static let qemuDirectories = ["usr/bin", "usr/local/bin", "usr/libexec", "bin"]

    func findQEMUBinaries() -> Fact<[String]> {
        var found: [String] = []
        var searched = false
        for directory in Self.qemuDirectories {
            guard case .success(let names) = root.list(directory) else { continue }
            searched = true
            for name in names where name.hasPrefix("qemu-system-") || name == "qemu-kvm" {
                if let type = root.fileType("\(directory)/\(name)"), type == S_IFREG { found.append("/\(directory)/\(name)") }
            }
        }
        guard searched else {
            return .unknown("none of \(Self.qemuDirectories.joined(separator: ", ")) exists under \(root.path)")
        }
        return .known(found)
    }
}
