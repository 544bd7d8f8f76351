import MigrationModel
import Testing

@testable import LiveMigration

@Suite struct JobStatsTests {
    @Test func statsMapToTheModelsSample() {
        let stats = JobStats(type: .unbounded, values: [
            "time_elapsed": .ullong(2500), "memory_iteration": .ullong(3), "memory_total": .ullong(134_217_728),
            "memory_processed": .ullong(100_000_000), "memory_remaining": .ullong(4096 * 100),
            "memory_dirty_rate": .ullong(1000), "memory_page_size": .ullong(4096), "memory_bps": .ullong(30_000_000),
            "downtime": .ullong(42), "auto_converge_throttle": .int(30),
        ])
        let s = stats.sample
        #expect(s.elapsedSeconds == 2.5)
        #expect(s.iteration == 3)
        #expect(s.memoryTotalBytes == 134_217_728)
        #expect(s.memoryRemainingBytes == 409_600)
        #expect(s.dirtyRateBytesPerSecond == 4_096_000)
        #expect(s.bandwidthBytesPerSecond == 30_000_000)
        #expect(s.expectedDowntimeMs == 42)
        #expect(s.throttlePercent == 30)
        let progress = MigrationProgress(stats: stats, sourceState: DomainState(kind: .running, reason: 1))
        #expect(progress.phase == .precopy)
        #expect(progress.passETASeconds.map { abs($0 - 409_600.0 / 30_000_000) < 1e-9 } == true)
    }

    @Test func missingFieldsStayUnknown() {
        let s = JobStats(type: .unbounded, values: ["time_elapsed": .ullong(10)]).sample
        #expect(s.iteration == nil)
        #expect(s.dirtyRateBytesPerSecond == nil)
        #expect(s.throttlePercent == nil)
        let p = MigrationProgress(stats: JobStats(type: .unbounded, values: [:]), sourceState: nil)
        #expect(p.phase == .setup)
        #expect(p.passFraction == nil)
    }
}
