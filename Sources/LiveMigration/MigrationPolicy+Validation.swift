/// What the running libvirt and hypervisor are, for policy validation.
public struct MigrationPlatform: Sendable, Equatable {
    public var libvirt: LibvirtVersion
    /// QEMU's version as libvirt reports it (`virConnectGetVersion`).
    public var hypervisor: LibvirtVersion
    public init(libvirt: LibvirtVersion, hypervisor: LibvirtVersion) {
        self.libvirt = libvirt
        self.hypervisor = hypervisor
    }
}

extension MigrationPolicy {
    /// Checks the policy against itself and the platform, throwing
    /// `MigrationError.invalidPolicy` for contradictions and
    /// `MigrationError.unsupported(feature:reason:)` for what this libvirt/QEMU cannot do.
    public func validate(on platform: MigrationPlatform) throws {
        func require(_ feature: String, libvirt version: LibvirtVersion) throws {
            if platform.libvirt < version {
                throw MigrationError.unsupported(
                    feature: feature, reason: "needs libvirt \(version) or newer, this host runs \(platform.libvirt)")
            }
        }
        func require(_ feature: String, qemu version: LibvirtVersion) throws {
            if platform.hypervisor < version {
                throw MigrationError.unsupported(
                    feature: feature, reason: "needs QEMU \(version) or newer, this host runs \(platform.hypervisor)")
            }
        }

        if offline {
            if !persistOnDestination {
                throw MigrationError.invalidPolicy("offline migration needs persistOnDestination: it only moves the definition")
            }
            let live: [(Bool, String)] = [
                (postCopy != nil, "post-copy"), (autoConverge != nil, "auto-converge"),
                (xbzrleCacheBytes != nil, "XBZRLE"), (multiThreadCompression != nil, "multi-threaded compression"),
                (parallelConnections != nil, "parallel connections"), (nonSharedDisk != nil, "non-shared disk copy"),
                (tls, "TLS"), (!downtimeSchedule.isEmpty || !bandwidthSchedule.isEmpty, "schedules"),
            ]
            if let conflict = live.first(where: { $0.0 }) {
                throw MigrationError.invalidPolicy("\(conflict.1) applies to a live migration, not an offline one")
            }
        }
        if let ac = autoConverge {
            try require("auto-converge parameters", libvirt: LibvirtVersion(major: 2, minor: 0))
            guard (1...99).contains(ac.initialPercent), (1...99).contains(ac.incrementPercent) else {
                throw MigrationError.invalidPolicy("auto-converge percentages must be 1...99")
            }
        }
        if let cache = xbzrleCacheBytes {
            try require("XBZRLE cache size", libvirt: LibvirtVersion(major: 1, minor: 3, release: 4))
            guard cache >= 4096, cache % 4096 == 0 else {
                throw MigrationError.invalidPolicy("XBZRLE cache must be a non-zero multiple of 4 KiB")
            }
        }
        if let mt = multiThreadCompression {
            try require("multi-threaded compression", libvirt: LibvirtVersion(major: 1, minor: 3, release: 4))
            if platform.hypervisor >= LibvirtVersion(major: 9, minor: 1) {
                throw MigrationError.unsupported(
                    feature: "multi-threaded compression",
                    reason: "QEMU \(platform.hypervisor) removed the compress capability (deprecated in 8.2, removed in 9.1)")
            }
            if let level = mt.level, !(0...9).contains(level) {
                throw MigrationError.invalidPolicy("compression level must be 0...9")
            }
            if parallelConnections != nil {
                throw MigrationError.unsupported(
                    feature: "multi-threaded compression with parallel connections",
                    reason: "QEMU cannot combine the compress capability with multifd")
            }
        }
        if let n = parallelConnections {
            try require("parallel connections", libvirt: LibvirtVersion(major: 5, minor: 2))
            try require("parallel connections", qemu: LibvirtVersion(major: 4, minor: 0))
            guard (1...255).contains(n) else { throw MigrationError.invalidPolicy("parallel connections must be 1...255") }
            if xbzrleCacheBytes != nil {
                throw MigrationError.unsupported(
                    feature: "XBZRLE with parallel connections",
                    reason: "QEMU \(platform.hypervisor) does not apply XBZRLE to multifd channels")
            }
        }
        if let postCopy {
            try require("post-copy", libvirt: LibvirtVersion(major: 1, minor: 3, release: 3))
            try require("post-copy", qemu: LibvirtVersion(major: 2, minor: 5))
            if postCopy.bandwidthMiBps != nil {
                try require("post-copy bandwidth", libvirt: LibvirtVersion(major: 5, minor: 1))
            }
            if multiThreadCompression != nil {
                throw MigrationError.unsupported(
                    feature: "post-copy with multi-threaded compression",
                    reason: "QEMU refuses post-copy while the compress capability is on")
            }
            if parallelConnections != nil && platform.hypervisor < LibvirtVersion(major: 8, minor: 0) {
                throw MigrationError.unsupported(
                    feature: "post-copy with parallel connections",
                    reason: "QEMU \(platform.hypervisor) cannot switch multifd migrations to post-copy")
            }
        }
        if tls { try require("TLS migration", libvirt: LibvirtVersion(major: 3, minor: 2)) }
        if tlsDestinationName != nil {
            try require("tls.destination", libvirt: LibvirtVersion(major: 6, minor: 0))
            if !tls { throw MigrationError.invalidPolicy("tlsDestinationName needs tls") }
        }
        if let disk = nonSharedDisk, !disk.disks.isEmpty {
            try require("choosing disks to copy", libvirt: LibvirtVersion(major: 1, minor: 2, release: 17))
        }
        if let stall = stallTimeoutSeconds, stall <= 0 {
            throw MigrationError.invalidPolicy("stall timeout must be positive")
        }
    }
}
