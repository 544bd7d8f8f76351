/// Everything a host says about virtualization, as read from it. Facts are
/// raw observations (registers, file contents, errno values); deciding what
/// they mean is `HostCapabilities`' job. The value is `Codable`, so it can be
/// recorded to JSON on one machine and replayed on another; the schema is
/// `Documentation/host-facts.schema.json`, version `schemaVersion`.
public struct HostFacts: Sendable, Equatable, Codable {
    /// The JSON schema version this library writes and reads.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// Where the facts came from.
    public var origin: Origin
    public var kernel: KernelFacts
    /// Raw CPUID leaves of the CPU the probe ran on (live hosts only).
    public var cpuid: Fact<[CPUIDLeaf]>
    /// `/proc/cpuinfo`.
    public var cpuinfo: Fact<CPUInfo>
    /// Virtualization MSRs of every online CPU (live hosts only).
    public var msrs: Fact<[CPUMSRs]>
    /// `/dev/kvm` and its ioctls (live hosts only).
    public var kvmDevice: Fact<KVMDeviceFacts>
    /// Loaded kernel modules that matter (kvm*), with their parameters.
    public var modules: ModuleFacts
    /// `/sys/class/dmi/id/*`.
    public var dmi: DMIFacts
    /// `/sys/hypervisor/type`.
    public var sysHypervisorType: Fact<String>
    /// Whether `/proc/xen` exists.
    public var procXenPresent: Bool
    /// PCI vendor/device ids.
    public var pciDevices: Fact<[PCIDevice]>
    /// `/sys/devices/system/cpu/vulnerabilities/{itlb_multihit,l1tf}`.
    public var vulnerabilities: [String: Fact<String>]
    /// `qemu-system-*` (and `qemu-kvm`) binaries found under the root.
    public var qemuBinaries: Fact<[String]>
    /// Capabilities of the probing process (live hosts only).
    public var processCapabilities: Fact<ProcessCapabilities>

    public init(
        schemaVersion: Int = HostFacts.currentSchemaVersion,
        origin: Origin,
        kernel: KernelFacts,
        cpuid: Fact<[CPUIDLeaf]>,
        cpuinfo: Fact<CPUInfo>,
        msrs: Fact<[CPUMSRs]>,
        kvmDevice: Fact<KVMDeviceFacts>,
        modules: ModuleFacts,
        dmi: DMIFacts,
        sysHypervisorType: Fact<String>,
        procXenPresent: Bool,
        pciDevices: Fact<[PCIDevice]>,
        vulnerabilities: [String: Fact<String>],
        qemuBinaries: Fact<[String]>,
        processCapabilities: Fact<ProcessCapabilities>
    ) {
        self.schemaVersion = schemaVersion
        self.origin = origin
        self.kernel = kernel
        self.cpuid = cpuid
        self.cpuinfo = cpuinfo
        self.msrs = msrs
        self.kvmDevice = kvmDevice
        self.modules = modules
        self.dmi = dmi
        self.sysHypervisorType = sysHypervisorType
        self.procXenPresent = procXenPresent
        self.pciDevices = pciDevices
        self.vulnerabilities = vulnerabilities
        self.qemuBinaries = qemuBinaries
        self.processCapabilities = processCapabilities
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", origin, kernel, cpuid, cpuinfo, msrs
        case kvmDevice = "kvm_device", modules, dmi
        case sysHypervisorType = "sys_hypervisor_type", procXenPresent = "proc_xen_present"
        case pciDevices = "pci_devices", vulnerabilities, qemuBinaries = "qemu_binaries"
        case processCapabilities = "process_capabilities"
    }

    /// Where a set of facts was read.
    public struct Origin: Sendable, Equatable, Codable {
        /// "live" (this host, root `/`) or "sysroot" (a recorded tree).
        public var kind: Kind
        /// The root the files were read from.
        public var root: String
        /// Host name when live.
        public var hostname: String?

        public enum Kind: String, Sendable, Codable { case live, sysroot }

        public init(kind: Kind, root: String, hostname: String? = nil) {
            self.kind = kind
            self.root = root
            self.hostname = hostname
        }
    }
}

/// The running kernel.
public struct KernelFacts: Sendable, Equatable, Codable {
    /// `/proc/sys/kernel/osrelease`.
    public var release: Fact<String>
    /// `uname -m` of the live kernel ("x86_64", "i686"); unknown for a recorded tree.
    public var machine: Fact<String>

    public init(release: Fact<String>, machine: Fact<String>) {
        self.release = release
        self.machine = machine
    }

    /// 64 or 32 when the machine name tells, nil otherwise.
    public var bitness: Int? {
        guard let machine = machine.value else { return nil }
        if ["x86_64", "amd64", "aarch64", "ppc64le", "s390x", "riscv64"].contains(machine) { return 64 }
        if ["i386", "i486", "i586", "i686", "armv7l"].contains(machine) { return 32 }
        return nil
    }
}

/// One CPUID leaf/subleaf and the four registers it returned.
public struct CPUIDLeaf: Sendable, Equatable, Codable {
    public var leaf: UInt32
    public var subleaf: UInt32
    public var eax: UInt32
    public var ebx: UInt32
    public var ecx: UInt32
    public var edx: UInt32

