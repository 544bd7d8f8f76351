import LiveMigration
import MigrationModel

/// How `predict`, `migrate --adaptive` and `bench-migrate` choose what the
/// planner is given, so the three agree.
enum PlanningInputs {
    /// The link rate assumed when neither a cap nor a measured rate is given, MiB/s.
    static let assumedLinkMiB = 100.0

    /// The link a prediction uses: the bandwidth cap the migration will run
    /// with, else a measured rate (e.g. `achieved_link_mibps` of an earlier
    /// migration over the same link), else `assumedLinkMiB`, with a note saying so.
    static func link(capMiB: Double?, measuredMiB: Double?) -> (link: LinkEstimate, note: String?) {
        if let capMiB { return (.cap(mebibytesPerSecond: capMiB), nil) }
        if let measuredMiB { return (LinkEstimate(bytesPerSecond: measuredMiB * 1_048_576, source: .measured), nil) }
        return (
            LinkEstimate(bytesPerSecond: assumedLinkMiB * 1_048_576, source: .measured),
            "no cap or link estimate given: assumed \(Int(assumedLinkMiB)) MiB/s"
        )
    }

    /// The XBZRLE cache allowed by default: half the guest's memory, at most 1 GiB.
    static func defaultXBZRLECacheBytes(memoryBytes: UInt64) -> UInt64 {
        min(1 << 30, memoryBytes / 2)
    }

    /// Measures `domain` once and plans with options that may depend on its memory.
    static func plan(
        _ domain: Domain, planner: MigrationPlanner = MigrationPlanner(), link: LinkEstimate, budget: DowntimeBudget,
        options: (DomainMemoryInfo) -> MigrationFeatures
    ) async throws -> MigrationPlan {
        let measured = try await planner.measureWorkload(of: domain)
        return planner.plan(measured, link: link, budget: budget, options: options(measured.memory))
    }
}
