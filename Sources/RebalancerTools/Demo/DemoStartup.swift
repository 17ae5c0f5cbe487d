import Foundation

/// How a local deployment came up: when each node was launched and when it first answered
/// `/healthz`, then when the market (`venues`) was launched, all in seconds since the start
/// began. The market is launched only after every other node answered, so that its price path
/// does not run while the pipeline is still starting (issue 14: on 100 venues, the path
/// liquidated every short leg before the coordinator was up).
public struct DemoStartup: Codable, Sendable {
    /// One node's start.
    public struct Node: Codable, Sendable {
        /// Its node id.
        public var id: String
        /// Its role.
        public var role: String
        /// When its process was launched.
        public var launched_s: Double
        /// When its metrics endpoint first answered `/healthz` with 200; nil for a node without a
        /// metrics endpoint (nothing to ask).
        public var healthy_s: Double?
    }

    /// Every node started, in launch order (the market last).
    public var nodes: [Node] = []
    /// When the market was launched; nil when the deployment has no market or did not start it.
    public var market_launched_s: Double?
    /// The market's warm-up: it publishes its opening state for this long before its price path
    /// moves (`venues --warmup-seconds`).
    public var market_warmup_s: Double = 0
    /// When the coordinator's `/readyz` first answered 200 (fresh states of every venue, a
    /// quorum of live verifiers), if it did during the run.
    public var coordinator_ready_s: Double?

    /// Creates an empty record.
    public init() {}

    /// The latest `/healthz` answer of the nodes other than the market.
    public var lastHealthy_s: Double? { nodes.filter { $0.role != "venues" }.compactMap(\.healthy_s).max() }
}
