/// (s, S) bands from liquidation risk: each venue's trigger `s` is the lowest margin ratio at
/// which the probability of reaching maintenance margin before capital sent now could arrive
/// stays under a bound, and a refill to `S` is made only when the loss it is expected to avoid
/// exceeds what it costs. See docs/strategies.md, "predictive".
///
/// For a venue with maintenance margin `M`, initial margin `I·M`, position notional `N`, the
/// latency `L` of its fastest inbound route plus the reaction time (horizon `T = L + reaction`) and
/// the watcher's volatility forecast `σ` (`VolatilityForecast`):
/// - `k = 1 + N / M`, `m = k σ √(T / year)`: the ratio's standard deviation over the horizon;
/// - trigger `s = max(1 + m Φ⁻¹(1 − ε/2), I + zI m, 1 + minimumBuffer)`: `P(reach M within T) ≤ ε`
///   and, with `zI` standard deviations, the venue stays above initial margin (where the desk
///   can still carry its book) until the capital lands;
/// - refill level `S = s + max(minimumGap, fixed fee / (maxFixedFeeShare × M), 1.25 × minimumRefill / M)`;
/// - cost-benefit: at ratio `r < s` the refill of `D = (S − r) M` is made only when
///   `lossLiquidation × N × (p(r) − p(S)) + lossInitial × N × (q(r) − q(S))` exceeds
///   `fee(D) + D × L × capitalCost / year`, with `p`, `q` the probabilities of touching `M`,
///   `I·M` within the horizon (`LiquidationRisk`); otherwise the venue's lower band is set just
///   under its ratio and it does not ask.
///
/// Everything comes from the venue's own signed state and the topology, so a verifier recomputes
/// the same bands from the basis states.
public struct RiskBands: Sendable, Equatable, Codable {
    /// ε: largest acceptable probability of reaching maintenance margin before a refill lands.
    public var liquidationProbability: Double
    /// zI: standard deviations of the horizon's move kept above initial margin.
    public var initialMarginConfidence: Double
    /// Seconds added to the inbound latency: detection, planning, quorum and execution, in the
    /// market's own time where one tick is one decision (`rebalancer sim`).
    public var reactionSeconds: Double
    /// Wall-clock seconds added to the inbound latency where the market runs faster than the
    /// clock (a topology whose simulated market plays `seconds_per_tick` every `tick_ms`): the
    /// live pipeline's detection, quorum and execution, scaled to market time like the latency.
    public var reactionWallSeconds: Double
    /// Horizon of a venue no route leads to, in seconds.
    public var unreachableSeconds: Double
    /// Loss of a liquidation, as a share of the position's notional (penalty, the hedge unwound,
    /// the book re-opened).
    public var liquidationLoss: Double
    /// Loss of a fall below initial margin, as a share of notional (the desk cannot carry the book).
    public var initialMarginLoss: Double
    /// Annual cost of capital in transit (prices the latency of a refill).
    public var capitalCostPerYear: Double
    /// Smallest distance `S − s`, as a ratio.
    public var minimumGap: Double
    /// Largest share of a refill its fixed fee may take (sets `S − s` when fixed fees are large).
    public var maxFixedFeeShare: Double
    /// Smallest trigger buffer `s − 1`.
    public var minimumBuffer: Double
    /// Largest trigger buffer `s − 1`.
    public var maximumBuffer: Double
    /// How far above its own trigger a venue that does not need capital is drawn down when it
    /// gives (as a ratio); nil: down to its refill level `S`, as `Bands` does.
    public var sourceKeep: Double?
    /// The planner's smallest transfer, in cents: the gap `S − s` is at least 1.25 times it (as a
    /// ratio of the venue's maintenance margin), so a venue just under its trigger asks for a
    /// refill the planner can make, instead of waiting, unserved, until it has fallen further.
    public var minimumRefill: Amount
    /// In a rescue, how deep a venue that is not critical may give, from its liquidation level
    /// `c` (0, the default) to its own trigger `s` (1): it keeps `c + rescueKeep × (s − c)`. At 1
    /// a rescue only overrides the (s, S) hysteresis; at 0 it also spends the initial-margin cushion.
    public var rescueKeep: Double
    /// The largest sustained relative price move per hour the bands insure against (a jump-aware
    /// worst credible move, not a Gaussian quantile): the trigger is at least
    /// `1 + k × min(stressMovePerHour × T / 1 h, maximumStressMove)`, so a venue survives such a
    /// move for as long as capital sent now needs to arrive. 0 turns it off.
    public var stressMovePerHour: Double
    /// Cap on the stress move over one horizon (a relative move).
    public var maximumStressMove: Double

