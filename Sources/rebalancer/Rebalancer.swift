import ArgumentParser

/// The `rebalancer` command: one subcommand per role and per tool.
@main
struct Rebalancer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalancer",
        abstract: "Real-time collateral rebalancing across trading venues, approved by a verifier quorum.",
        subcommands: [
            DemoCommand.self, VenuesCommand.self, WatcherCommand.self, CoordinatorCommand.self,
            VerifierCommand.self, ExecutorCommand.self, KeygenCommand.self, TopologyCommand.self,
            PlanCommand.self, SimCommand.self, BenchCommand.self, ChaosCommand.self, RotationCommand.self,
            AdapterCommand.self,
        ]
    )
}
