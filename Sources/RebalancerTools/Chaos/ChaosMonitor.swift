import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import ZeroMQ

/// The chaos run's and the load bench's observer: a `monitor` node that subscribes, over CURVE
/// and checking every signature, to the coordinator's plans and heartbeats, the executors'
/// heartbeats, the watchers' heartbeats and (optionally) the market feed. It remembers the digest
/// of every approved plan seen live, so a planSeq published with two different plans shows.
public actor ChaosMonitor: RoleHandler {
    /// One node's latest heartbeat.
    public struct Beat: Sendable {
        /// The sender's clock when it sent the heartbeat.
        public var atNs: Int64
        /// Its last plan sequence (approved for the coordinator, seen for an executor).
        public var lastPlanSeq: UInt64
        /// Its counters.
        public var counters: [String: Int64]
    }

    private let runtime: NodeRuntime
    private let opener: EnvelopeOpener
    /// The latest market tick.
    public private(set) var market: WireMarketTick?
    /// Latest heartbeat per node.
    public private(set) var beats: [NodeID: Beat] = [:]
    /// Digests of the approved plans seen on the live feed, by planSeq.
    public private(set) var liveDigests: [UInt64: Set<[UInt8]>] = [:]
    /// When a heartbeat of a coordinator that leads last arrived (this process's clock).
    private var lastLeaderBeat: Nanos?
    /// The longest time between two heartbeats of a leading coordinator (any of them), in ms: an
    /// upper bound of the longest time without an active coordinator.
    public private(set) var longestWithoutLeaderMs: Double = 0
    /// Whether a leading coordinator has been heard.
    public var leaderHeard: Bool { lastLeaderBeat != nil }

    /// Subscribes to the feeds; `marketFeed: false` leaves out the market ticks (the load bench).
    public init(runtime: NodeRuntime, marketFeed: Bool = true) throws {
        self.runtime = runtime
        let topology = runtime.topology
        var senders: [NodeID: [UInt8]] = [:]
        for node in topology.nodes where [.venues, .coordinator, .executor, .watcher].contains(node.role) {
            senders[node.id] = node.signingKey
        }
        opener = EnvelopeOpener(senders: senders, types: [.marketTick, .approvedPlan, .heartbeat])
        if marketFeed, let market = topology.venuesNode {
            try runtime.connect(.sub, to: market, endpoint: "feed", subscribe: ["tick/"])
        }
        for coordinator in topology.coordinators {
            try runtime.connect(.sub, to: coordinator, endpoint: "plans", subscribe: [Topic.plan, Topic.heartbeat])
        }
        for executor in topology.nodes(.executor) {
            try runtime.connect(.sub, to: executor, endpoint: "status", subscribe: [Topic.heartbeat])
        }
        for watcher in topology.nodes(.watcher) {
            try runtime.connect(.sub, to: watcher, endpoint: "feed", subscribe: [Topic.heartbeat])
        }
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
        guard let opened = runtime.open(inbound.frames[1], with: opener, from: inbound.handle) else { return }
        let role = runtime.topology.node(opened.sender)?.role
        switch opened.type {
        case .marketTick:
            guard role == .venues else { return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type) }
            guard let tick = runtime.decode(opened, as: WireMarketTick.self, from: inbound.handle) else { return }
            market = tick
        case .heartbeat:
            guard let hb = runtime.decode(opened, as: WireHeartbeat.self, from: inbound.handle) else { return }
            beats[opened.sender] = Beat(atNs: hb.atNs, lastPlanSeq: hb.lastPlanSeq, counters: hb.counters)
            // A coordinator's heartbeat says whether it leads; before standbys existed, the lone
            // coordinator's heartbeat had no such counter and it always led.
            if role == .coordinator, hb.counters["coordinator.leads"] ?? 1 == 1 {
                let now = runtime.clock.now()
                if let last = lastLeaderBeat { longestWithoutLeaderMs = max(longestWithoutLeaderMs, Double(now - last) / 1e6) }
                lastLeaderBeat = now
            }
        case .approvedPlan:
            guard role == .coordinator else { return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type) }
            guard let approved = runtime.decode(opened, as: WireApprovedPlan.self, from: inbound.handle), approved.hasPlan else { return }
            let plan = Plan(wire: approved.plan)
            liveDigests[plan.planSeq, default: []].insert(WireDigest.plan(plan))
        default:
            break
        }
    }

    public func tick() async {}

    /// The latest heartbeat of one node.
    public func beat(_ id: NodeID) -> Beat? { beats[id] }

    /// Messages the monitor itself dropped.
    public var dropped: Int64 { runtime.counters["dropped"] }
}
