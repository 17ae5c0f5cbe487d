/// Moves capital out of one venue: submits a transfer under an idempotency key, reports its
/// status, and finds a transfer by its key, so that an executor that crashed between submitting
/// and recording looks the transfer up before anything is resubmitted.
public protocol TransferGateway: Sendable {
    /// The adapter kind, as written in the topology.
    var kind: String { get }
    /// Submits `request`. Submitting a key the venue already holds returns that transfer's status
    /// and moves nothing again.
    func submit(_ request: TransferRequest) async throws(VenueError) -> TransferStatus
    /// The status of the transfer submitted under `key`; `VenueError.notFound` when the venue has none.
    func status(of key: IdempotencyKey) async throws(VenueError) -> TransferStatus
    /// The transfer submitted under `key`, or nil when the venue has none (never an error for "absent").
    func find(_ key: IdempotencyKey) async throws(VenueError) -> TransferStatus?
}

/// One transfer out of a venue.
public struct TransferRequest: Sendable, Equatable, Codable {
    /// The idempotency key: the same transfer always has the same key.
    public var key: IdempotencyKey
    /// The venue the capital leaves.
    public var from: String
    /// The venue the capital goes to.
    public var to: String
    /// Amount in cents of the settlement asset.
    public var amount: Int64
    /// The asset (`USDC`, `USDT`).
    public var asset: String
    /// The destination address or account on the receiving side, from the topology (allow-listed at the venue).
    public var destination: String
    /// The network or chain to use, when the venue asks (`ARBITRUM`, `ETH`).
    public var network: String?

    /// Creates a request.
    public init(key: IdempotencyKey, from: String, to: String, amount: Int64, asset: String, destination: String, network: String? = nil) {
        self.key = key
        self.from = from
        self.to = to
        self.amount = amount
        self.asset = asset
        self.destination = destination
        self.network = network
    }
}

/// What became of a transfer at the venue.
public struct TransferStatus: Sendable, Equatable, Codable {
    /// The state.
    public enum State: String, Sendable, Codable {
        /// Accepted by the venue, not yet moving.
        case submitted
        /// On its way (processing, awaiting confirmations).
        case pending
        /// Credited at the destination, or completed at the venue's side.
        case settled
        /// Refused or failed; `reason` says why. Nothing moved.
        case failed
    }

    /// The key it was submitted under.
    public var key: IdempotencyKey
    /// The state.
    public var state: State
    /// The venue's own identifier of the transfer, when it gave one.
    public var venueID: String?
    /// Why it failed, or the venue's status text.
    public var reason: String?

    /// Creates a status.
    public init(key: IdempotencyKey, state: State, venueID: String? = nil, reason: String? = nil) {
        self.key = key
        self.state = state
        self.venueID = venueID
        self.reason = reason
    }
}
