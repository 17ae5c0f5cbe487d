extension Verifier.State {
    /// Whether a watcher state kept unopened (its signature not checked yet) should be opened
    /// before a proposal uses it: when this verifier has no view of the venue, when its view is
    /// as old as the staleness bound, or when the claim differs materially from the view (margin band,
    /// withdrawals, pending or settled transfers, or balance or maintenance margin moved by more
    /// than `Watcher.Settings.defaultMaterialFraction`, the watchers' own rule).
    ///
    /// Otherwise the frame stays kept until a proposal rests on its venue (the newest frame of
    /// every basis venue is opened before a plan is judged), the view reaches the staleness bound,
    /// or a newer frame replaces it (counted as conflated). At 100 venues most frames are
    /// heartbeats that change nothing a verifier checks: opening each of them cost every verifier
    /// one signature check per frame, about a fifth of its CPU. What a plan is judged on is
    /// unchanged: the rules read the own view of the plan's venues only, refreshed from their
    /// newest frames just before. A claim is only read to decide when to check it, never trusted.
    public func opensBeforeUse(_ claim: VenueState, now: Nanos) -> Bool {
        guard let own = view[claim.venue], let at = receivedAt[claim.venue], let venue = topology.venue(claim.venue) else { return true }
        if now - at >= topology.timing.staleAfterMs * Nanos.perMillisecond { return true }
        return Watcher.Material.change(claim, from: own, venue: venue, fraction: Watcher.Settings.defaultMaterialFraction) != nil
    }
}
