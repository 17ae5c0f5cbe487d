import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import ZeroMQ

/// The demo's live view: a `monitor` node that subscribes, over CURVE like everyone else, to the
/// market feed, the coordinator's plans and heartbeats, and the executors' status, checks every
/// signature, and keeps what the terminal display and the summary need.
public actor DemoMonitor: RoleHandler {
    /// The latest market figures of one venue.
    public struct VenueLine: Sendable {
        /// The venue's state.
        public var state: VenueState
        /// The position's hedge.
        public var ratio: Double { state.marginRatio }
    }

    private let runtime: NodeRuntime
    private let opener: EnvelopeOpener
    private(set) var venues: [VenueID: VenueLine] = [:]
    private(set) var market = WireMarketTick()
    private(set) var coordinatorCounters: [String: Int64] = [:]
    private(set) var executorCounters: [NodeID: [String: Int64]] = [:]
    private(set) var latencies: [Int64] = []
    private(set) var lastLatency: Int64?
    private(set) var settledSeen: Int64 = 0
    private(set) var received: Set<UInt64> = []
    private(set) var events: [String] = []

    /// Subscribes to every feed the display needs.
    public init(runtime: NodeRuntime) throws {
        self.runtime = runtime
        let topology = runtime.topology
        var senders: [NodeID: [UInt8]] = [:]
        for node in topology.nodes where node.role == .venues || node.role == .coordinator || node.role == .executor {
            senders[node.id] = node.signingKey
        }
        opener = EnvelopeOpener(senders: senders, types: [.marketTick, .approvedPlan, .heartbeat, .transferStatus])
        if let market = topology.venuesNode { try runtime.connect(.sub, to: market, endpoint: "feed", subscribe: ["tick/"], conflate: true) }
        if let coordinator = topology.coordinator {
            try runtime.connect(.sub, to: coordinator, endpoint: "plans", subscribe: [Topic.plan, Topic.heartbeat])
        }
        for executor in topology.nodes(.executor) {
            try runtime.connect(.sub, to: executor, endpoint: "status", subscribe: [Topic.status, Topic.heartbeat])
        }
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
        guard let opened = runtime.open(inbound.frames[1], with: opener, from: inbound.handle) else { return }
        let sender = runtime.topology.node(opened.sender)
        switch opened.type {
        case .marketTick:
            guard sender?.role == .venues else { return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type) }
            guard let tick = runtime.decode(opened, as: WireMarketTick.self, from: inbound.handle) else { return }
            market = tick
            venues[tick.state.venue] = VenueLine(state: VenueState(wire: tick.state))
        case .heartbeat:
            guard let hb = runtime.decode(opened, as: WireHeartbeat.self, from: inbound.handle) else { return }
            if sender?.role == .coordinator { coordinatorCounters = hb.counters }
            if sender?.role == .executor { executorCounters[opened.sender] = hb.counters }
        case .approvedPlan:
            guard let approved = runtime.decode(opened, as: WireApprovedPlan.self, from: inbound.handle) else { return }
            let transfers = approved.plan.transfers.map { "\($0.from)→\($0.to) $\($0.amount / 100)" }.joined(separator: ", ")
            note("plan \(approved.plan.planSeq) approved by \(approved.approvals.map(\.verifier).joined(separator: ",")): \(transfers)")
        case .transferStatus:
            guard sender?.role == .executor else { return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type) }
            guard let status = runtime.decode(opened, as: WireTransferStatus.self, from: inbound.handle) else { return }
            if status.state == .received { received.insert(status.planSeq) }
            if status.state == .received, status.triggerObservedAtNs > 0 {
                let latency = status.atNs - status.triggerObservedAtNs
                latencies.append(latency)
                lastLatency = latency
            }
            if status.state == .settled { settledSeen += 1 }
            if status.state == .failed { note("transfer \(status.transferID) failed: \(status.detail)") }
        default:
            break
        }
    }

    public func tick() async {}

    private func note(_ line: String) {
        events.append(line)
        if events.count > 6 { events.removeFirst(events.count - 6) }
    }

    /// Counters the summary needs, from the coordinator's and executors' heartbeats.
    func counter(_ name: String) -> Int64 { coordinatorCounters[name] ?? 0 }

    /// Sum of one counter over every executor.
    func executorCounter(_ name: String) -> Int64 { executorCounters.values.reduce(0) { $0 + ($1[name] ?? 0) } }

    /// The monitor's own drop count.
    var dropped: Int64 { runtime.counters["dropped"] }
}
