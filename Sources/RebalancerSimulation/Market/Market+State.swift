import RebalancerCore

extension Market {
    /// Order-book depth reported per cent of position notional (calm regime).
    public static let depthPerNotional = 20.0
    /// Depth reported by a venue without a position, in cents.
    public static let minimumDepth: Amount = 1_000_000

    /// The full state of one venue as a watcher would read it, or nil for an unknown venue.
    ///
    /// Depth is a deterministic stand-in: `depthPerNotional` times the position's notional (at
    /// least `minimumDepth`), divided by the shock multiplier during a shock. `pendingOut` is what
    /// the venue was debited, `pendingIn` what it will be credited (after fees).
    public func state(of venue: VenueID, seq: UInt64, observedAt: Nanos) -> VenueState? {
        guard let i = index[venue] else { return nil }
        var pending: [String] = []
        for transfer in inFlight where transfer.from == i || transfer.to == i {
            pending.append(transfer.id)
        }
        return VenueState(
            venue: venue, seq: seq, observedAt: observedAt, balance: balances[i],
            maintenanceMargin: maintenanceMargin(at: i), initialMargin: initialMargin(at: i),
            markPrice: price, volatility: estimatedVolatility, positionSize: positions[i],
            depth: depth(at: i), withdrawalsEnabled: withdrawalsEnabled[i], pendingIn: pendingIn[i],
            pendingOut: pendingOut[i], pendingTransfers: pending, settledTransfers: recentSettled[i]
        )
    }

    /// The deterministic depth figure of venue `i`, in cents.
    func depth(at i: Int) -> Amount {
        let notional = abs(positions[i]) * price * 100
        var depth = max(Market.cents(notional * Market.depthPerNotional), Market.minimumDepth)
        if path.regime == .shock, spec.shockMultiplier > 1 {
            depth = max(Market.cents(Double(depth) / spec.shockMultiplier), 1)
        }
        return depth
    }
}
