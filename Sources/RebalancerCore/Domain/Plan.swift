/// A reference to one signed venue state a plan was computed from.
public struct BasisRef: Sendable, Equatable, Codable {
    /// The venue.
    public var venue: VenueID
    /// The watcher's sequence number of that state.
    public var seq: UInt64
    /// When the watcher observed it.
    public var observedAt: Nanos
    /// The digest of the watcher's signed envelope of that state (covers type, sender and payload).
    public var digest: [UInt8]

    /// Creates a basis reference.
    public init(venue: VenueID, seq: UInt64, observedAt: Nanos, digest: [UInt8]) {
        self.venue = venue
        self.seq = seq
        self.observedAt = observedAt
        self.digest = digest
    }
}

/// A set of transfers the coordinator proposes, with everything a verifier needs to check it.
public struct Plan: Sendable, Equatable, Codable {
    /// The deployment this plan belongs to.
    public var topologyID: String
    /// The verifier-set epoch the plan is proposed under.
    public var epoch: UInt64
    /// The coordinator's sequence number, strictly increasing, never reused.
    public var planSeq: UInt64
    /// When the coordinator created the plan.
    public var createdAt: Nanos
    /// After this instant nobody signs or executes the plan.
    public var expiresAt: Nanos
    /// The transfers, in canonical order.
    public var transfers: [Transfer]
    /// The venue states the plan was computed from.
    public var basis: [BasisRef]
    /// The venue whose state change triggered the plan.
    public var triggerVenue: VenueID
    /// When the watcher observed the triggering state (for end-to-end latency).
    public var triggerObservedAt: Nanos
    /// The strategy that computed the plan.
    public var strategy: String

    /// Creates a plan.
    public init(
        topologyID: String, epoch: UInt64, planSeq: UInt64, createdAt: Nanos, expiresAt: Nanos,
        transfers: [Transfer], basis: [BasisRef], triggerVenue: VenueID, triggerObservedAt: Nanos,
        strategy: String
    ) {
        self.topologyID = topologyID
        self.epoch = epoch
        self.planSeq = planSeq
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.transfers = transfers
        self.basis = basis
        self.triggerVenue = triggerVenue
        self.triggerObservedAt = triggerObservedAt
        self.strategy = strategy
    }

    /// Transfers sorted into the canonical order the digest covers: by source, destination (both
    /// compared as UTF-8 bytes, so every language sorts them alike), then amount.
    public static func canonical(_ transfers: [Transfer]) -> [Transfer] {
        transfers.sorted { a, b in
            if a.from != b.from { return a.from.utf8.lexicographicallyPrecedes(b.from.utf8) }
            if a.to != b.to { return a.to.utf8.lexicographicallyPrecedes(b.to.utf8) }
            return a.amount < b.amount
        }
    }
}
