/// Direction-aware (s, S) bands: `RiskBands` that know which price move hurts each venue and
/// whether that move is under way. See docs/strategies.md, "directional".
///
/// A venue's exposure sign (long or short) decides which move hurts it; its own utilisation
/// trend `τ` (d(M / balance)/dt, signed by its watcher) says whether the current move is draining
/// it or feeding it. With `r` its settled ratio, the ratio falls at `r² τ` per second, so if the
/// move goes on for the venue's horizon (the latency of its fastest inbound route plus the
/// decision time, in the watcher's clock) the ratio loses
/// `drain = w × r² × τ × T`, with `w` the continuation weight.
///
/// - A venue being drained (`drain > z × m`, `m` the horizon's standard deviation of the ratio)
///   holds its trigger, its liquidation level and its refill level raised by `drain`: it asks
///   ahead of the move's continuation, and it never gives while the move lasts.
/// - A venue being fed (`drain < −z × m`) is the winning leg: it is never critical, and it gives
///   what it holds above its own trigger `s` (the buffer that survives its own adverse move, the
///   reversal, for as long as capital needs to reach it), as its gains arrive, whether or not a
///   rescue is under way.
/// - Any other venue follows `RiskBands`: (s, S) hysteresis, and in a rescue gives down to its
///   keep.
///
/// The trigger is also at least `1 + k × min(stressMovePerHour × T, maximumStressMove)` (the
/// base's jump-aware stress floor: a sustained move linear in the horizon, not a Gaussian
/// quantile). Every quantity comes from the venue's own signed state and the topology, and every
/// receiver of a rescue is critical, so a verifier recomputes the same bands from a plan's basis.
public struct DirectionalBands: Sendable, Equatable, Codable {
    /// The risk model: volatility bound, cushion, gap, cost-benefit rule, stress floor.
    public var base: RiskBands
    /// `w`: how much of the current drain, continued over the horizon, the bands add.
    public var continuationWeight: Double
    /// `z`: how many horizon standard deviations the continued drain must exceed before a venue
    /// counts as drained or fed (below it, the trend is noise).
    public var significance: Double
    /// While a venue that is not fed sits under its stress level (capital must be placed ahead of a
    /// move), a venue with no move lends from its band down to `s + positioningKeep × (S − s)`:
    /// the (s, S) hysteresis does not keep the buffer of a slow venue unfilled.
    public var positioningKeep: Double

    /// The `directional` strategy's defaults: the stress floor of a 30% move per hour, capped at
    /// 16% per horizon (the crash's move over a 30-minute route plus a minute of decision).
    public static let standard = DirectionalBands(
        base: RiskBands(stressMovePerHour: 0.3, maximumStressMove: 0.16), continuationWeight: 1, significance: 1, positioningKeep: 0.5
    )

    /// Creates direction-aware bands.
    public init(base: RiskBands = RiskBands(), continuationWeight: Double = 1, significance: Double = 1, positioningKeep: Double = 0.5) {
        self.positioningKeep = positioningKeep
        self.base = base
        self.continuationWeight = continuationWeight
        self.significance = significance
    }

    /// Which way the current move is taking a venue.
    public enum Direction: Sendable, Equatable {
        /// The move is draining it (its ratio falls faster than noise explains).
        case drained
        /// The move is feeding it (the winning leg).
        case fed
        /// No significant move.
        case flat
    }

    /// One venue's direction-aware policy.
    public struct Policy: Sendable, Equatable {
        /// The base (s, S) parameters.
        public var parameters: RiskBands.Parameters
        /// Ratio the current move takes away over the horizon if it continues (negative: adds).
        public var drain: Double
        /// Which way the move is taking the venue.
        public var direction: Direction
        /// Trigger `s`, continuation included.
        public var trigger: Double
        /// Refill level `S`, continuation included.
        public var refill: Double
        /// Liquidation level `c`, continuation included; a venue under it is critical (unless fed).
        public var critical: Double
    }

