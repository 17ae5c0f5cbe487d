import RebalancerCore

/// The simulated outside world: every venue's collateral and position, one moving mark price,
/// margin, liquidations and transfers that settle after their route's latency.
///
/// A value type with no clock and no system randomness: time comes in as `now`, the price path is
/// seeded, so a run replays exactly. Venues are indexed by `Int` internally (structure of arrays),
/// so `tick` touches no dictionary.
///
/// Units: balances are `Amount` cents, the price is dollars per contract, so a position's PnL over
/// one tick is `(position * Δprice * 100).rounded()` cents. Rounding is symmetric, so the legs of a
/// hedged pair cancel exactly. Conservation, at every point:
/// `capitalInSystem + feesPaid + penaltiesCharged == initialCapital + cumulativePnL`.
public struct Market: Sendable {
    /// The specification the market was built from.
    public let spec: MarketSpec
    /// Every venue, in the order of `spec.accounts` (the internal index).
    public let venues: [VenueID]
    /// Sum of the starting balances.
    public let initialCapital: Amount
    /// The current mark price.
    public internal(set) var price: Double
    /// Venues liquidated so far.
    public internal(set) var liquidations: Int = 0
    /// Route fees charged on accepted transfers so far.
    public internal(set) var feesPaid: Amount = 0
    /// Liquidation penalties charged so far.
    public internal(set) var penaltiesCharged: Amount = 0
    /// Transfers credited at their destination so far.
    public internal(set) var transfersSettled: Int = 0
    /// Sum of every mark-to-market credit and debit so far: zero while every position is hedged
    /// by an equal and opposite one.
    public internal(set) var cumulativePnL: Amount = 0
    /// Ticks run so far.
    public internal(set) var ticks: UInt64 = 0

    /// Settled transfer ids kept per venue for `VenueState.settledTransfers`.
    public static let recentSettledLimit = 64
    /// Decay of the fast EWMA of the volatility forecast (RiskMetrics λ; `VolatilityForecast.fastDecay`).
    public static let volatilityDecay = RiskUnits.volatilityDecay

    let index: [VenueID: Int]
    var balances: [Amount]
    var positions: [Double]
    /// Index of each venue's hedge venue, or -1.
    let hedges: [Int]
    let maintenanceRates: [Double]
    let initialRates: [Double]
    var withdrawalsEnabled: [Bool]
    var pendingIn: [Amount]
    var pendingOut: [Amount]
    var recentSettled: [[String]]
    let routes: [Topology.Route]
    /// `routeTable[from * venues.count + to]` is an index into `routes`, or -1.
    let routeTable: [Int]
    /// Accepted transfers not yet credited, ordered by due time, ties in submission order.
    var inFlight: [InFlightTransfer] = []
    /// Every transfer id ever accepted (idempotency).
    var acceptedIDs: Set<String> = []
    var path: PricePath
    /// EWMA of squared per-tick log returns.
    var forecast: VolatilityForecast

