/// What a planner knows about one venue: its latest state and the capital already on its way.
public struct VenueView: Sendable, Equatable {
    /// The latest verified state.
    public var state: VenueState
    /// Approved transfers into the venue that its state does not show yet.
    public var virtualIn: Amount
    /// Approved transfers out of the venue that its state does not show yet.
    public var virtualOut: Amount
    /// True when the state is older than the staleness bound.
    public var stale: Bool

    /// Creates a view.
    public init(state: VenueState, virtualIn: Amount = 0, virtualOut: Amount = 0, stale: Bool = false) {
        self.state = state
        self.virtualIn = virtualIn
        self.virtualOut = virtualOut
        self.stale = stale
    }

    /// Balance counting capital in flight: pending credits and approved transfers not yet visible.
    public var effectiveBalance: Amount { state.balance + state.pendingIn + virtualIn - virtualOut }

    /// True when capital may be drawn from the venue.
    public var canSend: Bool { !stale && state.withdrawalsEnabled }
}
