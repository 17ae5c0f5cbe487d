import Foundation
import Metrics
import RebalancerCore

/// The decision path as Prometheus sees it: for each hop, the time since the watcher observed the
/// state that triggered the plan (`rebalancer_decision_hop_seconds{hop}`), and end to end, from
/// that observation to the executor holding a verified quorum
/// (`rebalancer_decision_end_to_end_seconds`).
public enum DecisionHop: String, Sendable, CaseIterable {
    /// The coordinator received a venue state (time since the watcher observed it).
    case coordinatorReceived = "coordinator_received"
    /// The coordinator proposed a plan.
    case proposed
    /// A verifier's vote reached the coordinator.
    case voteReceived = "vote_received"
    /// The coordinator held a quorum of approvals.
    case quorumReached = "quorum_reached"
    /// The approved plan was in the journal.
    case journaled
    /// The approved plan was published.
    case published
    /// The executor verified the plan's quorum itself.
    case executorVerified = "executor_verified"
    /// A transfer was submitted to its venue.
    case transferSubmitted = "transfer_submitted"
    /// A transfer settled.
    case settled
}

extension NodeRuntime {
    /// Records that the decision path reached `hop`, `since` the triggering observation.
    public func decisionHop(_ hop: DecisionHop, since observedAt: Nanos) {
        guard observedAt > 0 else { return }
        let elapsed = max(0, clock.now() - observedAt)
        Metrics.Timer(label: "rebalancer_decision_hop_seconds", dimensions: [("node", node.id), ("hop", hop.rawValue)]).recordNanoseconds(elapsed)
        if hop == .executorVerified {
            Metrics.Timer(label: "rebalancer_decision_end_to_end_seconds", dimensions: [("node", node.id)]).recordNanoseconds(elapsed)
        }
    }

    /// Sets the per-venue gauges from a verified state the node holds: balance, maintenance and
    /// initial margin (in the venue's account currency), margin ratio, capital in flight in and
    /// out, and the observation time (from which `rebalancer_venue_stale` is set each tick).
    public func recordVenue(_ state: VenueState) {
        let labels = [("node", node.id), ("venue", state.venue)]
        func gauge(_ name: String, _ value: Double) { Metrics.Gauge(label: "rebalancer_venue_\(name)", dimensions: labels).record(value) }
        gauge("balance", Double(state.balance) / 100)
        gauge("maintenance_margin", Double(state.maintenanceMargin) / 100)
        gauge("initial_margin", Double(state.initialMargin) / 100)
        gauge("margin_ratio", state.marginRatio.isFinite ? state.marginRatio : 0)
        gauge("in_flight_in", Double(state.pendingIn) / 100)
        gauge("in_flight_out", Double(state.pendingOut) / 100)
        gauge("observed_timestamp_seconds", Double(state.observedAt) / 1e9)
    }

    /// Sets `rebalancer_venue_stale{venue}` to 1 or 0.
    public func recordVenueStale(_ venue: VenueID, stale: Bool) {
        Metrics.Gauge(label: "rebalancer_venue_stale", dimensions: [("node", node.id), ("venue", venue)]).record(stale ? 1 : 0)
    }

    /// Sets each venue's target margin ratio and band edges from the topology
    /// (`rebalancer_venue_target_ratio`, `rebalancer_venue_band_low_ratio`, `rebalancer_venue_band_high_ratio`).
    public func recordVenueTargets() {
        for venue in topology.venues {
            let labels = [("node", node.id), ("venue", venue.id)]
            Metrics.Gauge(label: "rebalancer_venue_target_ratio", dimensions: labels).record(venue.targetRatio)
            Metrics.Gauge(label: "rebalancer_venue_band_low_ratio", dimensions: labels).record(venue.lowerBand)
            Metrics.Gauge(label: "rebalancer_venue_band_high_ratio", dimensions: labels).record(venue.upperBand)
        }
    }
}
