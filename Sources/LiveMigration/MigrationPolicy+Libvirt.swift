import CLivCloudLibvirt

extension MigrationPolicy {
    /// `virDomainMigrateFlags` for `virDomainMigrateToURI3` (always peer-to-peer).
    var flags: UInt32 {
        var flags = UInt32(VIR_MIGRATE_PEER2PEER.rawValue)
        func set(_ flag: virDomainMigrateFlags) { flags |= UInt32(flag.rawValue) }
        if offline {
            set(VIR_MIGRATE_OFFLINE)
        } else {
            set(VIR_MIGRATE_LIVE)
            set(VIR_MIGRATE_ABORT_ON_ERROR)
        }
        if autoConverge != nil { set(VIR_MIGRATE_AUTO_CONVERGE) }
        if xbzrleCacheBytes != nil || multiThreadCompression != nil { set(VIR_MIGRATE_COMPRESSED) }
        if parallelConnections != nil { set(VIR_MIGRATE_PARALLEL) }
        if postCopy != nil { set(VIR_MIGRATE_POSTCOPY) }
        if tls { set(VIR_MIGRATE_TLS) }
        switch nonSharedDisk?.mode {
        case .full: set(VIR_MIGRATE_NON_SHARED_DISK)
        case .incremental: set(VIR_MIGRATE_NON_SHARED_INC)
        case nil: break
        }
        if persistOnDestination { set(VIR_MIGRATE_PERSIST_DEST) }
        if undefineOnSource { set(VIR_MIGRATE_UNDEFINE_SOURCE) }
        return flags
    }

    /// The typed parameters for `virDomainMigrateToURI3`.
    func typedParameters(migrateURI: String?) throws(LibvirtError) -> TypedParameters {
        let params = TypedParameters()
        if let migrateURI { try params.add("migrate_uri", .string(migrateURI)) }
        if let maxBandwidthMiBps { try params.add("bandwidth", .ullong(maxBandwidthMiBps)) }
        var methods: [String] = []
        if xbzrleCacheBytes != nil { methods.append("xbzrle") }
        if multiThreadCompression != nil { methods.append("mt") }
        try params.add("compression", strings: methods)
        if let xbzrleCacheBytes { try params.add("compression.xbzrle.cache", .ullong(xbzrleCacheBytes)) }
        if let mt = multiThreadCompression {
            if let level = mt.level { try params.add("compression.mt.level", .int(Int32(level))) }
            if let threads = mt.threads { try params.add("compression.mt.threads", .int(Int32(threads))) }
            if let d = mt.decompressionThreads { try params.add("compression.mt.dthreads", .int(Int32(d))) }
        }
        if let autoConverge {
            try params.add("auto_converge.initial", .int(Int32(autoConverge.initialPercent)))
            try params.add("auto_converge.increment", .int(Int32(autoConverge.incrementPercent)))
        }
        if let parallelConnections { try params.add("parallel.connections", .int(Int32(parallelConnections))) }
        if let bw = postCopy?.bandwidthMiBps { try params.add("bandwidth.postcopy", .ullong(bw)) }
        if let tlsDestinationName { try params.add("tls.destination", .string(tlsDestinationName)) }
        if let disks = nonSharedDisk?.disks { try params.add("migrate_disks", strings: disks) }
        return params
    }
}
