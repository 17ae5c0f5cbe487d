import RebalancerCore

/// What one strategy did over a simulated run. Money in the asset's major unit (USD).
public struct SimulationMetrics: Sendable, Equatable, Codable {
    /// Venues liquidated (each liquidation event counts once).
    public var liquidations: Int
    /// Venue-minutes spent with an open position and a balance below initial margin.
    public var minutesBelowInitialMargin: Double
    /// Transfers the market accepted.
    public var transfers: Int
    /// Route fees charged on them.
    public var feesPaid: Double
    /// Opportunity cost of capital in transit: Σ amount × route latency × capital cost per year.
    public var latencyCost: Double
    /// Time-average share of the capital (balances plus amounts in transit) not needed as initial
    /// margin by the open positions.
    public var idleCapitalShare: Double
    /// Liquidation penalties charged.
    public var penaltiesPaid: Double
    /// Transfers the market refused (for example a source whose balance fell before submission).
    public var rejectedTransfers: Int
    /// Contract-hours of the book's intended size lost to liquidations (size held below intended).
    public var reducedBookShare: Double

    /// fees + latency cost: what the Done-when compares.
    public var cost: Double { feesPaid + latencyCost }

    /// Creates metrics.
    public init(
        liquidations: Int = 0, minutesBelowInitialMargin: Double = 0, transfers: Int = 0, feesPaid: Double = 0,
        latencyCost: Double = 0, idleCapitalShare: Double = 0, penaltiesPaid: Double = 0, rejectedTransfers: Int = 0,
        reducedBookShare: Double = 0
    ) {
        self.liquidations = liquidations
        self.minutesBelowInitialMargin = minutesBelowInitialMargin
        self.transfers = transfers
        self.feesPaid = feesPaid
        self.latencyCost = latencyCost
        self.idleCapitalShare = idleCapitalShare
        self.penaltiesPaid = penaltiesPaid
        self.rejectedTransfers = rejectedTransfers
        self.reducedBookShare = reducedBookShare
    }

    enum CodingKeys: String, CodingKey {
        case liquidations
        case minutesBelowInitialMargin = "minutes_below_initial_margin"
        case transfers
        case feesPaid = "fees_paid"
        case latencyCost = "latency_cost"
        case idleCapitalShare = "idle_capital_share"
        case penaltiesPaid = "penalties_paid"
        case rejectedTransfers = "rejected_transfers"
        case reducedBookShare = "reduced_book_share"
    }
}

/// A bound no strategy can beat, computed with hindsight from the price path and the original book.
///
/// - `liquidations`: hedged pairs whose pooled collateral fell below the pair's maintenance margin
///   at some tick: no transfer plan can save those (a lower bound on liquidations).
/// - `minFeesWithoutLiquidation`: for a strategy that liquidates nothing, each venue must receive
///   at least `max over t of (M_t − B_0 − PnL_t)` net, and each unit costs at least its cheapest
///   inbound route's proportional fee, plus one fixed fee if it receives anything (USD).
public struct HindsightBound: Sendable, Equatable, Codable {
    /// Lower bound on liquidations.
    public var liquidations: Int
    /// Lower bound on fees of a run with no liquidation, in USD.
    public var minFeesWithoutLiquidation: Double

    /// Creates a bound.
    public init(liquidations: Int, minFeesWithoutLiquidation: Double) {
        self.liquidations = liquidations
        self.minFeesWithoutLiquidation = minFeesWithoutLiquidation
    }

    enum CodingKeys: String, CodingKey {
        case liquidations
        case minFeesWithoutLiquidation = "min_fees_without_liquidation"
    }
}

/// The `sim` command's JSON: `{"scenario", "seed", "hours", "strategies": {NAME: metrics}, "hindsight"}`.
public struct SimulationReport: Sendable, Equatable, Codable {
    /// The scenario's name.
    public var scenario: String
    /// The price seed (ignored for a replay).
    public var seed: UInt64
    /// Simulated hours.
    public var hours: Double
    /// Metrics per strategy name.
    public var strategies: [String: SimulationMetrics]
    /// The hindsight bound.
    public var hindsight: HindsightBound?

    /// Creates a report.
    public init(scenario: String, seed: UInt64, hours: Double, strategies: [String: SimulationMetrics], hindsight: HindsightBound?) {
        self.scenario = scenario
        self.seed = seed
        self.hours = hours
        self.strategies = strategies
        self.hindsight = hindsight
    }
}
