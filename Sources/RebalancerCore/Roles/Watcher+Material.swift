extension Watcher {
    /// The material-change rule: whether a reading is worth publishing before the heartbeat.
    public enum Material {
        /// Why `state` must be published at once given the last `published` one, or nil when it
        /// can wait for the heartbeat.
        public static func reason(_ state: VenueState, since published: VenueState?, settings: Settings) -> Reason? {
            guard let published else { return .first }
            // Below its lower band a venue waits for capital: every reading counts.
            if state.marginRatio < settings.venue.lowerBand, state != published.withSeqAndTime(of: state) { return .band }
            return change(state, from: published, venue: settings.venue, fraction: settings.materialFraction)
        }

        /// How `state` differs materially from `old`, or nil: another margin band, other
        /// withdrawals or transfers, or balance or maintenance margin moved by more than
        /// `fraction`. The watcher publishes on it; a verifier checks a kept state early on it.
        public static func change(_ state: VenueState, from old: VenueState, venue: Topology.Venue, fraction: Double) -> Reason? {
            if band(state.marginRatio, venue) != band(old.marginRatio, venue) { return .band }
            if state.withdrawalsEnabled != old.withdrawalsEnabled || state.pendingIn != old.pendingIn
                || state.pendingOut != old.pendingOut || state.pendingTransfers != old.pendingTransfers
                || state.settledTransfers != old.settledTransfers {
                return .transfers
            }
            if moved(state.balance, from: old.balance, fraction) || moved(state.maintenanceMargin, from: old.maintenanceMargin, fraction) {
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
