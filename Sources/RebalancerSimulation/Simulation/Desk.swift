import RebalancerCore

/// The trading desk of a simulated run: it holds each hedged pair at its intended size, and after
/// a liquidation re-opens the pair at the largest size both legs can carry at initial margin.
///
/// It never moves collateral (that is the strategy's job), so a strategy that starves one leg
/// leaves the desk with a smaller book.
struct Desk {
    /// One hedged pair: the long leg, the short leg, the intended size.
    struct Pair {
        var long: VenueID
        var short: VenueID
        var size: Double
        var liquidatedAt: Nanos?
    }

    var pairs: [Pair]
    let delay: Nanos
    let step: Double

    init(spec: MarketSpec, delaySeconds: Double, step: Double) {
        var pairs: [Pair] = []
        var seen: Set<VenueID> = []
        for account in spec.accounts where account.position > 0 && !seen.contains(account.venue) {
            guard let hedge = spec.accounts.first(where: { $0.venue == account.hedgeVenue }),
                  hedge.position < 0, !seen.contains(hedge.venue) else { continue }
            seen.formUnion([account.venue, hedge.venue])
            pairs.append(Pair(long: account.venue, short: hedge.venue, size: account.position))
        }
        self.pairs = pairs
        self.delay = Nanos(delaySeconds * 1e9)
        self.step = step
    }

    /// Notes a liquidation at `venue`.
    mutating func liquidated(_ venue: VenueID, at now: Nanos) {
        for i in pairs.indices where pairs[i].long == venue || pairs[i].short == venue {
            pairs[i].liquidatedAt = now
        }
    }

    /// Re-sizes every reduced pair whose cooldown has passed, as far as its legs' collateral allows.
    func reenter(_ market: inout Market, now: Nanos) {
        for pair in pairs {
            guard let at = pair.liquidatedAt, now - at >= delay, let current = market.position(of: pair.long),
                  current < pair.size, let rate = market.initialRate(of: pair.long),
                  let a = market.balance(of: pair.long), let b = market.balance(of: pair.short),
                  market.price > 0, rate > 0 else { continue }
            let affordable = Double(min(a, b)) / (rate * market.price * 100)
            let size = min(pair.size, affordable)
            guard size >= max(0, current) + step * pair.size else { continue }
            market.resizePair(venue: pair.long, to: size)
        }
    }
}
