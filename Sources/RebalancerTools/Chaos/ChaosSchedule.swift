import RebalancerCore
import RebalancerNode

/// When to inject which fault. One round, in turn: SIGKILL a watcher and restart it, SIGKILL a
/// verifier and restart it, SIGKILL the coordinator and restart it, SIGKILL the executor and
/// restart it, then SIGSTOP a verifier and SIGCONT it. With standby coordinators listed, the
/// coordinator killed is a different one each round (the one that leads by then, as each kill
/// hands the lead to the next), and its data folder is wiped before it restarts. Each restart
/// comes well inside the plan TTL, so an executor that replays on start still finds every plan approved meanwhile unexpired.
/// Rounds repeat, on other watchers and verifiers, until the settle period.
public struct ChaosSchedule: Sendable, Equatable {
    /// One action.
    public struct Step: Sendable, Equatable {
        /// What to do.
        public enum Action: String, Sendable, Equatable {
            /// SIGKILL.
            case kill
            /// Start again with the same arguments.
            case restart
            /// SIGSTOP.
            case pause
            /// SIGCONT.
            case resume
            /// Delete the (killed) node's data folder: a lost disk.
            case wipe
        }

        /// Seconds after the start of the run.
        public var at: Double
        /// The action.
        public var action: Action
        /// The node.
        public var node: NodeID
    }

    /// Seconds from the start of a round to each action of it.
    static let round: [(offset: Double, action: Step.Action, target: Target)] = [
        (0.0, .kill, .watcher), (1.5, .restart, .watcher),
        (2.5, .kill, .verifier), (4.0, .restart, .verifier),
        (5.0, .kill, .coordinator), (5.5, .wipe, .wipedCoordinator), (6.0, .restart, .coordinator),
        (8.0, .kill, .executor), (8.8, .restart, .executor),
        (10.5, .pause, .pausedVerifier), (13.5, .resume, .pausedVerifier),
    ]
    /// A round's length, including a pause before the next one.
    public static let roundLength = 15.0

    enum Target { case watcher, verifier, coordinator, wipedCoordinator, executor, pausedVerifier }

    /// The steps, in time order.
    public let steps: [Step]

    /// The schedule for `topology` over a run of `seconds`: rounds from `warmup` on, the last one
    /// ending at least `settle` seconds before the end.
    public init(topology: Deployment, seconds: Double, warmup: Double, settle: Double) {
        let watchers = topology.nodes(.watcher).map(\.id)
        let verifiers = topology.verifiers.map(\.id)
        let executors = topology.nodes(.executor).map(\.id)
        let coordinators = topology.coordinators.map(\.id)
        let roundSpan = Self.round.map(\.offset).max() ?? 0
        var steps: [Step] = []
        var start = warmup
        var index = 0
        while start + roundSpan <= seconds - settle {
            for (offset, action, target) in Self.round {
                let node: NodeID?
                switch target {
                case .watcher: node = watchers.isEmpty ? nil : watchers[index % watchers.count]
                case .verifier: node = verifiers.isEmpty ? nil : verifiers[index % verifiers.count]
                case .pausedVerifier: node = verifiers.isEmpty ? nil : verifiers[(index + 1) % verifiers.count]
                case .coordinator: node = coordinators.isEmpty ? nil : coordinators[index % coordinators.count]
                // A lost disk only where another coordinator followed what the lost journal held.
                case .wipedCoordinator: node = coordinators.count < 2 ? nil : coordinators[index % coordinators.count]
                case .executor: node = executors.isEmpty ? nil : executors[index % executors.count]
                }
                if let node { steps.append(Step(at: start + offset, action: action, node: node)) }
            }
            start += Self.roundLength
            index += 1
        }
        self.steps = steps
    }
}
