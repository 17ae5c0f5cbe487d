import RebalancerCore

extension Market {
    /// Runs one market tick at `now`: moves the price, marks every position to market, settles the
    /// transfers due by `now`, then liquidates every venue whose balance fell below maintenance
    /// margin. Returns what happened, in order.
    public mutating func tick(now: Nanos) -> [Event] {
        var events: [Event] = []
        let before = path.regime
        let old = price
        let new = path.next()
        price = new
        ticks += 1
        if path.regime != before { events.append(.regimeChanged(path.regime)) }
        updateVolatility(from: old, to: new)
        markToMarket(priceChange: new - old)
        events += settleDue(now: now)
        liquidateUndermargined(into: &events)
        return events
    }

    /// Credits every position's PnL for a price change to its venue's balance.
    mutating func markToMarket(priceChange: Double) {
        guard priceChange != 0 else { return }
        let centsPerContract = priceChange * 100
        var total: Amount = 0
        positions.withUnsafeBufferPointer { positions in
            balances.withUnsafeMutableBufferPointer { balances in
                for i in positions.indices where positions[i] != 0 {
                    let pnl = Market.cents(positions[i] * centsPerContract)
                    balances[i] += pnl
                    total += pnl
                }
            }
        }
        cumulativePnL += total
    }

    /// Folds one log return into the volatility forecast.
    mutating func updateVolatility(from old: Double, to new: Double) {
        guard old > 0, new > 0, old.isFinite, new.isFinite else { return }
        forecast.update(logReturn: PortableMath.log(new / old))
    }

    /// Liquidates, in venue order, every venue with a position whose balance is below its
    /// maintenance margin.
    mutating func liquidateUndermargined(into events: inout [Event]) {
        for i in positions.indices where positions[i] != 0 && balances[i] < maintenanceMargin(at: i) {
            let penalty = liquidate(i)
            events.append(.liquidated(venue: venues[i], penalty: penalty))
        }
    }

    /// Closes venue `i`'s position with a penalty of `min(balance, liquidationPenalty * notional)`
    /// (never negative), and unwinds as much of its hedge venue's opposite position at the mark,
    /// without penalty. Returns the penalty.
    mutating func liquidate(_ i: Int) -> Amount {
        let closed = positions[i]
        let notional = Market.cents(abs(closed) * price * 100)
        let charge = Market.cents(spec.liquidationPenalty * Double(notional))
        let penalty = max(0, min(balances[i], charge))
        balances[i] -= penalty
        penaltiesCharged += penalty
        positions[i] = 0
        liquidations += 1
        let h = hedges[i]
        if h >= 0, positions[h] != 0, (positions[h] > 0) != (closed > 0) {
            let unwound = min(abs(positions[h]), abs(closed))
            positions[h] += positions[h] > 0 ? -unwound : unwound
        }
        return penalty
    }
}
