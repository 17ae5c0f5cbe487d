import RebalancerCore

/// The simulated market of a deployment: the book each venue holds and how the price moves.
public struct MarketSpec: Sendable, Equatable, Codable {
    /// Seed of the price path.
    public var seed: UInt64
    /// Starting mark price.
    public var initialPrice: Double
    /// Drift of the log price per simulated year.
    public var drift: Double
    /// Volatility of the log price per simulated year, in the calm regime.
    public var volatility: Double
    /// Volatility multiplier during a shock regime.
    public var shockMultiplier: Double
    /// Simulated seconds per market tick.
    public var secondsPerTick: Double
    /// Real milliseconds between ticks when the market runs live.
    public var tickMs: Int64
    /// Liquidation penalty, as a fraction of the position's notional.
    public var liquidationPenalty: Double
    /// The book each venue holds.
    public var accounts: [Account]

    /// Creates a market specification.
    public init(
        seed: UInt64, initialPrice: Double, drift: Double, volatility: Double, shockMultiplier: Double,
        secondsPerTick: Double, tickMs: Int64, liquidationPenalty: Double, accounts: [Account]
    ) {
        self.seed = seed
        self.initialPrice = initialPrice
        self.drift = drift
        self.volatility = volatility
        self.shockMultiplier = shockMultiplier
        self.secondsPerTick = secondsPerTick
        self.tickMs = tickMs
        self.liquidationPenalty = liquidationPenalty
        self.accounts = accounts
    }

    /// One venue's starting collateral and position.
    public struct Account: Sendable, Equatable, Codable {
        /// The venue.
        public var venue: VenueID
        /// Starting collateral, in minor units.
        public var balance: Amount
        /// Signed position in contracts; the hedge pair holds the opposite size on another venue.
        public var position: Double
        /// The venue that holds the other leg of this position.
        public var hedgeVenue: VenueID
        /// Maintenance margin rate (fraction of notional).
        public var maintenanceRate: Double
        /// Initial margin rate (fraction of notional).
        public var initialRate: Double

        /// Creates an account.
        public init(venue: VenueID, balance: Amount, position: Double, hedgeVenue: VenueID, maintenanceRate: Double, initialRate: Double) {
            self.venue = venue
            self.balance = balance
            self.position = position
            self.hedgeVenue = hedgeVenue
            self.maintenanceRate = maintenanceRate
            self.initialRate = initialRate
        }
    }
}

extension MarketSpec {
    /// Market seconds that pass per wall-clock second: `seconds_per_tick / tick_ms` for a market
    /// that has accounts and ticks on the clock, 1 otherwise (real venues, and `rebalancer sim`,
    /// whose routes' latencies are already in market time). The node layer puts it in the
    /// topology's `marketSecondsPerSecond`.
    public var marketSecondsPerSecond: Double {
        guard !accounts.isEmpty, tickMs > 0, secondsPerTick > 0, secondsPerTick.isFinite else { return 1 }
        return secondsPerTick * 1000 / Double(tickMs)
    }
}

extension MarketSpec {
    /// The mean log-return of one calm tick, `(drift − volatility² / 2) · secondsPerTick / year`:
    /// the centre a seeded path's calm returns are Gaussian around (`PricePath`), around which
    /// `HindsightPath.mirrored(after:drift:)` mirrors a path.
    public var logDriftPerTick: Double {
        (drift - volatility * volatility / 2) * max(0, secondsPerTick) / PricePath.secondsPerYear
    }
}
