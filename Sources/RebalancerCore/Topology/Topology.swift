/// The policy of one deployment, what the decision logic needs: its nodes (identities, roles, public
/// keys), venues, routes, quorum, limits and timing. Endpoints, key paths, the simulated market and
/// the coordination service are the node layer's `Deployment`, which parses and validates both.
public struct Topology: Sendable, Equatable, Codable {
    /// The deployment's identifier, covered by every plan digest.
    public var id: String
    /// The verifier-set epoch.
    public var epoch: UInt64
    /// Approvals needed for a plan (k of n verifiers).
    public var quorum: Int
    /// Every process of the deployment.
    public var nodes: [Node]
    /// The venues capital is spread across.
    public var venues: [Venue]
    /// The directed routes capital can take between venues.
    public var routes: [Route]
    /// Outflow limits verifiers enforce.
    public var limits: Limits
    /// Heartbeat, staleness and expiry intervals.
    public var timing: Timing
    /// Market seconds that pass per wall-clock second (1 unless a simulated market plays faster
    /// than the clock): the scale `RiskBands` applies to route latencies. The node layer sets it
    /// from the deployment's simulated market.
    public var marketSecondsPerSecond: Double = 1

    /// Creates a topology.
    public init(
        id: String, epoch: UInt64, quorum: Int, nodes: [Node], venues: [Venue],
        routes: [Route], limits: Limits, timing: Timing
    ) {
        self.id = id
        self.epoch = epoch
        self.quorum = quorum
        self.nodes = nodes
        self.venues = venues
        self.routes = routes
        self.limits = limits
        self.timing = timing
    }

    /// The node with this identifier.
    public func node(_ id: NodeID) -> Node? { nodes.first { $0.id == id } }
    /// Every node of one role, in topology order.
    public func nodes(_ role: Role) -> [Node] { nodes.filter { $0.role == role } }
    /// The venue with this identifier.
    public func venue(_ id: VenueID) -> Venue? { venues.first { $0.id == id } }
    /// The route from one venue to another.
    public func route(from: VenueID, to: VenueID) -> Route? { routes.first { $0.from == from && $0.to == to } }
    /// The watcher node that reports a venue.
    public func watcher(of venue: VenueID) -> Node? { nodes.first { $0.role == .watcher && $0.venue == venue } }
    /// The first coordinator node (the one that leads when every coordinator is up).
    public var coordinator: Node? { nodes.first { $0.role == .coordinator } }
    /// Every coordinator, in order: the first leads; each other one is a standby that takes over,
    /// in this order, when those before it are silent (`Leadership`).
    public var coordinators: [Node] { nodes(.coordinator) }
    /// The simulated market node.
    public var venuesNode: Node? { nodes.first { $0.role == .venues } }
    /// The verifier set, in topology order.
    public var verifiers: [Node] { nodes(.verifier) }
}

extension Topology {
    /// The role of a node.
    public enum Role: String, Sendable, Codable, CaseIterable {
        case venues, watcher, coordinator, verifier, executor, monitor
    }

    /// One process: its identity and its public keys.
    public struct Node: Sendable, Equatable, Codable {
        /// Unique node identifier.
        public var id: NodeID
        /// Its role.
        public var role: Role
        /// The venue a watcher reports (watchers only).
        public var venue: VenueID?
        /// Ed25519 public key (32 bytes) that verifies this node's signatures.
        public var signingKey: [UInt8]
        /// CURVE public key (32 bytes) this node presents on every connection.
        public var curveKey: [UInt8]
        /// Executors only: verify and record every approved plan, report what would be
        /// transferred, and submit nothing.
        public var monitorOnly: Bool = false

        /// Creates a node.
        public init(id: NodeID, role: Role, venue: VenueID? = nil, signingKey: [UInt8], curveKey: [UInt8]) {
            self.id = id
            self.role = role
            self.venue = venue
            self.signingKey = signingKey
            self.curveKey = curveKey
        }
    }

    /// A venue and its band policy.
    public struct Venue: Sendable, Equatable, Codable {
        /// Unique venue identifier.
        public var id: VenueID
        /// The collateral asset (one per deployment for now).
        public var asset: String
        /// Extra floor above maintenance margin no transfer may draw a source below, in minor units.
        public var floorBuffer: Amount
        /// Target balance as a multiple of maintenance margin.
        public var targetRatio: Double
        /// Below this ratio the venue needs capital.
        public var lowerBand: Double
        /// Above this ratio the venue has capital to give.
        public var upperBand: Double
        /// Most the venue may send out in one plan, in minor units.
        public var withdrawalLimit: Amount
        /// How the venue is read and paid out of; nil means the simulated market.
        public var adapter: VenueAdapter?