    /// Creates risk bands; the defaults are the `predictive` strategy's.
    public init(
        liquidationProbability: Double = 0.01, initialMarginConfidence: Double = 0, reactionSeconds: Double = 60,
        reactionWallSeconds: Double = 0.2, unreachableSeconds: Double = 86_400, liquidationLoss: Double = 0.02, initialMarginLoss: Double = 0.001,
        capitalCostPerYear: Double = 0.10, minimumGap: Double = 0.6, maxFixedFeeShare: Double = 0.001,
        minimumBuffer: Double = 0.3, maximumBuffer: Double = 20, sourceKeep: Double? = nil, minimumRefill: Amount = 0,
        rescueKeep: Double = 0, stressMovePerHour: Double = 0, maximumStressMove: Double = 0.3
    ) {
        self.stressMovePerHour = stressMovePerHour
        self.maximumStressMove = maximumStressMove
        self.rescueKeep = rescueKeep
        self.minimumRefill = minimumRefill
        self.sourceKeep = sourceKeep
        self.liquidationProbability = liquidationProbability
        self.initialMarginConfidence = initialMarginConfidence
        self.reactionSeconds = reactionSeconds
        self.reactionWallSeconds = reactionWallSeconds
        self.unreachableSeconds = unreachableSeconds
        self.liquidationLoss = liquidationLoss
        self.initialMarginLoss = initialMarginLoss
        self.capitalCostPerYear = capitalCostPerYear
        self.minimumGap = minimumGap
        self.maxFixedFeeShare = maxFixedFeeShare
        self.minimumBuffer = minimumBuffer
        self.maximumBuffer = maximumBuffer
    }

    /// One venue's (s, S) policy, in multiples of maintenance margin.
    public struct Parameters: Sendable, Equatable, Codable {
        /// Trigger `s`.
        public var trigger: Double
        /// Refill level `S`.
        public var refill: Double
        /// Horizon `T`, seconds.
        public var horizonSeconds: Double
        /// The ratio's standard deviation over the horizon, `m`.
        public var move: Double
        /// Initial margin as a ratio, `I`.
        public var initialRatio: Double
        /// Position notional, cents.
        public var notional: Double
        /// The ratio that survives the stress move over the horizon, `1 + k × stress` (1 without a
        /// stress move): under it a venue asks whatever the cost-benefit rule says.
        public var stressLevel: Double = 1
    }

