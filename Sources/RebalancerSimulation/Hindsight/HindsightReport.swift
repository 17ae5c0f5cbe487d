import RebalancerCore

/// The hindsight report of a played price path: how many liquidations no strategy could have
/// avoided given the routes' latencies and the capital, the least fees of a run without one, and
/// for each liquidation that did happen whether it was avoidable. Money in cents.
public struct HindsightReport: Sendable, Equatable, Codable {
    /// One liquidation that happened in the run.
    public struct Liquidation: Sendable, Equatable, Codable {
        /// The venue liquidated.
        public var venue: VenueID
        /// The market tick it happened at.
        public var tick: Int
        /// The mark price then.
        public var price: Double
        /// True when a schedule obeying every rule of the live system (`HindsightRules`), played
        /// through the market, keeps every venue alive through that tick (`avoidableThrough`).
        public var avoidable: Bool

        /// Creates an entry.
        public init(venue: VenueID, tick: Int, price: Double, avoidable: Bool) {
            self.venue = venue
            self.tick = tick
            self.price = price
            self.avoidable = avoidable
        }
    }

    /// Ticks the path played.
    public var ticks: Int
    /// Ticks the latency-aware check covered: all of them up to `flowTickLimit`, the first
    /// `flowTickLimit` beyond (a liquidation after them is reported undecided).
    public var checkedTicks: Int
    /// A lower bound on the liquidations any strategy suffers on this path: 1 when no schedule
    /// keeps every venue alive (latencies counted), or the hedged pairs whose pooled collateral
    /// fell below their margin (`HindsightBound.liquidations`), whichever is more.
    public var unavoidableLiquidations: Int
    /// The first tick no schedule survives, nil when the whole path could be survived.
    public var firstUnavoidableTick: Int?
    /// Least route fees of a run without liquidation (`HindsightBound.minFeesWithoutLiquidation`), in cents.
    public var hindsightCost: Amount
    /// The last tick through which a schedule obeying every rule of the live system, played
    /// through the market, keeps every venue alive (`HindsightPath.avoidableThrough`); -1 when none.
    public var avoidableThrough: Int
    /// Liquidations of the run that a schedule obeying every rule, played through the market, avoids.
    public var avoidableLiquidations: Int
    /// Liquidations neither proven avoidable (no played schedule keeps every venue through their
    /// tick) nor proven unavoidable (the relaxation still finds a schedule): the bound's gap.
    public var undecidedLiquidations: Int
    /// Every liquidation of the run, in order.
    public var liquidations: [Liquidation]

    /// Most ticks the latency-aware check covers (its flow network grows with venues × routes × ticks).
    public static let flowTickLimit = 50_000

    /// Computes the report of `path` for the liquidations that happened, as (venue, tick).
    public init(path: HindsightPath, liquidations happened: [(venue: VenueID, tick: Int)]) {
        let bound = path.bound()
        var checked = path
        if path.ticks > Self.flowTickLimit {
            checked.prices = Array(path.prices.prefix(Self.flowTickLimit + 1))
            checked.times = Array(path.times.prefix(Self.flowTickLimit + 1))
        }
        let first = checked.firstUnavoidableTick()
        let through = first == 0 ? -1 : checked.avoidableThrough(limit: first.map { $0 - 1 })
        avoidableThrough = through
        ticks = path.ticks
        checkedTicks = checked.ticks
        firstUnavoidableTick = first
        unavoidableLiquidations = max(bound.liquidations, first == nil ? 0 : 1)
        hindsightCost = Amount((bound.minFeesWithoutLiquidation * 100).rounded(.up))
        liquidations = happened.map { venue, tick in
            let price = path.prices.indices.contains(tick) ? path.prices[tick] : (path.prices.last ?? 0)
            return Liquidation(venue: venue, tick: tick, price: price, avoidable: tick <= through)
        }
        avoidableLiquidations = liquidations.filter(\.avoidable).count
        undecidedLiquidations = liquidations.filter { Self.isUndecided($0, firstUnavoidableTick: first) }.count
    }

    /// Whether a liquidation that happened is undecided: neither proven avoidable nor at or after
    /// the first tick the relaxation proves unavoidable.
    public func isUndecided(_ liquidation: Liquidation) -> Bool {
        Self.isUndecided(liquidation, firstUnavoidableTick: firstUnavoidableTick)
    }

    static func isUndecided(_ liquidation: Liquidation, firstUnavoidableTick first: Int?) -> Bool {
        !liquidation.avoidable && (first.map { liquidation.tick < $0 } ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case ticks
        case checkedTicks = "checked_ticks"
        case unavoidableLiquidations = "unavoidable_liquidations"
        case firstUnavoidableTick = "first_unavoidable_tick"
        case hindsightCost = "hindsight_cost"
        case avoidableThrough = "avoidable_through"
        case avoidableLiquidations = "avoidable_liquidations"
        case undecidedLiquidations = "undecided_liquidations"
        case liquidations
    }
}
