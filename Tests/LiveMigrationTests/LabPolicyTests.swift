import Foundation
import Logging
import MigrationModel
import Testing

@testable import LiveMigration

/// Steers by a condition on the samples: fires `action` once when `condition` holds,
/// and aborts if `giveUpAfter` seconds pass first (so a test cannot hang).
struct WhenController: MigrationController {
    var condition: @Sendable (JobSample) -> Bool
    var action: SteeringAction
    var reason: String
    var giveUpAfter: Double
    var fired = false

    mutating func observe(_ sample: JobSample) -> [SteeringDecision] {
        guard !fired else { return [] }
        if condition(sample) {
            fired = true
            return [SteeringDecision(action: action, reason: reason, atSeconds: sample.elapsedSeconds)]
        }
        if sample.elapsedSeconds > giveUpAfter {
            fired = true
            return [SteeringDecision(action: .abort, reason: "test gave up waiting: \(reason)", atSeconds: sample.elapsedSeconds)]
        }
        return []
    }
}

extension LabMigrationTests {
    @Test func bandwidthCapHoldsAndCanBeRaisedMidFlight() async throws {
        let lab = try await Lab.shared()
        let name = "mig-bw"
        try await lab.startGuest(name, dirtyMiBPerSecond: 4, wssMiB: 32)
        defer { lab.destroyGuestNow(name) }
        let cap: UInt64 = 4, raiseAt = 6.0
        let speedDuringJob = Locked<UInt64?>(nil)
        let run = try await migrate(
            lab, name,
            policy: MigrationPolicy(
                maxBandwidthMiBps: cap, bandwidthSchedule: [ScheduledChange(.afterSeconds(raiseAt), 256)],
                stallTimeoutSeconds: nil)
        ) { event, _ in
            // Asked on a connection of its own, once memory moves.
            if case .progress(let p) = event, p.phase == .precopy, speedDuringJob.withLock({ $0 }) == nil {
                let speed = try? await lab.connection("a").domain(named: name).maxBandwidth()
                speedDuringJob.withLock { $0 = speed }
            }
        }
        let result = try run.outcome.get()
        #expect(result.placement.runningOn == .destination)
        #expect(speedDuringJob.withLock { $0 } == cap, "virDomainMigrateGetMaxSpeed while capped")

        let capBps = Double(cap * Self.mib)
        let capped = run.events.progress.filter { $0.sample.elapsedSeconds > 1.5 && $0.sample.elapsedSeconds < raiseAt - 0.5 }
        let cappedRates = capped.compactMap(\.sample.bandwidthBytesPerSecond).filter { $0 > 0 }
        #expect(cappedRates.count >= 3, "samples while capped: \(capped.count)")
        #expect(cappedRates.allSatisfy { $0 <= capBps * 1.3 }, "rates while capped: \(cappedRates)")

        let raise = try #require(run.events.decisions.first { $0.decision.action == .setMaxBandwidth(mebibytesPerSecond: 256) })
        #expect(raise.error == nil)
        let after = run.events.progress.filter { $0.sample.elapsedSeconds > raise.decision.atSeconds + 0.3 }
        let fastest = after.compactMap(\.sample.bandwidthBytesPerSecond).max() ?? 0
        let remainingAtRaise = Double(run.events.progress.last { $0.sample.elapsedSeconds <= raise.decision.atSeconds }?
            .sample.memoryRemainingBytes ?? 0)
        let total = Double(try #require(result.stats?.totalTimeMs)) / 1000
        // Either a sample shows the higher rate, or the rest of the job took far
        // less than the old cap would have needed for what was left.
        let finishedFast = total - raise.decision.atSeconds < 0.5 * remainingAtRaise / capBps
        #expect(fastest > 2 * capBps || finishedFast,
                "after the raise: fastest \(fastest) B/s, \(total - raise.decision.atSeconds) s for \(remainingAtRaise) B")
        #expect(total >= raiseAt, "the cap held the job until the raise (total \(total) s)")
    }