    public init(leaf: UInt32, subleaf: UInt32 = 0, eax: UInt32, ebx: UInt32, ecx: UInt32, edx: UInt32) {
        self.leaf = leaf
        self.subleaf = subleaf
        self.eax = eax
        self.ebx = ebx
        self.ecx = ecx
        self.edx = edx
    }
}

/// Virtualization MSRs of one CPU, each read through `/dev/cpu/N/msr`.
public struct CPUMSRs: Sendable, Equatable, Codable {
    public var cpu: Int
    /// MSR index (e.g. 0x3A) to what reading it gave.
    public var readings: [MSRReading]

    public init(cpu: Int, readings: [MSRReading]) {
        self.cpu = cpu
        self.readings = readings
    }

    /// The reading of `index`, if it was attempted.
    public func reading(_ index: UInt32) -> Fact<UInt64>? {
        readings.first { $0.index == index }?.value
    }
}

/// One MSR read: its index and the value, or why it could not be read.
public struct MSRReading: Sendable, Equatable, Codable {
    public var index: UInt32
    public var value: Fact<UInt64>

    public init(index: UInt32, value: Fact<UInt64>) {
        self.index = index
        self.value = value
    }
}

/// What `/dev/kvm` and a few ioctls on it said.
public struct KVMDeviceFacts: Sendable, Equatable, Codable {
    /// Whether the device node exists.
    public var present: Bool
    /// "major:minor" of the node when it is a character device.
    public var deviceNumber: String?
    /// errno of `open(O_RDWR)`, 0 on success.
    public var openErrno: Int32
    /// Whether the device opened read-write.
    public var openedReadWrite: Bool
    /// `KVM_GET_API_VERSION` (12 on every modern kernel), or why it failed.
    public var apiVersion: Fact<Int>
    /// errno of a trial `KVM_CREATE_VM` (0 = a VM could be created), or unknown when not attempted.
    public var createVMErrno: Fact<Int32>
    /// `KVM_CHECK_EXTENSION` answers by capability name.
    public var extensions: [String: Fact<Int>]

    public init(present: Bool, deviceNumber: String?, openErrno: Int32, openedReadWrite: Bool,
                apiVersion: Fact<Int>, createVMErrno: Fact<Int32>, extensions: [String: Fact<Int>]) {
        self.present = present
        self.deviceNumber = deviceNumber
        self.openErrno = openErrno
        self.openedReadWrite = openedReadWrite
        self.apiVersion = apiVersion
        self.createVMErrno = createVMErrno
        self.extensions = extensions
    }

    enum CodingKeys: String, CodingKey {
        case present, deviceNumber = "device_number", openErrno = "open_errno"
        case openedReadWrite = "opened_read_write", apiVersion = "api_version"
        case createVMErrno = "create_vm_errno", extensions
    }
}

/// Kernel modules relevant to virtualization.
public struct ModuleFacts: Sendable, Equatable, Codable {
    /// Names of loaded modules starting with "kvm" (from `/proc/modules`, and
    /// built-in ones visible as `/sys/module/NAME`).
    public var kvmModules: [String]
    /// `/sys/module/NAME/parameters/*` for each of `kvmModules`.
    public var parameters: [String: [String: String]]
    /// Whether `/proc/modules` could be read (a kernel without module support has none).
    public var procModules: Fact<[String]>

    public init(kvmModules: [String], parameters: [String: [String: String]], procModules: Fact<[String]>) {
        self.kvmModules = kvmModules
        self.parameters = parameters
        self.procModules = procModules
    }

    enum CodingKeys: String, CodingKey {
        case kvmModules = "kvm_modules", parameters, procModules = "proc_modules"
    }
}

/// DMI identification strings.
public struct DMIFacts: Sendable, Equatable, Codable {
    public var sysVendor: Fact<String>
    public var productName: Fact<String>
    public var productVersion: Fact<String>
    public var boardVendor: Fact<String>
    public var biosVendor: Fact<String>

    public init(sysVendor: Fact<String>, productName: Fact<String>, productVersion: Fact<String>,
                boardVendor: Fact<String>, biosVendor: Fact<String>) {
        self.sysVendor = sysVendor
        self.productName = productName
        self.productVersion = productVersion
        self.boardVendor = boardVendor
        self.biosVendor = biosVendor
    }

    enum CodingKeys: String, CodingKey {
        case sysVendor = "sys_vendor", productName = "product_name"
        case productVersion = "product_version", boardVendor = "board_vendor", biosVendor = "bios_vendor"
    }
}

/// A PCI function's vendor and device id.
public struct PCIDevice: Sendable, Equatable, Hashable, Codable {
    public var vendor: UInt16
    public var device: UInt16

    public init(vendor: UInt16, device: UInt16) {
        self.vendor = vendor
        self.device = device
    }
}

/// Effective capabilities of the probing process.
public struct ProcessCapabilities: Sendable, Equatable, Codable {
    public var sysRawio: Bool
    public var sysAdmin: Bool
    public var effectiveUID: UInt32

    public init(sysRawio: Bool, sysAdmin: Bool, effectiveUID: UInt32) {
        self.sysRawio = sysRawio
        self.sysAdmin = sysAdmin
        self.effectiveUID = effectiveUID
    }

    enum CodingKeys: String, CodingKey {
        case sysRawio = "cap_sys_rawio", sysAdmin = "cap_sys_admin", effectiveUID = "effective_uid"
    }
}
