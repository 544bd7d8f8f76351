import MigrationModel
import Testing

@testable import LiveMigration

@Suite struct MigrationPolicyTests {
    let here = MigrationPlatform(
        libvirt: LibvirtVersion(major: 9, minor: 0), hypervisor: LibvirtVersion(major: 7, minor: 2))

    @Test func defaultAndFullPoliciesAreValidHere() throws {
        try MigrationPolicy.livCloudDefault.validate(on: here)
        try MigrationPolicy(
            maxDowntimeMs: 100, maxBandwidthMiBps: 10, autoConverge: .init(), xbzrleCacheBytes: 32 << 20,
            postCopy: .init(switchAfter: .atIteration(5)), tls: true, nonSharedDisk: .init(),
            persistOnDestination: true, undefineOnSource: true
        ).validate(on: here)
        try MigrationPolicy(parallelConnections: 4).validate(on: here)
        try MigrationPolicy(multiThreadCompression: .init(level: 1, threads: 2)).validate(on: here)
    }

    @Test func unsupportedFeaturesNameTheFeatureAndWhy() {
        let old = MigrationPlatform(libvirt: LibvirtVersion(major: 4, minor: 5), hypervisor: LibvirtVersion(major: 2, minor: 11))
        #expect(throws: MigrationError.unsupported(
            feature: "parallel connections", reason: "needs libvirt 5.2.0 or newer, this host runs 4.5.0")
        ) { try MigrationPolicy(parallelConnections: 2).validate(on: old) }

        let newQemu = MigrationPlatform(libvirt: LibvirtVersion(major: 10, minor: 0), hypervisor: LibvirtVersion(major: 9, minor: 1))
        let error = #expect(throws: MigrationError.self) {
            try MigrationPolicy(multiThreadCompression: .init()).validate(on: newQemu)
        }
        guard case .unsupported(let feature, let reason)? = error else {
            Issue.record("expected unsupported, got \(String(describing: error))")
            return
        }
        #expect(feature == "multi-threaded compression")
        #expect(reason.contains("9.1"))

        #expect(throws: MigrationError.self) {
            try MigrationPolicy(xbzrleCacheBytes: 1 << 20, parallelConnections: 2).validate(on: here)
        }
        #expect(throws: MigrationError.self) {
            try MigrationPolicy(multiThreadCompression: .init(), postCopy: .init()).validate(on: here)
        }
    }

    @Test func contradictionsAreInvalid() {
        #expect(throws: MigrationError.self) { try MigrationPolicy(offline: true).validate(on: here) }
        #expect(throws: MigrationError.self) {
            try MigrationPolicy(autoConverge: .init(), persistOnDestination: true, offline: true).validate(on: here)
        }
        #expect(throws: MigrationError.self) { try MigrationPolicy(xbzrleCacheBytes: 1000).validate(on: here) }
        #expect(throws: MigrationError.self) {
            try MigrationPolicy(autoConverge: .init(initialPercent: 0, incrementPercent: 10)).validate(on: here)
        }
        #expect(throws: MigrationError.self) { try MigrationPolicy(tlsDestinationName: "b").validate(on: here) }
        try? MigrationPolicy(persistOnDestination: true, offline: true).validate(on: here)
    }

    @Test func scheduleControllerEmitsEachChangeOnceWhenReached() {
        var c = PolicyScheduleController(policy: MigrationPolicy(
            maxDowntimeMs: 50, downtimeSchedule: [ScheduledChange(.atIteration(3), 500)],
            bandwidthSchedule: [ScheduledChange(.afterSeconds(2), 100)], postCopy: .init(switchAfter: .atIteration(5))))
        let first = c.observe(JobSample(elapsedSeconds: 0.5, iteration: 1))
        #expect(first.map(\.action) == [.setMaxDowntime(milliseconds: 50)])
        #expect(c.observe(JobSample(elapsedSeconds: 1, iteration: 2)).isEmpty)
        #expect(c.observe(JobSample(elapsedSeconds: 2.1, iteration: 3)).map(\.action)
            == [.setMaxDowntime(milliseconds: 500), .setMaxBandwidth(mebibytesPerSecond: 100)])
        #expect(c.observe(JobSample(elapsedSeconds: 3, iteration: 4)).isEmpty)
        let last = c.observe(JobSample(elapsedSeconds: 4, iteration: 6))
        #expect(last.map(\.action) == [.startPostCopy])
        #expect(last.first?.reason.contains("post-copy") == true)
        #expect(c.observe(JobSample(elapsedSeconds: 9, iteration: 9)).isEmpty)
    }

    @Test func defaultScheduleRaisesDowntimeMonotonically() {
        let values = MigrationPolicy.livCloudDefault.downtimeSchedule.map(\.value)
        #expect(values == values.sorted())
        #expect(values.allSatisfy { $0 > 300 })
    }
}
