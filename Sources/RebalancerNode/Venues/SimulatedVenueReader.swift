import Foundation
import RebalancerCore
import RebalancerVenues

/// The simulated market (`rebalancer venues`) as a `VenueReader`: it holds the latest state the
/// market's signed tick feed reported for one venue. The watcher's feed handler pushes each tick
/// in (`update`), so the demo stays push-driven; a read returns the latest as a `VenueSnapshot`
/// carrying everything the market reports (capital in flight, volatility, depth).
/// `@unchecked Sendable`: `latest` is read and written only under `lock`; the rest is immutable.
public final class SimulatedVenueReader: VenueReader, @unchecked Sendable {
    /// The adapter kind in the topology.
    public static let kind = VenueAdapter.simulatedKind
    /// The adapter kind.
    public var kind: String { Self.kind }
    /// The venue read.
    public let venue: VenueID
    private let lock = NSLock()
    // Guarded by lock.
    private var latest: VenueSnapshot?

    /// A reader of `venue` that has seen no tick yet.
    public init(venue: VenueID) {
        self.venue = venue
    }

    /// The market reported `state` (its own seq and time; the watcher stamps its own on publishing).
    public func update(_ state: VenueState) {
        let snapshot = Self.snapshot(of: state)
        lock.withLock { latest = snapshot }
    }

    /// The latest state, without waiting; `.unavailable` before the first tick.
    public func current() throws(VenueError) -> VenueSnapshot {
        guard let snapshot = lock.withLock({ latest }) else { throw .unavailable("no tick from the simulated market yet") }
        return snapshot
    }

    public func snapshot() async throws(VenueError) -> VenueSnapshot {
        try current()
    }

    /// A market state as a snapshot: one position in the venue's market (kept even when flat, so
    /// the mark price survives), the market's sequence as the venue sequence, margin as reported.
    static func snapshot(of state: VenueState) -> VenueSnapshot {
        VenueSnapshot(
            equity: state.balance, maintenanceMargin: state.maintenanceMargin, initialMargin: state.initialMargin,
            withdrawable: max(0, state.balance - state.initialMargin), withdrawalsEnabled: state.withdrawalsEnabled,
            positions: [.init(market: state.venue, size: state.positionSize, markPrice: state.markPrice)],
            venueSequence: state.seq, marginSource: .reported, pendingIn: state.pendingIn, pendingOut: state.pendingOut,
            pendingTransfers: state.pendingTransfers, settledTransfers: state.settledTransfers,
            volatility: state.volatility, depth: state.depth
        )
    }
}