    /// Creates a market from its specification and the topology's routes.
    ///
    /// `prices` defaults to the seeded random walk of `spec`. A repeated account keeps its first
    /// entry; an unknown or self hedge venue means unhedged; routes naming unknown venues are
    /// ignored, and of two routes between the same venues the first wins.
    public init(spec: MarketSpec, routes: [Topology.Route], prices: PricePath? = nil) {
        var ids: [VenueID] = []
        var index: [VenueID: Int] = [:]
        var accounts: [MarketSpec.Account] = []
        for account in spec.accounts where index[account.venue] == nil {
            index[account.venue] = ids.count
            ids.append(account.venue)
            accounts.append(account)
        }
        let n = ids.count
        var table = [Int](repeating: -1, count: n * n)
        var kept: [Topology.Route] = []
        for route in routes {
            guard let from = index[route.from], let to = index[route.to], from != to,
                  table[from * n + to] < 0 else { continue }
            table[from * n + to] = kept.count
            kept.append(route)
        }
        self.spec = spec
        self.venues = ids
        self.index = index
        self.balances = accounts.map(\.balance)
        self.positions = accounts.map(\.position)
        self.hedges = accounts.enumerated().map { i, account in
            guard let h = index[account.hedgeVenue], h != i else { return -1 }
            return h
        }
        self.maintenanceRates = accounts.map(\.maintenanceRate)
        self.initialRates = accounts.map(\.initialRate)
        self.withdrawalsEnabled = Array(repeating: true, count: n)
        self.pendingIn = Array(repeating: 0, count: n)
        self.pendingOut = Array(repeating: 0, count: n)
        self.recentSettled = Array(repeating: [], count: n)
        self.routes = kept
        self.routeTable = table
        self.initialCapital = accounts.reduce(0) { $0 + $1.balance }
        let path = prices ?? PricePath(spec: spec)
        self.path = path
        self.price = path.price
        let dt = spec.secondsPerTick / PricePath.secondsPerYear
        self.forecast = VolatilityForecast(initialVariance: spec.volatility * spec.volatility * dt)
    }

    /// The regime of the price path (always calm for a replay).
    public var regime: PricePath.Regime { path.regime }

    /// The settled balance of a venue, in cents.
    public func balance(of venue: VenueID) -> Amount? {
        index[venue].map { balances[$0] }
    }

    /// The signed position of a venue, in contracts.
    public func position(of venue: VenueID) -> Double? {
        index[venue].map { positions[$0] }
    }

    /// The route from one venue to another, if the market knows it.
    public func route(from: VenueID, to: VenueID) -> Topology.Route? {
        guard let f = index[from], let t = index[to] else { return nil }
        let r = routeTable[f * venues.count + t]
        return r >= 0 ? routes[r] : nil
    }

    /// Transfers accepted and not yet credited.
    public var transfersInFlight: Int { inFlight.count }

    /// Balances plus the amounts in flight that will be credited.
    public var capitalInSystem: Amount {
        balances.reduce(0, +) + inFlight.reduce(0) { $0 + $1.credited }
    }

    /// Seconds ahead the published volatility forecasts (`VolatilityForecast`): half an hour, the
    /// latency of a slow route.
    public static let forecastHorizonSeconds = 1_800.0

    /// Annualised volatility forecast over the next `forecastHorizonSeconds`, from the per-tick log
    /// returns (`VolatilityForecast`: fast and slow EWMA, jump detection); seeded with
    /// `spec.volatility`.
    public var estimatedVolatility: Double {
        let dt = spec.secondsPerTick / PricePath.secondsPerYear
        return dt > 0 ? forecast.annualised(horizonSeconds: Market.forecastHorizonSeconds, secondsPerTick: spec.secondsPerTick) : spec.volatility
    }
}

extension Market {
    /// An accepted transfer waiting for its route latency to pass.
    struct InFlightTransfer: Sendable {
        var id: String
        var from: Int
        var to: Int
        var amount: Amount
        var credited: Amount
        var due: Nanos
    }

    /// A Double amount of cents rounded half away from zero (symmetric), clamped so a runaway
    /// price can never trap the conversion.
    @inline(__always)
    static func cents(_ value: Double) -> Amount {
        let limit = 4.0e18
        if value.isNaN { return 0 }
        if value >= limit { return Amount(limit) }
        if value <= -limit { return -Amount(limit) }
        return Amount(value.rounded())
    }

    /// Maintenance margin of venue `i` at the current price, in cents.
    @inline(__always)
    func maintenanceMargin(at i: Int) -> Amount {
        Market.cents(abs(positions[i]) * price * maintenanceRates[i] * 100)
    }

    /// Initial margin of venue `i` at the current price, in cents.
    func initialMargin(at i: Int) -> Amount {
        Market.cents(abs(positions[i]) * price * initialRates[i] * 100)
    }
}
