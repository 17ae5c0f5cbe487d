/// Which of the topology's coordinators proposes: a value fed with what each coordinator's signed
/// heartbeats say (alive, and whether it claims to lead) that decides, on each tick, whether this
/// one leads or stands by.
///
/// The rule, for coordinators listed in order:
/// - a standby takes over when no coordinator it hears claims to lead and every coordinator before
///   it in the order has been silent past `silenceAfter` (one listed earlier that is alive takes
///   over itself); after a start it first listens for `silenceAfter`, so a returning coordinator
///   defers to one that took over while it was away;
/// - a leader that hears an earlier-listed coordinator also leading steps down (after a healed
///   partition, exactly one remains).
///
/// With a coordination service (etcd) configured and answering, the lease decides instead: the
/// coordinator that holds it leads, every other stands by.
///
/// Safety never rests on this: verifiers sign at most one digest per planSeq and never a planSeq
/// at or below one they signed, so two coordinators that both lead cannot get two plans approved
/// under one sequence. The election only decides who is useful.
public struct Leadership: Sendable {
    /// What changed on a tick.
    public enum Change: Sendable, Equatable {
        /// This coordinator now leads.
        case tookOver(silent: [NodeID])
        /// This coordinator stood down for another that leads.
        case deferred(to: NodeID)
    }

    /// This coordinator.
    public let me: NodeID
    /// Every coordinator in order.
    public let order: [NodeID]
    /// How long without a heartbeat before a coordinator counts as gone.
    public let silenceAfter: Nanos
    /// Whether this coordinator leads now.
    public private(set) var leads = false
    /// When this coordinator started listening.
    private let startedAt: Nanos
    /// The last heartbeat heard from each other coordinator, and whether it claimed to lead.
    private var heard: [NodeID: (at: Nanos, leads: Bool)] = [:]
    /// What the coordination service (etcd) last said: who holds the lease, and until when that
    /// answer stands. Nil without a service, or while it cannot be reached.
    private var lease: (holder: NodeID?, validUntil: Nanos)?

    /// Starts as a standby at `now`. A coordinator listed alone leads at its first tick.
    public init(me: NodeID, order: [NodeID], silenceAfter: Nanos, now: Nanos) {
        self.me = me
        self.order = order.contains(me) ? order : order + [me]
        self.silenceAfter = silenceAfter
        startedAt = now
    }

    /// The topology's coordinators, in order, with the silence deadline of its timing: one and a
    /// half heartbeat intervals, so a standby takes over within two intervals of a leader's death.
    public init(me: NodeID, topology: Topology, now: Nanos) {
        self.init(me: me, order: topology.coordinators.map(\.id), silenceAfter: topology.timing.heartbeatMs * Nanos.perMillisecond * 3 / 2, now: now)
    }

    /// Another coordinator's signed heartbeat at `at`, claiming to lead or not.
    public mutating func heard(_ peer: NodeID, leads: Bool, at: Nanos) {
        guard peer != me, order.contains(peer) else { return }
        heard[peer] = (at, leads)
    }

    /// The coordination service says `holder` holds the leadership lease (nil: nobody), and that
    /// this answer stands until `validUntil` (for this coordinator's own lease, its last keep-alive
    /// plus the lease's time to live, less a margin).
    public mutating func leased(holder: NodeID?, validUntil: Nanos) {
        lease = (holder, validUntil)
    }

    /// The coordination service cannot be reached: until it can again, the silence-and-order rule
    /// decides (safety never rested on the election; rebalancing does not stop with etcd).
    public mutating func leaseUnreachable() {
        lease = nil
    }

    /// The coordinator this one knows to lead now: itself, or the earliest-listed live one claiming to.
    public func leader(now: Nanos) -> NodeID? {
        if leads { return me }
        return order.first { alive($0, now: now) && heard[$0]?.leads == true }
    }

    /// Decides, at `now`, whether this coordinator leads; returns what changed, if anything.
    public mutating func evaluate(now: Nanos) -> Change? {
        if let lease, now < lease.validUntil {
            // The lease decides while the service answers.
            let mine = lease.holder == me
            guard mine != leads else { return nil }
            leads = mine
            return mine ? .tookOver(silent: order.filter { $0 != me && !alive($0, now: now) }) : .deferred(to: lease.holder ?? "nobody")
        }
        let rank = order.firstIndex(of: me) ?? order.count
        let leaders = order.filter { $0 != me && alive($0, now: now) && heard[$0]?.leads == true }
        if leads {
            guard let earlier = leaders.first(where: { (order.firstIndex(of: $0) ?? .max) < rank }) else { return nil }
            leads = false
            return .deferred(to: earlier)
        }
        guard leaders.isEmpty else { return nil }
        let alone = order.count == 1
        guard alone || now - startedAt >= silenceAfter else { return nil }
        let before = order.prefix(rank)
        guard before.allSatisfy({ !alive($0, now: now) }) else { return nil }
        leads = true
        return .tookOver(silent: Array(before))
    }

    private func alive(_ peer: NodeID, now: Nanos) -> Bool {
        guard let last = heard[peer] else { return false }
        return now - last.at <= silenceAfter
    }
}