    @Test func maxDowntimeChangedMidFlightLetsTheJobConverge() async throws {
        let lab = try await Lab.shared()
        let name = "mig-downtime"
        try await lab.startGuest(name, dirtyMiBPerSecond: 16, wssMiB: 32)
        defer { lab.destroyGuestNow(name) }
        let raiseAtIteration = 5
        let downtimeAfterInitial = Locked<UInt64?>(nil)
        let run = try await migrate(
            lab, name,
            policy: MigrationPolicy(
                maxDowntimeMs: 1, downtimeSchedule: [ScheduledChange(.atIteration(raiseAtIteration), 5000)],
                maxBandwidthMiBps: 16, stallTimeoutSeconds: nil)
        ) { event, _ in
            // Asked on a connection of its own, from pass 2.
            if case .progress(let p) = event, p.phase == .precopy, (p.sample.iteration ?? 0) >= 2,
               downtimeAfterInitial.withLock({ $0 }) == nil {
                let value = try? await lab.connection("a").domain(named: name).maxDowntime()
                downtimeAfterInitial.withLock { $0 = value }
            }
        }
        let result = try run.outcome.get()
        #expect(result.placement.runningOn == .destination)
        #expect(downtimeAfterInitial.withLock { $0 } == 1, "virDomainMigrateGetMaxDowntime during pass 2+")
        let decisions = run.events.decisions.map(\.decision.action)
        #expect(decisions.prefix(2) == [.setMaxDowntime(milliseconds: 1), .setMaxDowntime(milliseconds: 5000)])
        #expect(run.events.decisions.allSatisfy { $0.error == nil })
        // With 1 ms allowed it could not switch over; it did only after the raise.
        let iterations = try #require(result.stats?.iterations)
        #expect(iterations >= raiseAtIteration, "completed after \(iterations) passes")
        let seenBeforeRaise = run.events.progress.compactMap(\.sample.iteration).filter { $0 < raiseAtIteration }.max() ?? 0
        #expect(seenBeforeRaise >= raiseAtIteration - 2)
    }

    @Test func autoConvergeThrottlesTheGuest() async throws {
        let lab = try await Lab.shared()
        let name = "mig-ac"
        try await lab.startGuest(name, dirtyMiBPerSecond: 32, wssMiB: 16)
        defer { lab.destroyGuestNow(name) }
        let controller = WhenController(
            condition: { ($0.throttlePercent ?? 0) >= 30 }, action: .setMaxBandwidth(mebibytesPerSecond: 1024),
            reason: "throttle reached 30 %: lift the cap so the job can finish", giveUpAfter: 90)
        let run = try await migrate(
            lab, name,
            policy: MigrationPolicy(
                maxBandwidthMiBps: 4, autoConverge: .init(initialPercent: 30, incrementPercent: 20),
                stallTimeoutSeconds: nil),
            controller: controller)
        let result = try run.outcome.get()
        #expect(result.placement.runningOn == .destination)
        let throttles = run.events.progress.compactMap(\.sample.throttlePercent)
        #expect((throttles.max() ?? 0) >= 30, "throttle seen: \(throttles)")
        let fired = try #require(run.events.decisions.first { !$0.fromPolicy })
        #expect(fired.decision.action == .setMaxBandwidth(mebibytesPerSecond: 1024))
        #expect(fired.error == nil)
    }

    @Test func xbzrleEncodesPagesOnLaterPasses() async throws {
        let lab = try await Lab.shared()
        let name = "mig-xbzrle"
        try await lab.startGuest(name, dirtyMiBPerSecond: 16, wssMiB: 16)
        defer { lab.destroyGuestNow(name) }
        let cache: UInt64 = 32 << 20
        let lifted = Locked(false)
        let run = try await migrate(
            lab, name,
            policy: MigrationPolicy(maxBandwidthMiBps: 8, xbzrleCacheBytes: cache, stallTimeoutSeconds: nil)
        ) { event, migration in
            // Once XBZRLE has visibly encoded pages, lift the cap to finish quickly.
            if case .progress(let p) = event, (p.stats.compressionPages ?? 0) > 0, !lifted.withLock({ $0 }) {
                lifted.withLock { $0 = true }
                try? await lab.connection("a").domain(named: name).setMaxBandwidth(mebibytesPerSecond: 1024)
            }
            if case .progress(let p) = event, p.sample.elapsedSeconds > 90 { migration.abort(reason: "test timeout") }
        }
        let result = try run.outcome.get()
        #expect(result.placement.runningOn == .destination)
        // The cache is configured from the first pass on; pages are XBZRLE-encoded
        // from the second pass (often too short to be sampled), so the completed
        // statistics carry the count of encoded pages.
        #expect(run.events.progress.contains { ($0.stats.compressionCacheBytes ?? 0) == cache })
        let stats = try #require(result.stats)
        let encodedDuringJob = run.events.progress.compactMap(\.stats.compressionPages).max() ?? 0
        #expect((stats.raw.compressionPages ?? 0) > 0, "no XBZRLE-encoded pages (seen while running: \(encodedDuringJob))")
        #expect((stats.raw.compressionCacheBytes ?? 0) == cache)
    }
}
