extension Watcher {
    /// The material-change rule: whether a reading is worth publishing before the heartbeat.
    public enum Material {
        /// Why `state` must be published at once given the last `published` one, or nil when it
        /// can wait for the heartbeat.
        public static func reason(_ state: VenueState, since published: VenueState?, settings: Settings) -> Reason? {
            guard let published else { return .first }
            let venue = settings.venue
            if band(state.marginRatio, venue) != band(published.marginRatio, venue) { return .band }
            // Below its lower band a venue waits for capital: every reading counts.
            if state.marginRatio < venue.lowerBand, state != published.withSeqAndTime(of: state) { return .band }
            if state.withdrawalsEnabled != published.withdrawalsEnabled || state.pendingIn != published.pendingIn
                || state.pendingOut != published.pendingOut || state.pendingTransfers != published.pendingTransfers
                || state.settledTransfers != published.settledTransfers {
                return .transfers
            }
            if moved(state.balance, from: published.balance, settings.materialFraction)
                || moved(state.maintenanceMargin, from: published.maintenanceMargin, settings.materialFraction) {
                return .moved
            }
            return nil
        }

        /// Which of the four bands the ratio is in: below lower, below target, up to upper, above upper.
        static func band(_ ratio: Double, _ venue: Topology.Venue) -> Int {
            if ratio < venue.lowerBand { return 0 }
            if ratio < venue.targetRatio { return 1 }
            if ratio <= venue.upperBand { return 2 }
            return 3
        }

        static func moved(_ value: Amount, from old: Amount, _ fraction: Double) -> Bool {
            let base = max(abs(Double(old)), 1)
            return abs(Double(value) - Double(old)) > fraction * base
        }
    }
}

extension VenueState {
    /// This state with `other`'s sequence, observation time and trend: equal to `other` when only those differ.
    func withSeqAndTime(of other: VenueState) -> VenueState {
        var copy = self
        copy.seq = other.seq
        copy.observedAt = other.observedAt
        copy.utilisationTrend = other.utilisationTrend
        return copy
    }
}
