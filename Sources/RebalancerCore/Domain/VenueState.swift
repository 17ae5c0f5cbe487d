/// One venue's full state as a watcher observed it: never a delta, always everything.
public struct VenueState: Sendable, Equatable, Codable {
    /// The venue this state describes.
    public var venue: VenueID
    /// The watcher's sequence number, strictly increasing per watcher run.
    public var seq: UInt64
    /// When the watcher read the venue (wall clock of the watcher).
    public var observedAt: Nanos
    /// Collateral on the venue, settled.
    public var balance: Amount
    /// Maintenance margin the open positions require; below it the venue liquidates.
    public var maintenanceMargin: Amount
    /// Initial margin the open positions require.
    public var initialMargin: Amount
    /// Mark price of the venue's position.
    public var markPrice: Double
    /// The venue's (annualised) volatility estimate.
    public var volatility: Double
    /// Signed position size in contracts (positive long, negative short).
    public var positionSize: Double
    /// Order-book depth the venue reports, in minor units.
    public var depth: Amount
    /// False when the venue has suspended withdrawals.
    public var withdrawalsEnabled: Bool
    /// Inbound transfers accepted but not yet credited.
    public var pendingIn: Amount
    /// Outbound transfers debited but not yet credited at their destination.
    public var pendingOut: Amount
    /// Identifiers of transfers touching this venue that are in flight.
    public var pendingTransfers: [String]
    /// Identifiers of the most recently settled transfers touching this venue.
    public var settledTransfers: [String]
    /// The watcher's smoothed trend of utilisation (maintenance margin over balance), per second.
    public var utilisationTrend: Double

    /// Creates a venue state.
    public init(
        venue: VenueID, seq: UInt64, observedAt: Nanos, balance: Amount, maintenanceMargin: Amount,
        initialMargin: Amount, markPrice: Double = 0, volatility: Double = 0, positionSize: Double = 0,
        depth: Amount = 0, withdrawalsEnabled: Bool = true, pendingIn: Amount = 0, pendingOut: Amount = 0,
        pendingTransfers: [String] = [], settledTransfers: [String] = [], utilisationTrend: Double = 0
    ) {
        self.venue = venue
        self.seq = seq
        self.observedAt = observedAt
        self.balance = balance
        self.maintenanceMargin = maintenanceMargin
        self.initialMargin = initialMargin
        self.markPrice = markPrice
        self.volatility = volatility
        self.positionSize = positionSize
        self.depth = depth
        self.withdrawalsEnabled = withdrawalsEnabled
        self.pendingIn = pendingIn
        self.pendingOut = pendingOut
        self.pendingTransfers = pendingTransfers
        self.settledTransfers = settledTransfers
        self.utilisationTrend = utilisationTrend
    }

    /// Balance divided by maintenance margin; infinite for a venue with no margin requirement.
    public var marginRatio: Double {
        maintenanceMargin > 0 ? Double(balance) / Double(maintenanceMargin) : .infinity
    }
}