    /// The (s, S) policy of one venue, or nil when it holds no position (nothing to protect).
    public func parameters(venue: Topology.Venue, state: VenueState, topology: Topology) -> Parameters? {
        let notional = abs(state.positionSize) * state.markPrice * 100
        let margin = Double(state.maintenanceMargin)
        guard margin > 0, notional > 0, notional.isFinite else { return nil }
        let k = 1 + notional / margin
        let horizon = inbound(of: venue.id, topology: topology)?.horizon ?? unreachableSeconds
        let sigma = state.volatility.isFinite ? max(0, state.volatility) : 0
        let move = k * sigma * (horizon / RiskUnits.secondsPerYear).squareRoot()
        let initial = max(1, Double(state.initialMargin) / margin)
        let riskBuffer = LiquidationRisk.buffer(bound: liquidationProbability, move: move)
        let cushion = initial - 1 + initialMarginConfidence * move
        let stress = k * min(max(0, maximumStressMove), max(0, stressMovePerHour) * horizon / 3_600)
        let buffer = min(maximumBuffer, max(minimumBuffer, riskBuffer.isFinite ? riskBuffer : maximumBuffer, cushion, stress.isFinite ? stress : 0))
        let fixed = Double(inbound(of: venue.id, topology: topology)?.route.fixedFee ?? 0)
        let costGap = fixed / (maxFixedFeeShare * margin)
        let sizeGap = 1.25 * Double(max(0, minimumRefill)) / margin
        let gap = max(minimumGap, costGap.isFinite ? costGap : minimumGap, sizeGap)
        return Parameters(
            trigger: 1 + buffer, refill: 1 + buffer + gap, horizonSeconds: horizon, move: move,
            initialRatio: initial, notional: notional, stressLevel: 1 + min(maximumBuffer, stress.isFinite ? stress : 0)
        )
    }

    /// Expected loss avoided by lifting the ratio from `ratio` to the refill level, in cents.
    public func avoidedLoss(from ratio: Double, _ p: Parameters) -> Double {
        let liq = LiquidationRisk.touchProbability(distance: ratio - 1, move: p.move)
            - LiquidationRisk.touchProbability(distance: p.refill - 1, move: p.move)
        let im = LiquidationRisk.touchProbability(distance: ratio - p.initialRatio, move: p.move)
            - LiquidationRisk.touchProbability(distance: p.refill - p.initialRatio, move: p.move)
        return p.notional * (liquidationLoss * max(0, liq) + initialMarginLoss * max(0, im))
    }

    /// What a refill from `ratio` to the refill level costs through the fastest inbound route, in
    /// cents: its fee plus the capital cost of the time in transit.
    public func refillCost(from ratio: Double, _ p: Parameters, venue: VenueID, margin: Amount, topology: Topology) -> Double {
        let amount = max(0, p.refill - ratio) * Double(margin)
        guard let route = inbound(of: venue, topology: topology)?.route else { return .infinity }
        let fee = Double(route.fixedFee) + amount * route.feeBps / 10_000
        let latency = Double(route.latencyMs) / 1000 * Self.marketSecondsPerSecond(topology)
        return fee + amount * latency * capitalCostPerYear / RiskUnits.secondsPerYear
    }

    /// True when the refill from `ratio` is worth its cost.
    public func worthRefilling(from ratio: Double, _ p: Parameters, venue: VenueID, margin: Amount, topology: Topology) -> Bool {
        avoidedLoss(from: ratio, p) > refillCost(from: ratio, p, venue: venue, margin: margin, topology: topology)
    }

