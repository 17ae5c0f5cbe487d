import Foundation
import RebalancerCore
import RebalancerWire
import ZeroMQ

/// The dashboard's intake, as the topology's `monitor` node: it subscribes over CURVE to every
/// watcher's venue states, the coordinator's approved plans and heartbeats, the executors' status
/// and (when there is one) the simulated market, checks every signature, and turns what it
/// verified into `DashboardEvent`s on the hub. Nothing unsigned or wrongly signed is shown.
public actor DashboardFeed: RoleHandler {
    private let runtime: NodeRuntime
    private let hub: DashboardHub
    private let states: WatcherStates
    private let opener: EnvelopeOpener
    private let verifierKeys: [NodeID: [UInt8]]
    private var latest: [VenueID: VenueState] = [:]
    private var stale: Set<VenueID> = []
    private var coordinatorCounters: [String: Int64]?
    private var liquidations: UInt64?
    private let started: Nanos

    /// Subscribes to the feeds and announces the deployment on `hub`.
    public init(runtime: NodeRuntime, hub: DashboardHub) throws {
        self.runtime = runtime
        self.hub = hub
        started = runtime.clock.now()
        let topology = runtime.topology
        states = WatcherStates(topology: topology)
        var senders: [NodeID: [UInt8]] = [:]
        for node in topology.nodes where node.role == .venues || node.role == .coordinator || node.role == .executor {
            senders[node.id] = node.signingKey
        }
        opener = EnvelopeOpener(senders: senders, types: [.marketTick, .approvedPlan, .heartbeat, .transferStatus])
        verifierKeys = topology.signingKeys(of: .verifier)
        for watcher in topology.nodes(.watcher) {
            try runtime.connect(.sub, to: watcher, endpoint: "feed", subscribe: [Topic.statePrefix], conflate: true)
        }
        if let coordinator = topology.coordinator {
            try runtime.connect(.sub, to: coordinator, endpoint: "plans", subscribe: [Topic.plan, Topic.heartbeat])
        }
        for executor in topology.nodes(.executor) {
            try runtime.connect(.sub, to: executor, endpoint: "status", subscribe: [Topic.status])
        }
        if let market = topology.venuesNode, runtime.deployment.endpoints(of: market.id)["feed"] != nil {
            try runtime.connect(.sub, to: market, endpoint: "feed", subscribe: [Topic.tickPrefix], conflate: true)
        }
        hub.publish(.hello(.init(
            topology: topology.id, node: runtime.node.id, venues: topology.venues.map(\.id),
            verifiers: topology.verifiers.map(\.id).sorted(), quorum: topology.quorum,
            windowSeconds: Int(hub.window.components.seconds)
        )))
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
        let topic = String(decoding: inbound.frames[0], as: UTF8.self)
        if topic.hasPrefix(Topic.statePrefix) {
            guard let (_, state) = states.open(inbound.frames[1], from: inbound.handle, runtime: runtime) else { return }
            return onState(state)
        }
        guard let opened = runtime.open(inbound.frames[1], with: opener, from: inbound.handle) else { return }
        let role = runtime.topology.node(opened.sender)?.role
        switch (opened.type, role) {
        case (.heartbeat, .coordinator?):
            guard let hb = runtime.decode(opened, as: WireHeartbeat.self, from: inbound.handle) else { return }
            onCoordinatorCounters(hb.counters)
        case (.approvedPlan, .coordinator?):
            guard let approved = runtime.decode(opened, as: WireApprovedPlan.self, from: inbound.handle) else { return }
            onApproved(approved)
        case (.transferStatus, .executor?):
            guard let status = runtime.decode(opened, as: WireTransferStatus.self, from: inbound.handle) else { return }
            onStatus(status, from: opened.sender)
        case (.marketTick, .venues?):
            guard let tick = runtime.decode(opened, as: WireMarketTick.self, from: inbound.handle) else { return }
            if let seen = liquidations, tick.liquidations > seen {
                alert("liquidation", subject: opened.sender, "the market reports \(tick.liquidations - seen) new liquidation(s), \(tick.liquidations) in all")
            }
            liquidations = tick.liquidations
        case (.heartbeat, _):
            break
        default:
            runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type)
        }
    }

    /// Marks venues whose latest state is older than the staleness bound, once, with an alert.
    public func tick() async {
        let now = runtime.clock.now()
        let bound = runtime.topology.timing.staleAfterMs * Nanos.perMillisecond
        for venue in runtime.topology.venues.map(\.id) where !stale.contains(venue) {
            let observed = latest[venue]?.observedAt
            // A venue never heard from is stale once the process has run past the bound.
            guard now - (observed ?? started) > bound else { continue }
            stale.insert(venue)
            if let state = latest[venue] { hub.publish(.venue(point(state, stale: true))) }
            alert("stale_venue", subject: venue, observed == nil ? "no state from \(venue)'s watcher yet" : "no fresh state from \(venue)'s watcher within \(runtime.topology.timing.staleAfterMs) ms")
        }
    }

    /// Ends the page streams before the sockets close.
    public func stopping() async { hub.finish() }

    private func onState(_ state: VenueState) {
        latest[state.venue] = state
        if stale.remove(state.venue) != nil {
            alert("venue_fresh", subject: state.venue, "\(state.venue) is fresh again")
        }
        hub.publish(.venue(point(state, stale: false)))
    }

    private func point(_ s: VenueState, stale: Bool) -> DashboardEvent.VenuePoint {
        let venue = runtime.topology.venue(s.venue)
        let mm = Self.units(s.maintenanceMargin)
        return .init(
            venue: s.venue, seq: s.seq, observedAtMs: Self.ms(s.observedAt), balance: Self.units(s.balance),
            maintenanceMargin: mm, initialMargin: Self.units(s.initialMargin),
            floor: mm + Self.units(venue?.floorBuffer ?? 0), lowerBand: mm * (venue?.lowerBand ?? 0),
            target: mm * (venue?.targetRatio ?? 0), upperBand: mm * (venue?.upperBand ?? 0),
            ratio: s.maintenanceMargin > 0 ? s.marginRatio : 0, pendingIn: Self.units(s.pendingIn), pendingOut: Self.units(s.pendingOut),
            withdrawalsEnabled: s.withdrawalsEnabled, stale: stale
        )
    }

    private func onApproved(_ approved: WireApprovedPlan) {
        guard approved.hasPlan else { return }
        let plan = Plan(wire: approved.plan)
        let digest = WireDigest.plan(plan)
        var votes: [NodeID: String] = [:]
        for approval in approved.approvals {
            guard let key = verifierKeys[approval.verifier] else { continue }
            let valid = SignatureCheck.isValid(Array(approval.signature), of: digest, publicKey: key)
            if votes[approval.verifier] != "approve" { votes[approval.verifier] = valid ? "approve" : "invalid" }
        }
        let shown = DashboardEvent.PlanShown(
            seq: plan.planSeq, createdAtMs: Self.ms(plan.createdAt), receivedAtMs: Self.ms(runtime.clock.now()),
            trigger: plan.triggerVenue, strategy: approved.plan.strategy,
            transfers: Plan.canonical(plan.transfers).map { .init(from: $0.from, to: $0.to, amount: Self.units($0.amount)) },
            votes: verifierKeys.keys.sorted().map { .init(verifier: $0, vote: votes[$0] ?? "none") }
        )
        hub.publish(.plan(shown))
        if votes.values.filter({ $0 == "approve" }).count < runtime.topology.quorum {
            alert("invalid_quorum", subject: "plan \(plan.planSeq)", "plan \(plan.planSeq) carries fewer than \(runtime.topology.quorum) valid approvals for this topology's verifiers")
        }
    }

    private func onStatus(_ status: WireTransferStatus, from executor: NodeID) {
        let latency: Double? = status.state == .received && status.triggerObservedAtNs > 0
            ? Double(status.atNs - status.triggerObservedAtNs) / 1e6 : nil
        let state = "\(status.state)"
        hub.publish(.transfer(.init(
            executor: executor, planSeq: status.planSeq, index: status.index, id: status.transferID, state: state,
            detail: status.detail, atMs: Self.ms(status.atNs), decisionLatencyMs: latency
        )))
        if status.state == .failed {
            alert("transfer_failed", subject: status.transferID, "transfer \(status.transferID) of plan \(status.planSeq) failed: \(status.detail)")
        }
    }

    private func onCoordinatorCounters(_ counters: [String: Int64]) {
        defer { coordinatorCounters = counters }
        guard let before = coordinatorCounters else { return }
        let rejected = (counters["plans.rejected"] ?? 0) - (before["plans.rejected"] ?? 0)
        if rejected > 0 { alert("plan_rejected", subject: runtime.topology.coordinator?.id ?? "coordinator", "\(rejected) plan(s) rejected by the verifiers") }
        let unreachable = (counters["plans.unreachable"] ?? 0) - (before["plans.unreachable"] ?? 0)
        if unreachable > 0 { alert("quorum_unreachable", subject: runtime.topology.coordinator?.id ?? "coordinator", "quorum unreachable: \(unreachable) plan(s) abandoned without \(runtime.topology.quorum) votes") }
    }

    private func alert(_ kind: String, subject: String, _ message: String) {
        runtime.logger.notice("dashboard alert", metadata: ["kind": "\(kind)", "subject": "\(subject)"])
        hub.publish(.alert(.init(kind: kind, subject: subject, message: message, atMs: Self.ms(runtime.clock.now()))))
    }

    private static func units(_ minor: Amount) -> Double { Double(minor) / 100 }
    private static func ms(_ nanos: Nanos) -> Double { Double(nanos) / 1e6 }
}
