import Testing

@testable import LiveMigration

@Suite struct TypedParametersTests {
    @Test func everyTypeRoundTrips() throws {
        let params = TypedParameters()
        try params.add("i", .int(-7))
        try params.add("u", .uint(7))
        try params.add("ll", .llong(-1 << 40))
        try params.add("ull", .ullong(1 << 60))
        try params.add("d", .double(0.25))
        try params.add("b", .boolean(true))
        try params.add("s", .string("tcp://127.0.0.1:49152"))
        try params.add("migrate_disks", strings: ["vda", "vdb"])
        #expect(params.count == 9)
        #expect(params.int32("i") == -7)
        #expect(params.uint32("u") == 7)
        #expect(params.int64("ll") == -1 << 40)
        #expect(params.uint64("ull") == 1 << 60)
        #expect(params.double("d") == 0.25)
        #expect(params.bool("b") == true)
        #expect(params.string("s") == "tcp://127.0.0.1:49152")
        #expect(params.string("missing") == nil)
        #expect(params.uint64("s") == nil, "a string is not read as a number")
        let disks = params.entries.filter { $0.name == "migrate_disks" }.map(\.value)
        #expect(disks == [.string("vda"), .string("vdb")])
        #expect(params.dictionary["ull"] == .ullong(1 << 60))
    }

    @Test func policyBecomesLibvirtParameters() throws {
        var policy = MigrationPolicy(
            maxBandwidthMiBps: 32, autoConverge: .init(initialPercent: 30, incrementPercent: 15),
            xbzrleCacheBytes: 64 << 20, parallelConnections: nil, postCopy: .init(bandwidthMiBps: 50),
            tls: true, tlsDestinationName: "host-b", nonSharedDisk: .init(mode: .incremental, disks: ["vda"]),
            persistOnDestination: true)
        let params = try policy.typedParameters(migrateURI: "tcp://127.0.0.1:49152")
        let d = params.dictionary
        #expect(d["migrate_uri"] == .string("tcp://127.0.0.1:49152"))
        #expect(d["bandwidth"] == .ullong(32))
        #expect(d["compression"] == .string("xbzrle"))
        #expect(d["compression.xbzrle.cache"] == .ullong(64 << 20))
        #expect(d["auto_converge.initial"] == .int(30))
        #expect(d["auto_converge.increment"] == .int(15))
        #expect(d["bandwidth.postcopy"] == .ullong(50))
        #expect(d["tls.destination"] == .string("host-b"))
        #expect(d["migrate_disks"] == .string("vda"))
        let flags = policy.flags
        // LIVE|P2P|PERSIST_DEST|NON_SHARED_INC|COMPRESSED|ABORT_ON_ERROR|AUTO_CONVERGE|POSTCOPY|TLS
        let expected: UInt32 = 1 | 2 | 8 | 128 | 2048 | 4096 | 8192 | 32768 | 65536
        #expect(flags == expected)

        policy = MigrationPolicy(persistOnDestination: true, offline: true)
        #expect(policy.flags == 2 | 8 | 1024, "offline: P2P|PERSIST_DEST|OFFLINE, not LIVE")
        #expect(try policy.typedParameters(migrateURI: nil).count == 0)
    }
}