    /// The topology with every venue's (s, S) policy as its bands (`lowerBand = s`, `targetRatio
    /// = S`, `upperBand = S + (S − s)`); a venue under `s` whose refill is not worth its cost gets
    /// a lower band just under its ratio. Venues without a view or a position keep their bands.
    ///
    /// Rescue: when some venue is *critical* (its ratio, counting capital in flight, is under its
    /// liquidation level `c = 1 + max(minimumBuffer, m Φ⁻¹(1 − ε/2))`, the trigger without the
    /// initial-margin cushion), only critical venues ask for capital, and every other venue may
    /// give down to its keep `c + rescueKeep × (s − c)` (its lower band becomes the keep and its
    /// target its current ratio, so a planner that lends from the band draws it there). The
    /// initial-margin cushion and the (s, S) hysteresis never keep capital from a venue about to be liquidated. Every receiver
    /// of a rescue plan is critical, so a verifier that sees only the plan's venues sees the
    /// rescue too and recomputes the same bands. Outside a rescue a venue between `s` and `S`
    /// neither asks nor lends (its lower band is its ratio): only a rescue lends from the band.
    public func apply(views: [VenueID: VenueView], topology: Topology) -> Topology {
        var adjusted = topology
        var policies: [Int: (p: Parameters, ratio: Double, critical: Double, margin: Amount)] = [:]
        for index in adjusted.venues.indices {
            let venue = adjusted.venues[index]
            guard let view = views[venue.id], let p = parameters(venue: venue, state: view.state, topology: topology) else { continue }
            let margin = view.state.maintenanceMargin
            policies[index] = (p, Double(view.effectiveBalance) / Double(margin), criticalLevel(p), margin)
        }
        let rescue = policies.values.contains { $0.ratio < $0.critical }
        for (index, policy) in policies {
            let (p, ratio, critical, margin) = policy
            let venue = adjusted.venues[index]
            var trigger = p.trigger
            if ratio < trigger, ratio >= p.stressLevel, !worthRefilling(from: ratio, p, venue: venue.id, margin: margin, topology: topology) {
                trigger = max(0, ratio - 1e-6)
            }
            adjusted.venues[index].lowerBand = trigger
            adjusted.venues[index].targetRatio = p.refill
            if let keep = sourceKeep, ratio >= p.trigger { adjusted.venues[index].targetRatio = min(p.refill, p.trigger + max(0, keep)) }
            adjusted.venues[index].upperBand = p.refill + (p.refill - p.trigger)
            if !rescue, ratio >= trigger, ratio < adjusted.venues[index].targetRatio {
                // Between s and S a venue neither asks nor lends: lending from the band outside a
                // rescue drew venues down to their trigger, where they soon asked again (seed 28
                // of the month: $65M moved, against $4M in rescues).
                adjusted.venues[index].lowerBand = ratio
            }
            if rescue, ratio >= critical {
                // Just above its ratio: below target and inside its band, it lends down to its keep.
                let keep = critical + min(1, max(0, rescueKeep)) * max(0, p.trigger - critical)
                adjusted.venues[index].lowerBand = min(keep, ratio)
                adjusted.venues[index].targetRatio = max(critical, ratio) + 1e-6
                adjusted.venues[index].upperBand = max(critical, ratio) + (p.refill - p.trigger)
            }
        }
        return adjusted
    }

    /// The liquidation level `c` of a venue: the lowest ratio at which the probability of
    /// reaching maintenance margin before a refill lands stays under the bound, without the
    /// initial-margin cushion (at least `1 + minimumBuffer`, at most the trigger).
    public func criticalLevel(_ p: Parameters) -> Double {
        let risk = LiquidationRisk.buffer(bound: liquidationProbability, move: p.move)
        let buffer = min(maximumBuffer, max(minimumBuffer, risk.isFinite ? risk : maximumBuffer))
        return min(p.trigger, 1 + buffer)
    }

    /// The fastest inbound route and its horizon (latency plus reaction) in market seconds, or
    /// nil without one.
    func inbound(of venue: VenueID, topology: Topology) -> (route: Topology.Route, horizon: Double)? {
        var best: Topology.Route?
        for route in topology.routes where route.to == venue && route.from != venue {
            if let b = best, (b.latencyMs, b.fixedFee, b.feeBps) <= (route.latencyMs, route.fixedFee, route.feeBps) { continue }
            best = route
        }
        guard let best else { return nil }
        let latency = Double(max(0, best.latencyMs)) / 1000
        let scale = Self.marketSecondsPerSecond(topology)
        guard scale != 1 else { return (best, latency + reactionSeconds) }
        return (best, (latency + reactionWallSeconds) * scale)
    }

    /// Market seconds that pass per wall-clock second: the topology's `marketSecondsPerSecond`
    /// (`MarketSpec.marketSecondsPerSecond` of a deployment's simulated market, 1 otherwise). Route
    /// latencies are wall-clock, volatility is per market year: a live demo playing an hour every
    /// 100 ms sees 36,000 market seconds pass during a one-second route.
    public static func marketSecondsPerSecond(_ topology: Topology) -> Double {
        let scale = topology.marketSecondsPerSecond
        return scale > 0 && scale.isFinite ? scale : 1
    }
}
