import RebalancerCore

/// A price path as it was played, with the book it was played against: what a hindsight bound is
/// computed from, for the simulation (`Simulation.hindsight`) and for a recorded live run
/// (`rebalancer hindsight`, the demo summary) alike.
///
/// `prices[0]` is the price before the first tick, `prices[k]` the mark after tick `k`; `times[k]`
/// is when tick `k` ran (nanoseconds, any origin, non-decreasing), which is what route latencies
/// are measured against.
public struct HindsightPath: Sendable, Equatable {
    /// The original book: each venue's starting collateral, position, hedge and margin rates.
    public var accounts: [MarketSpec.Account]
    /// The routes capital can take, with their fees and latencies.
    public var routes: [Topology.Route]
    /// The price before the first tick, then one mark per tick.
    public var prices: [Double]
    /// When each entry of `prices` was played, in nanoseconds.
    public var times: [Nanos]
    /// What the live system enforces on any schedule (decision time, warm-up, floors, limits); the
    /// bare market by default.
    public var rules = HindsightRules()

    /// Creates a path; `times` shorter than `prices` is extended one `tickNanos` per missing tick.
    public init(accounts: [MarketSpec.Account], routes: [Topology.Route], prices: [Double], times: [Nanos], tickNanos: Nanos = 0) {
        var kept: [MarketSpec.Account] = []
        for account in accounts where !kept.contains(where: { $0.venue == account.venue }) { kept.append(account) }
        self.accounts = kept
        self.routes = routes
        self.prices = prices
        var times = Array(times.prefix(prices.count))
        while times.count < prices.count { times.append((times.last ?? 0) + (times.isEmpty ? 0 : tickNanos)) }
        self.times = times
    }

    /// A path of evenly spaced ticks (the simulation's calendar).
    public init(accounts: [MarketSpec.Account], routes: [Topology.Route], prices: [Double], tickNanos: Nanos) {
        self.init(accounts: accounts, routes: routes, prices: prices, times: [0], tickNanos: tickNanos)
    }

    /// Ticks played (not counting the starting price).
    public var ticks: Int { max(0, prices.count - 1) }

    /// The latency-free bound of `HindsightBound`: hedged pairs whose pooled collateral fell below
    /// the pair's maintenance margin, and the least fees a run without liquidation pays.
    public func bound() -> HindsightBound {
        guard let start = prices.first else { return HindsightBound(liquidations: 0, minFeesWithoutLiquidation: 0) }
        var need = accounts.map { _ in 0.0 }
        var pairUnder: Set<String> = []
        for price in prices.dropFirst() {
            var margin: [VenueID: Double] = [:]
            var balance: [VenueID: Double] = [:]
            for (i, a) in accounts.enumerated() {
                let m = abs(a.position) * price * a.maintenanceRate * 100
                let b = Double(a.balance) + a.position * (price - start) * 100
                margin[a.venue] = m
                balance[a.venue] = b
                need[i] = max(need[i], m - b)
            }
            for a in accounts where a.position > 0 {
                guard let mh = margin[a.hedgeVenue], let bh = balance[a.hedgeVenue] else { continue }
                if balance[a.venue]! + bh < margin[a.venue]! + mh { pairUnder.insert(a.venue) }
            }
        }
        return HindsightBound(liquidations: pairUnder.count, minFeesWithoutLiquidation: minimumFees(need: need) / 100)
    }

    /// The least fees, in cents, of delivering `need[i]` net to each account `i`: each unit at its
    /// cheapest inbound route's proportional fee, plus one fixed fee for a venue that receives anything.
    func minimumFees(need: [Double]) -> Double {
        var fees = 0.0
        for (i, a) in accounts.enumerated() where need[i] > 0 {
            let inbound = routes.filter { $0.to == a.venue && $0.from != a.venue }
            let bps = inbound.map(\.feeBps).min() ?? 0
            let fixed = inbound.map(\.fixedFee).min() ?? 0
            fees += need[i] * bps / 10_000 + Double(fixed)
        }
        return fees
    }
}
