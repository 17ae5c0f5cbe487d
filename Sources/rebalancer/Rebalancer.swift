import ArgumentParser

/// The `rebalancer` command: one subcommand per role and per tool.
@main
struct Rebalancer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalancer",
        abstract: "Real-time collateral rebalancing across trading venues, approved by a verifier quorum.",
        version: RebalancerVersion.current,
        subcommands: [
            DemoCommand.self, VenuesCommand.self, WatcherCommand.self, CoordinatorCommand.self,
            VerifierCommand.self, ExecutorCommand.self, KeygenCommand.self, TopologyCommand.self,
            PlanCommand.self, SimCommand.self, TuneCommand.self, BenchCommand.self, ChaosCommand.self, RotationCommand.self,
            UpCommand.self, AdapterCommand.self, StatusCommand.self, DashboardCommand.self, HindsightCommand.self,
        ]
    )

    /// Parses and runs the subcommand. A `ValidationError` thrown while running (a file that does
    /// not hold what it should, a node that is not in the topology) is the user's to fix but is
    /// not a usage error: it is printed with a pointer to the subcommand's help, not with the
    /// top-level usage that ArgumentParser would print for it.
    static func main() async {
        let command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do {
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                var sync = command
                try sync.run()
            }
        } catch let error as ValidationError {
            exit(withError: CommandFailure(message: error.message, command: type(of: command)))
        } catch {
            exit(withError: error)
        }
    }
}

/// A failure while a subcommand runs: `Error: <message>` and where to read the subcommand's help.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong, for the user to fix.
    var message: String
    /// The subcommand that failed.
    var command: ParsableCommand.Type

    var description: String {
        let path = Self.path(to: command, from: Rebalancer.self) ?? [Rebalancer._commandName]
        return "\(message)\nSee '\(path.joined(separator: " ")) --help'."
    }

    /// The command names from `root` down to `target`, or nil when `target` is not below `root`.
    private static func path(to target: ParsableCommand.Type, from root: ParsableCommand.Type) -> [String]? {
        if target == root { return [root._commandName] }
        for sub in root.configuration.subcommands {
            if let below = path(to: target, from: sub) { return [root._commandName] + below }
        }
        return nil
    }
}

/// The version `rebalancer --version` prints.
enum RebalancerVersion {
    static let current = "0.7.0"
}
