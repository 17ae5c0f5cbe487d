/// One read of a venue account's margin, in the venue's own terms converted to the system's units:
/// money in cents of the settlement asset (USD), prices in USD, sizes in contracts.
public struct VenueSnapshot: Sendable, Equatable, Codable {
    /// Where the maintenance margin figure came from.
    public enum MarginSource: String, Sendable, Codable {
        /// The venue reported it (Hyperliquid `crossMaintenanceMarginUsed`, Binance `totalMaintMargin`).
        case reported
        /// Derived by the adapter from positions and the venue's margin fractions (dYdX v4).
        case derived
    }

    /// One open position.
    public struct Position: Sendable, Equatable, Codable {
        /// The venue's market symbol (`BTC`, `BTCUSDT`, `BTC-USD`).
        public var market: String
        /// Signed size in contracts or coins: positive long, negative short.
        public var size: Double
        /// Mark (or oracle) price in USD.
        public var markPrice: Double
        /// Liquidation price in USD, when the venue reports one.
        public var liquidationPrice: Double?

        /// Creates a position.
        public init(market: String, size: Double, markPrice: Double, liquidationPrice: Double? = nil) {
            self.market = market
            self.size = size
            self.markPrice = markPrice
            self.liquidationPrice = liquidationPrice
        }
    }

    /// Account equity (balance plus unrealised PnL), cents.
    public var equity: Int64
    /// Maintenance margin in use, cents.
    public var maintenanceMargin: Int64
    /// Initial margin in use, cents.
    public var initialMargin: Int64
    /// What can be withdrawn now, cents.
    public var withdrawable: Int64
    /// False when the venue or the account does not allow withdrawals now.
    public var withdrawalsEnabled: Bool
    /// Open positions.
    public var positions: [Position]
    /// The venue's own sequence or timestamp for this read (ms since the Unix epoch where the
    /// venue gives a time), so a stale or replayed response can be recognised.
    public var venueSequence: UInt64
    /// Whether `maintenanceMargin` was reported by the venue or derived.
    public var marginSource: MarginSource
    /// Deposits the venue reports accepted but not yet credited, cents (0 when it reports none).
    public var pendingIn: Int64
    /// Withdrawals debited but not yet credited at their destination, cents (0 when none reported).
    public var pendingOut: Int64
    /// Identifiers of the transfers in flight the venue reports.
    public var pendingTransfers: [String]
    /// Identifiers of the most recently settled transfers the venue reports.
    public var settledTransfers: [String]
    /// The venue's (annualised) volatility estimate, when it gives one.
    public var volatility: Double?
    /// Order-book depth the venue reports, cents, when it gives one.
    public var depth: Int64?

    /// Creates a snapshot. The capital in flight and market fields default to "none reported".
    public init(
        equity: Int64, maintenanceMargin: Int64, initialMargin: Int64, withdrawable: Int64,
        withdrawalsEnabled: Bool = true, positions: [Position] = [], venueSequence: UInt64,
        marginSource: MarginSource = .reported, pendingIn: Int64 = 0, pendingOut: Int64 = 0,
        pendingTransfers: [String] = [], settledTransfers: [String] = [], volatility: Double? = nil, depth: Int64? = nil
    ) {
        self.equity = equity
        self.maintenanceMargin = maintenanceMargin
        self.initialMargin = initialMargin
        self.withdrawable = withdrawable
        self.withdrawalsEnabled = withdrawalsEnabled
        self.positions = positions
        self.venueSequence = venueSequence
        self.marginSource = marginSource
        self.pendingIn = pendingIn
        self.pendingOut = pendingOut
        self.pendingTransfers = pendingTransfers
        self.settledTransfers = settledTransfers
        self.volatility = volatility
        self.depth = depth
    }
}

extension VenueSnapshot {
    /// Decodes a snapshot; the capital in flight and market fields may be absent (none reported),
    /// so a snapshot written before they existed still reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            equity: try c.decode(Int64.self, forKey: .equity),
            maintenanceMargin: try c.decode(Int64.self, forKey: .maintenanceMargin),
            initialMargin: try c.decode(Int64.self, forKey: .initialMargin),
            withdrawable: try c.decode(Int64.self, forKey: .withdrawable),
            withdrawalsEnabled: try c.decode(Bool.self, forKey: .withdrawalsEnabled),
            positions: try c.decode([Position].self, forKey: .positions),
            venueSequence: try c.decode(UInt64.self, forKey: .venueSequence),
            marginSource: try c.decode(MarginSource.self, forKey: .marginSource),
            pendingIn: try c.decodeIfPresent(Int64.self, forKey: .pendingIn) ?? 0,
            pendingOut: try c.decodeIfPresent(Int64.self, forKey: .pendingOut) ?? 0,
            pendingTransfers: try c.decodeIfPresent([String].self, forKey: .pendingTransfers) ?? [],
            settledTransfers: try c.decodeIfPresent([String].self, forKey: .settledTransfers) ?? [],
            volatility: try c.decodeIfPresent(Double.self, forKey: .volatility),
            depth: try c.decodeIfPresent(Int64.self, forKey: .depth)
        )
    }
}
