import RebalancerCore

extension Market {
    /// The desk re-sizes a hedged pair: venue `venue` to `size` contracts (signed), its hedge venue
    /// to `-size`. Moves no collateral and books no PnL: the pair's mark-to-market still cancels.
    /// Returns false for an unknown or unhedged venue.
    @discardableResult
    mutating func resizePair(venue: VenueID, to size: Double) -> Bool {
        guard let i = index[venue], hedges[i] >= 0, size.isFinite else { return false }
        positions[i] = size
        positions[hedges[i]] = -size
        return true
    }

    /// Initial margin rate of a venue's account.
    func initialRate(of venue: VenueID) -> Double? { index[venue].map { initialRates[$0] } }
}
