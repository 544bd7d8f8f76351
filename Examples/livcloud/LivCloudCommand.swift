import ArgumentParser

/// `livcloud`: migrate, predict, plan and run the local two-host lab.
/// Each subcommand lives in its own file in this folder.
@main
struct LivCloudCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "livcloud",
        abstract: "User-centric live migration of virtual machines between clouds.",
        subcommands: LivCloudCommand.allSubcommands
    )

    /// Subcommands, one per file. Add yours here.
    static let allSubcommands: [any ParsableCommand.Type] = [
        PlanCommand.self, PlanGenerateCommand.self, PlanBenchCommand.self,
        PredictCommand.self, BenchMigrateCommand.self,
        MigrateCommand.self,
    ]
}