        /// Creates a venue.
        public init(
            id: VenueID, asset: String, floorBuffer: Amount, targetRatio: Double, lowerBand: Double, upperBand: Double,
            withdrawalLimit: Amount, adapter: VenueAdapter? = nil
        ) {
            self.adapter = adapter
            self.id = id
            self.asset = asset
            self.floorBuffer = floorBuffer
            self.targetRatio = targetRatio
            self.lowerBand = lowerBand
            self.upperBand = upperBand
            self.withdrawalLimit = withdrawalLimit
        }
    }

    /// A directed route capital can take.
    public struct Route: Sendable, Equatable, Codable {
        /// Source venue.
        public var from: VenueID
        /// Destination venue.
        public var to: VenueID
        /// Proportional fee, in basis points of the amount.
        public var feeBps: Double
        /// Fixed fee per transfer, in minor units.
        public var fixedFee: Amount
        /// Time from submission to credit, in milliseconds.
        public var latencyMs: Int64
        /// Most that may move along the route in one plan, in minor units.
        public var capacity: Amount

        /// Creates a route.
        public init(from: VenueID, to: VenueID, feeBps: Double, fixedFee: Amount, latencyMs: Int64, capacity: Amount) {
            self.from = from
            self.to = to
            self.feeBps = feeBps
            self.fixedFee = fixedFee
            self.latencyMs = latencyMs
            self.capacity = capacity
        }

        /// The fee charged for moving `amount` along the route.
        public func fee(for amount: Amount) -> Amount {
            fixedFee + Amount((Double(amount) * feeBps / 10_000).rounded())
        }
    }

    /// Outflow limits a verifier enforces.
    public struct Limits: Sendable, Equatable, Codable {
        /// Largest single transfer.
        public var perTransferCap: Amount
        /// Most one venue may send out per window.
        public var perVenueOutflow: Amount
        /// Most one route may carry per window.
        public var perRouteOutflow: Amount
        /// Most all venues together may send per window.
        public var globalNotional: Amount
        /// The sliding window, in seconds.
        public var windowSeconds: Int64

        /// Creates limits.
        public init(perTransferCap: Amount, perVenueOutflow: Amount, perRouteOutflow: Amount? = nil, globalNotional: Amount, windowSeconds: Int64) {
            self.perTransferCap = perTransferCap
            self.perVenueOutflow = perVenueOutflow
            self.perRouteOutflow = perRouteOutflow ?? perVenueOutflow
            self.globalNotional = globalNotional
            self.windowSeconds = windowSeconds
        }
    }

}

extension Topology.Limits {
    private enum CodingKeys: String, CodingKey { case perTransferCap, perVenueOutflow, perRouteOutflow, globalNotional, windowSeconds }

    /// Decodes limits; `perRouteOutflow` defaults to `perVenueOutflow` when absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            perTransferCap: try c.decode(Amount.self, forKey: .perTransferCap),
            perVenueOutflow: try c.decode(Amount.self, forKey: .perVenueOutflow),
            perRouteOutflow: try c.decodeIfPresent(Amount.self, forKey: .perRouteOutflow),
            globalNotional: try c.decode(Amount.self, forKey: .globalNotional),
            windowSeconds: try c.decode(Int64.self, forKey: .windowSeconds)
        )
    }
}

extension Topology {
    /// Intervals that drive liveness and expiry.
    public struct Timing: Sendable, Equatable, Codable {
        /// Watchers re-publish full state at least this often; heartbeats go out at this interval.
        public var heartbeatMs: Int64
        /// A venue state older than this is stale.
        public var staleAfterMs: Int64
        /// How long a plan stays valid after it is created.
        public var planTTLms: Int64
        /// Most a basis state may lag the verifier's own latest view.
        public var basisToleranceMs: Int64

        /// Creates timing parameters.
        public init(heartbeatMs: Int64, staleAfterMs: Int64, planTTLms: Int64, basisToleranceMs: Int64) {
            self.heartbeatMs = heartbeatMs
            self.staleAfterMs = staleAfterMs
            self.planTTLms = planTTLms
            self.basisToleranceMs = basisToleranceMs
        }
    }
}

extension Topology {
    /// Ed25519 public keys of every node of `role`, by node id: the senders a socket accepts.
    public func signingKeys(of role: Role) -> [NodeID: [UInt8]] {
        Dictionary(nodes(role).map { ($0.id, $0.signingKey) }, uniquingKeysWith: { first, _ in first })
    }

    /// The venue each watcher reports, by watcher id: a watcher is trusted for that venue only.
    public var watcherVenues: [NodeID: VenueID] {
        Dictionary(nodes(.watcher).compactMap { w in w.venue.map { (w.id, $0) } }, uniquingKeysWith: { first, _ in first })
    }
}