    /// The policy of one venue, or nil when it holds no position.
    public func policy(venue: Topology.Venue, state: VenueState, topology: Topology) -> Policy? {
        // The stress floor is a move per market hour over a horizon of real latency: where the market
        // runs faster than the clock (the demo plays an hour per 100 ms) a one-second route is ten
        // market hours, and the floor would ask every venue for more than the book holds.
        var risk = base
        if RiskBands.marketSecondsPerSecond(topology) != 1 { risk.stressMovePerHour = 0 }
        guard let p = risk.parameters(venue: venue, state: state, topology: topology) else { return nil }
        let margin = Double(state.maintenanceMargin)
        let settled = Double(state.balance) / margin
        let wallHorizon = p.horizonSeconds / RiskBands.marketSecondsPerSecond(topology)
        let trend = state.utilisationTrend.isFinite ? state.utilisationTrend : 0
        var drain = max(0, continuationWeight) * settled * settled * trend * wallHorizon
        if !drain.isFinite { drain = 0 }
        drain = min(base.maximumBuffer, max(-base.maximumBuffer, drain))
        let noise = max(significance, 0) * p.move
        let direction: Direction = drain > noise && drain > 0 ? .drained : (drain < -noise && drain < 0 ? .fed : .flat)
        let added = direction == .drained ? drain : 0
        let trigger = min(1 + base.maximumBuffer, p.trigger + added)
        return Policy(
            parameters: p, drain: drain, direction: direction, trigger: trigger,
            refill: p.refill + (trigger - p.trigger), critical: min(trigger, base.criticalLevel(p) + added)
        )
    }

    /// The topology with every venue's direction-aware bands (`lowerBand`, `targetRatio`,
    /// `upperBand`), for a planner that lends from the band (`TransferOptimizer.lendsFromBand`).
    public func apply(views: [VenueID: VenueView], topology: Topology) -> Topology {
        var adjusted = topology
        var policies: [Int: (policy: Policy, ratio: Double, margin: Amount)] = [:]
        for index in adjusted.venues.indices {
            let venue = adjusted.venues[index]
            guard let view = views[venue.id], let policy = policy(venue: venue, state: view.state, topology: topology) else { continue }
            let margin = view.state.maintenanceMargin
            policies[index] = (policy, Double(view.effectiveBalance) / Double(margin), margin)
        }
        let rescue = policies.values.contains { $0.policy.direction != .fed && $0.ratio < $0.policy.critical }
        let positioning = policies.values.contains { $0.policy.direction != .fed && $0.ratio < $0.policy.parameters.stressLevel }
        for (index, entry) in policies {
            let (policy, ratio, margin) = entry
            let p = policy.parameters
            let id = adjusted.venues[index].id
            let gap = policy.refill - policy.trigger
            var lower = policy.trigger
            var target = policy.refill
            switch policy.direction {
            case .fed:
                if ratio >= policy.trigger {
                    // The winning leg gives its gains down to its own trigger, rescue or not.
                    lower = policy.trigger
                    target = ratio + 1e-6
                } else if rescue || (ratio >= p.stressLevel && !base.worthRefilling(from: ratio, p, venue: id, margin: margin, topology: topology)) {
                    // Under its trigger but gaining: it does not ask in a rescue, nor when not worth it.
                    lower = max(0, ratio - 1e-6)
                }
            case .drained:
                if rescue && ratio >= policy.critical || !rescue && ratio >= policy.trigger && ratio < policy.refill {
                    // Drained but not (yet) critical: it keeps what it has, and asks only once critical.
                    lower = ratio
                    target = ratio + 1e-6
                }
            case .flat:
                if ratio < policy.trigger, ratio >= p.stressLevel, !base.worthRefilling(from: ratio, p, venue: id, margin: margin, topology: topology) {
                    lower = max(0, ratio - 1e-6)
                }
                if !rescue, ratio >= lower, ratio < target { lower = ratio }
                if !rescue, positioning, ratio >= policy.trigger {
                    // Capital must be placed ahead of a move: lend from the band, keeping part of the gap.
                    lower = min(ratio, policy.trigger + min(1, max(0, positioningKeep)) * gap)
                    target = max(target, ratio + 1e-6)
                }
                if rescue, ratio >= policy.critical {
                    let keep = policy.critical + min(1, max(0, base.rescueKeep)) * max(0, policy.trigger - policy.critical)
                    lower = min(keep, ratio)
                    target = max(policy.critical, ratio) + 1e-6
                }
            }
            adjusted.venues[index].lowerBand = lower
            adjusted.venues[index].targetRatio = target
            adjusted.venues[index].upperBand = target + gap
        }
        return adjusted
    }
}
