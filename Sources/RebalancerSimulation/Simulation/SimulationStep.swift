import RebalancerCore

/// What one tick of a simulated run looked like to the strategy: the views it planned over, the
/// bands it planned against, what it sent and what was liquidated. `Simulation.run(_:hours:observe:)`
/// hands one to an observer per tick (the `sim --trace` CSV), so a liquidation can be explained.
public struct SimulationStep: Sendable {
    /// Tick number, from 1.
    public var step: Int
    /// Mark price after the tick.
    public var price: Double
    /// The views the strategy saw (transfers in flight counted).
    public var views: [VenueID: VenueView]
    /// The bands the strategy planned against (`Strategy.policyTopology`).
    public var bands: Topology
    /// Transfers submitted at this tick.
    public var transfers: [Transfer]
    /// Venues liquidated at this tick.
    public var liquidated: [VenueID]
}
