/// The band policy: a target ratio of balance to maintenance margin with a lower and upper band.
///
/// A venue below its lower band needs capital up to its target; a venue above its target can give
/// what it holds above the target. Sources are never drawn below the target, which keeps them
/// inside their band (hysteresis) and well above their floor.
public struct Bands: Sendable, Equatable {
    /// The venue's configuration.
    public var venue: Topology.Venue

    /// Creates the bands of one venue.
    public init(venue: Topology.Venue) { self.venue = venue }

    /// The balance the venue should hold.
    public func target(_ state: VenueState) -> Amount {
        Amount((Double(state.maintenanceMargin) * venue.targetRatio).rounded(.up))
    }

    /// The lowest balance a source may be left with: maintenance margin plus the floor buffer.
    public func floor(_ state: VenueState) -> Amount { state.maintenanceMargin + venue.floorBuffer }

    /// True when the venue is below its lower band.
    public func needsCapital(_ view: VenueView) -> Bool {
        Double(view.effectiveBalance) < Double(view.state.maintenanceMargin) * venue.lowerBand
    }

    /// The capital the venue needs to reach its target, zero when it is inside its band.
    public func deficit(_ view: VenueView) -> Amount {
        needsCapital(view) ? max(0, target(view.state) - view.effectiveBalance) : 0
    }

    /// The capital the venue can give while staying at its target, its floor and its withdrawal limit.
    public func surplus(_ view: VenueView) -> Amount {
        guard view.canSend else { return 0 }
        let keep = max(target(view.state), floor(view.state))
        // Only settled balance can leave: pending credits are not withdrawable yet.
        let spendable = view.state.balance - view.virtualOut
        return max(0, min(spendable - keep, view.effectiveBalance - keep, venue.withdrawalLimit))
    }
}
