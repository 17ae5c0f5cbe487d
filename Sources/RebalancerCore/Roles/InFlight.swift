/// Approved transfers followed from approval until both venues' states show them settled.
///
/// A transfer counts as virtual capital at its destination (and as spent at its source) until the
/// venue's own state reflects it, so the same deficit is never funded twice.
public struct InFlightBook: Sendable, Equatable {
    /// One approved transfer on its way.
    public struct Entry: Sendable, Equatable {
        /// Its end-to-end identifier, `planSeq/index`.
        public var id: String
        /// The transfer.
        public var transfer: Transfer
        /// The amount the destination will be credited.
        public var credited: Amount
        /// When it was approved.
        public var approvedAt: Nanos
        /// When it should have settled; past this it is flagged, and still not sent again.
        public var deadline: Nanos
        /// When its plan expires: a transfer no venue has seen by then will never be executed.
        public var expiresAt: Nanos
        /// True once flagged overdue.
        public var overdue: Bool = false
        /// When an executor reported the source venue accepted it (a real venue's watcher cannot
        /// list our transfer ids, so the executor's report is how the source side is known).
        public var submittedAt: Nanos?
        /// When an executor reported it settled at the destination.
        public var settledAt: Nanos?
        /// When the coordinator said its plan was not approved (`markAbandoned`).
        public var abandonedAt: Nanos?
        /// The sequence of its plan.
        public var planSeq: UInt64 { UInt64(id.prefix { $0 != "/" }) ?? 0 }
    }

    /// The transfers on their way, by id.
    public private(set) var entries: [String: Entry] = [:]

    /// Creates an empty book.
    public init() {}

    /// Records an approved plan's transfers.
    public mutating func add(plan: Plan, topology: Topology, now: Nanos) {
        for (index, transfer) in Plan.canonical(plan.transfers).enumerated() {
            let route = topology.route(from: transfer.from, to: transfer.to)
            let latency = (route?.latencyMs ?? 0) * Nanos.perMillisecond
            let id = Transfer.id(planSeq: plan.planSeq, index: index)
            entries[id] = Entry(
                id: id, transfer: transfer, credited: transfer.amount - (route?.fee(for: transfer.amount) ?? 0),
                approvedAt: now, deadline: now + latency + 4 * topology.timing.planTTLms * Nanos.perMillisecond,
                expiresAt: plan.expiresAt
            )
        }
    }

    /// Forgets a transfer the executor reported failed: its capital never left.
    public mutating func fail(id: String) { entries[id] = nil }

    /// An executor reported the source venue accepted the transfer at `at`: it is executing, so it
    /// is never taken as unexecuted, and a source state observed after `at` reflects the debit.
    public mutating func submitted(id: String, at: Nanos) {
        if entries[id] != nil, entries[id]?.submittedAt == nil { entries[id]?.submittedAt = at }
    }

    /// An executor reported the transfer settled at `at`: a destination state observed after `at`
    /// reflects the credit.
    public mutating func settled(id: String, at: Nanos) {
        guard entries[id] != nil else { return }
        if entries[id]?.submittedAt == nil { entries[id]?.submittedAt = at }
        if entries[id]?.settledAt == nil { entries[id]?.settledAt = at }
    }

    /// Adjusts views for what their states do not show yet, and drops entries both ends reflect.
    ///
    /// A venue in `listing` lists our transfer ids in its states (the simulated market): for it an
    /// executor's report of when a transfer was submitted or settled counts only for a state
    /// observed `grace` after it. A watcher stamps a reading when it takes it, not when the venue
    /// produced it: on a loaded machine a market tick computed before the debit reached the watcher
    /// after the executor's report, and the source looked as if it still held the capital (on 100
    /// venues, plans drew a leg twice and the verifiers refused them, `floor_breached`). The lists
    /// are exact; the reports only cover an id that fell off a busy venue's recent list.
    public mutating func apply(to views: inout [VenueID: VenueView], listing: Set<VenueID> = [], grace: Nanos = 0) {
        for (id, entry) in entries {
            guard let source = views[entry.transfer.from]?.state, let destination = views[entry.transfer.to]?.state else { continue }
            let sourceLag = listing.contains(entry.transfer.from) ? grace : 0
            let destinationLag = listing.contains(entry.transfer.to) ? grace : 0
            let sourceKnows = Self.lists(source, id)
                || entry.submittedAt.map { source.observedAt > $0 + sourceLag } == true
            let destinationSettled = destination.settledTransfers.contains(id)
                || entry.settledAt.map { destination.observedAt > $0 + destinationLag } == true
            let destinationPending = destination.pendingTransfers.contains(id)
            if !sourceKnows { views[entry.transfer.from]?.virtualOut += entry.transfer.amount }
            if !destinationSettled && !destinationPending { views[entry.transfer.to]?.virtualIn += entry.credited }
            if destinationSettled && sourceKnows { entries[id] = nil }
        }
    }

    /// How long after its plan's expiry a transfer no venue has listed is taken as never executed:
    /// executors refuse expired plans and submit at once, and watchers report within a heartbeat,
    /// so two heartbeats cover the report's way back.
    public static func unexecutedGrace(_ topology: Topology) -> Nanos {
        2 * topology.timing.heartbeatMs * Nanos.perMillisecond
    }

    /// Forgets transfers whose plan expired more than `grace` ago without the source venue ever
    /// listing them: executors refuse expired plans, so that capital never left. Returns them.
    public mutating func dropUnexecuted(now: Nanos, grace: Nanos, states: [VenueID: VenueState]) -> [Entry] {
        dropNeverLeft(states: states) { entry in now > entry.expiresAt + grace ? entry.expiresAt + grace : nil }
    }

    /// Marks, at `now`, the transfers of every plan `abandoned` selects as said not approved.
    public mutating func markAbandoned(now: Nanos, _ abandoned: (UInt64) -> Bool) {
        for (id, entry) in entries where entry.abandonedAt == nil && abandoned(entry.planSeq) {
            entries[id]?.abandonedAt = now
        }
    }

    /// Forgets transfers said not approved (`markAbandoned`) once their source's state, observed
    /// after that, lists neither them pending nor settled: the coordinator's word alone is not
    /// enough, the venue must also show the capital never left. Returns them.
    public mutating func dropAbandoned(states: [VenueID: VenueState]) -> [Entry] {
        dropNeverLeft(states: states) { $0.abandonedAt }
    }

    /// Forgets every transfer no executor reported submitted whose source, in a state observed
    /// after `since(entry)` (nil: not yet), lists it neither pending nor settled. Returns them.
    private mutating func dropNeverLeft(states: [VenueID: VenueState], since: (Entry) -> Nanos?) -> [Entry] {
        var dropped: [Entry] = []
        for (id, entry) in entries where entry.submittedAt == nil {
            guard let after = since(entry), let source = states[entry.transfer.from], source.observedAt > after, !Self.lists(source, id) else { continue }
            entries[id] = nil
            dropped.append(entry)
        }
        return dropped
    }

    /// True when `state` lists transfer `id`, pending or settled.
    private static func lists(_ state: VenueState, _ id: String) -> Bool {
        state.pendingTransfers.contains(id) || state.settledTransfers.contains(id)
    }

    /// Flags transfers past their deadline; returns the newly flagged ones.
    public mutating func flagOverdue(now: Nanos) -> [Entry] {
        var flagged: [Entry] = []
        for (id, entry) in entries where !entry.overdue && now > entry.deadline {
            entries[id]?.overdue = true
            flagged.append(entry)
        }
        return flagged
    }
}
