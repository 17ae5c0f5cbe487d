import RebalancerCore
import RebalancerVenues

extension VenueState {
    /// The one conversion of a venue read into the state a watcher publishes, used for the
    /// simulated market and every real adapter alike: balance is the equity; maintenance and
    /// initial margin, withdrawals, capital in flight, volatility and depth as read; the mark price
    /// is the largest position's (by notional) and the position size is the sum of the signed
    /// sizes in that position's market. The watcher then stamps `seq`, `observedAt`, the topology
    /// id and the utilisation trend, which a read does not know.
    public init(venue: VenueID, snapshot: VenueSnapshot) {
        let largest = snapshot.positions.max { abs($0.size * $0.markPrice) < abs($1.size * $1.markPrice) }
        let size = largest.map { main in snapshot.positions.filter { $0.market == main.market }.reduce(0) { $0 + $1.size } } ?? 0
        self.init(
            venue: venue, seq: 0, observedAt: 0, balance: snapshot.equity,
            maintenanceMargin: snapshot.maintenanceMargin, initialMargin: snapshot.initialMargin,
            markPrice: largest?.markPrice ?? 0, volatility: snapshot.volatility ?? 0, positionSize: size,
            depth: snapshot.depth ?? 0, withdrawalsEnabled: snapshot.withdrawalsEnabled,
            pendingIn: snapshot.pendingIn, pendingOut: snapshot.pendingOut,
            pendingTransfers: snapshot.pendingTransfers, settledTransfers: snapshot.settledTransfers
        )
    }
}
