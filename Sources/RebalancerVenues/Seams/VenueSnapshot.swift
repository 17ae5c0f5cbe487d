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

    /// Creates a snapshot.
    public init(
        equity: Int64, maintenanceMargin: Int64, initialMargin: Int64, withdrawable: Int64,
        withdrawalsEnabled: Bool = true, positions: [Position] = [], venueSequence: UInt64,
        marginSource: MarginSource = .reported
    ) {
        self.equity = equity
        self.maintenanceMargin = maintenanceMargin
        self.initialMargin = initialMargin
        self.withdrawable = withdrawable
        self.withdrawalsEnabled = withdrawalsEnabled
        self.positions = positions
        self.venueSequence = venueSequence
        self.marginSource = marginSource
    }
}
