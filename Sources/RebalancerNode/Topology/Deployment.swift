import RebalancerCore
import RebalancerSimulation

/// One deployment as a topology file gives it: the policy the core decides by (`Topology`: nodes,
/// venues, routes, quorum, limits, timing) and what only the node layer needs to run it (each
/// node's endpoints, where key files live, the simulated market, the coordination service).
///
/// Reads and writes of the policy's fields pass through (`deployment.nodes`, `deployment.quorum`).
@dynamicMemberLookup
public struct Deployment: Sendable, Equatable {
    /// What the decision logic needs; its `marketSecondsPerSecond` follows `market`.
    public var policy: Topology
    /// Where secret key files live, relative to the topology file unless absolute.
    public var keysDir: String
    /// Endpoints each node binds, by node id and name (for example `feed`, `proposals`, `plans`,
    /// `replay`, `status`, `orders`, `metrics`).
    public var endpoints: [NodeID: [String: String]]
    /// The simulated market that `rebalancer venues` runs.
    public var market: MarketSpec {
        didSet { policy.marketSecondsPerSecond = market.marketSecondsPerSecond }
    }
    /// The coordination service that holds the coordinators' leadership lease, if any (without
    /// one, a standby takes over by silence and order: `Leadership`).
    public var coordination: Coordination?

    /// Creates a deployment; the policy's `marketSecondsPerSecond` is set from `market`.
    public init(policy: Topology, keysDir: String, endpoints: [NodeID: [String: String]], market: MarketSpec, coordination: Coordination? = nil) {
        self.policy = policy
        self.policy.marketSecondsPerSecond = market.marketSecondsPerSecond
        self.keysDir = keysDir
        self.endpoints = endpoints
        self.market = market
        self.coordination = coordination
    }

    /// A field of the policy.
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<Topology, T>) -> T {
        get { policy[keyPath: keyPath] }
        set { policy[keyPath: keyPath] = newValue }
    }

    /// A derived value of the policy.
    public subscript<T>(dynamicMember keyPath: KeyPath<Topology, T>) -> T { policy[keyPath: keyPath] }

    /// The endpoints node `id` binds, by name (empty for a node that binds none).
    public func endpoints(of id: NodeID) -> [String: String] { endpoints[id] ?? [:] }

    /// Every process of the deployment (spelled out: `nodes(_:)` would hide the dynamic member).
    public var nodes: [Topology.Node] {
        get { policy.nodes }
        set { policy.nodes = newValue }
    }

    /// The node with this identifier.
    public func node(_ id: NodeID) -> Topology.Node? { policy.node(id) }
    /// Every node of one role, in topology order.
    public func nodes(_ role: Topology.Role) -> [Topology.Node] { policy.nodes(role) }
    /// The venue with this identifier.
    public func venue(_ id: VenueID) -> Topology.Venue? { policy.venue(id) }
    /// The route from one venue to another.
    public func route(from: VenueID, to: VenueID) -> Topology.Route? { policy.route(from: from, to: to) }
    /// The watcher node that reports a venue.
    public func watcher(of venue: VenueID) -> Topology.Node? { policy.watcher(of: venue) }
    /// Ed25519 public keys of every node of `role`, by node id.
    public func signingKeys(of role: Topology.Role) -> [NodeID: [UInt8]] { policy.signingKeys(of: role) }
}

extension Deployment {
    /// A coordination service for the coordinators' leadership: etcd, over its v3 HTTP/JSON gateway.
    public struct Coordination: Sendable, Equatable, Codable {
        /// etcd's client URL, for example `http://127.0.0.1:2379`.
        public var etcd: String
        /// How long the leader's lease lasts without a keep-alive, in ms (etcd counts whole seconds).
        public var leaseMs: Int64

        /// Creates a coordination section.
        public init(etcd: String, leaseMs: Int64) {
            self.etcd = etcd
            self.leaseMs = leaseMs
        }
    }
}
