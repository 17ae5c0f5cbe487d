/// A planning strategy: given the venues' views, the transfers to make now.
public protocol Strategy: Sendable {
    /// The strategy's name, carried in every plan it makes.
    var name: String { get }
    /// The transfers to make, in canonical order; empty when nothing needs to move.
    func plan(views: [VenueID: VenueView], topology: Topology) -> [Transfer]
}

/// Strategy names known to the system.
public enum StrategyName: String, Sendable, CaseIterable {
    /// Never move capital: the baseline that shows what the rebalancer prevents.
    case `static`
    /// Fixed ratio bands, largest surplus to largest deficit.
    case threshold

    /// The strategy of this name.
    public func make() -> any Strategy {
        switch self {
        case .static: StaticStrategy()
        case .threshold: GreedyThresholdStrategy()
        }
    }
}

/// Never moves capital.
public struct StaticStrategy: Strategy {
    /// Creates the strategy.
    public init() {}
    /// "static".
    public var name: String { StrategyName.static.rawValue }
    /// Always empty.
    public func plan(views: [VenueID: VenueView], topology: Topology) -> [Transfer] { [] }
}
