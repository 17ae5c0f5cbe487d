/// Band parameters from risk rather than fixed ratios; see docs/strategies.md for the derivation.
///
/// All in multiples of a venue's maintenance margin M (the floor). A relative adverse price move
/// `m` costs a position `m × notional` and raises its margin by up to `m × M`, so it lowers the
/// ratio balance/M by `m × k` with `k = 1 + 1/ρ`, where `ρ = M / notional` (read from the state:
/// `notional = |positionSize| × markPrice × 100`). Over the horizon `T` (the fastest inbound route's
/// latency plus a reaction time) a move of `z` standard deviations is `z × σ × √(T / year)`, with
/// `σ` the watcher's annualised volatility estimate. Then:
///
/// - lower band `ℓ = 1 + zLow × σ√T × k + trend`: below it the venue asks for capital while it can
///   still absorb a `zLow`-sigma move before the capital lands;
/// - target `t = max(1 + z × σ√T × k + trend, ℓ + gap)`, where the gap makes each refill large
///   enough that its fixed fee is at most `maxFixedFeeShare` of it and at least `minimumGap`:
///   hysteresis, so a venue does not oscillate around one level;
/// - upper band `u = t + (t − ℓ)`;
/// - trend `= trendWeight × max(0, τ) × T × r²`: the ratio `r = balance/M` falls at `r² × τ` per
///   second when utilisation `M/balance` rises at `τ` (the watcher's signed trend), so the buffer
///   grows by the drop expected over the horizon before it happens. A falling utilisation never
///   lowers the buffer.
///
/// Everything comes from the venue's own (watcher-signed) state and the topology, so a verifier
/// recomputes the same bands from the basis states.
public struct RiskTargets: Sendable, Equatable, Codable {
    /// z of the target: standard deviations of adverse move over the horizon it covers.
    public var confidence: Double
    /// z of the lower band.
    public var lowerConfidence: Double
    /// Seconds added to the inbound latency: detection, planning, quorum and execution.
    public var reactionSeconds: Double
    /// Horizon of a venue no route leads to, in seconds.
    public var unreachableSeconds: Double
    /// Weight of the utilisation trend in the buffer (0: volatility only). Off by default: on a
    /// driftless price the trend is noise and only adds transfers (docs/strategies.md).
    public var trendWeight: Double
    /// Largest share of a refill its cheapest inbound fixed fee may take.
    public var maxFixedFeeShare: Double
    /// Smallest distance between lower band and target, as a ratio.
    public var minimumGap: Double
    /// Smallest buffer above the floor, as a ratio: what the volatility estimate cannot see coming
    /// (the first minutes of a shock, before the EWMA catches up).
    public var minimumBuffer: Double
    /// Largest buffer above the floor, as a ratio.
    public var maximumBuffer: Double

    /// Creates risk targets; the defaults are the `predictive` strategy's.
    public init(
        confidence: Double = 3, lowerConfidence: Double = 2, reactionSeconds: Double = 60,
        unreachableSeconds: Double = 86_400, trendWeight: Double = 0, maxFixedFeeShare: Double = 0.001,
        minimumGap: Double = 0.7, minimumBuffer: Double = 0.6, maximumBuffer: Double = 20
    ) {
        self.confidence = confidence
        self.lowerConfidence = lowerConfidence
        self.reactionSeconds = reactionSeconds
        self.unreachableSeconds = unreachableSeconds
        self.trendWeight = trendWeight
        self.maxFixedFeeShare = maxFixedFeeShare
        self.minimumGap = minimumGap
        self.minimumBuffer = minimumBuffer
        self.maximumBuffer = maximumBuffer
    }

    /// The bands of one venue, in multiples of maintenance margin.
    public struct Parameters: Sendable, Equatable, Codable {
        /// Target ratio `t`.
        public var target: Double
        /// Lower band `ℓ`.
        public var lower: Double
        /// Upper band `u`.
        public var upper: Double
        /// Horizon `T`, in seconds.
        public var horizonSeconds: Double
    }

    /// The topology with every venue's bands set from its state; venues without a state or
    /// without a position keep their configured bands.
    public func apply(states: [VenueID: VenueState], topology: Topology) -> Topology {
        var adjusted = topology
        for index in adjusted.venues.indices {
            let venue = adjusted.venues[index]
            guard let state = states[venue.id], let p = parameters(venue: venue, state: state, topology: topology) else { continue }
            adjusted.venues[index].targetRatio = p.target
            adjusted.venues[index].lowerBand = p.lower
            adjusted.venues[index].upperBand = p.upper
        }
        return adjusted
    }

    /// `apply(states:topology:)` with the states of planner views.
    public func apply(views: [VenueID: VenueView], topology: Topology) -> Topology {
        apply(states: views.mapValues(\.state), topology: topology)
    }

    /// The bands of one venue, or nil when it holds no position (nothing to protect).
    public func parameters(venue: Topology.Venue, state: VenueState, topology: Topology) -> Parameters? {
        let notional = abs(state.positionSize) * state.markPrice * 100
        let margin = Double(state.maintenanceMargin)
        guard margin > 0, notional > 0, notional.isFinite else { return nil }
        let k = 1 + notional / margin
        let horizon = horizonSeconds(of: venue.id, topology: topology)
        let sigma = state.volatility.isFinite ? max(0, state.volatility) : 0
        let move = sigma * (horizon / RiskUnits.secondsPerYear).squareRoot() * k
        let ratio = state.balance > 0 ? Double(state.balance) / margin : 0
        let trend = state.utilisationTrend.isFinite ? max(0, state.utilisationTrend) : 0
        let drift = min(maximumBuffer, trendWeight * trend * horizon * ratio * ratio)
        let lowerBuffer = clamp(lowerConfidence * move + drift)
        let costGap = Double(cheapestInboundFixedFee(of: venue.id, topology: topology)) / (maxFixedFeeShare * margin)
        let gap = max(minimumGap, costGap.isFinite ? costGap : minimumGap)
        let targetBuffer = min(maximumBuffer + gap, max(clamp(confidence * move + drift), lowerBuffer + gap))
        let lower = 1 + lowerBuffer
        let target = 1 + targetBuffer
        return Parameters(target: target, lower: lower, upper: target + (target - lower), horizonSeconds: horizon)
    }

    /// Fastest inbound route latency plus the reaction time, in seconds.
    public func horizonSeconds(of venue: VenueID, topology: Topology) -> Double {
        let fastest = topology.routes.lazy.filter { $0.to == venue && $0.from != venue }.map(\.latencyMs).min()
        guard let fastest else { return unreachableSeconds }
        return Double(max(0, fastest)) / 1000 + reactionSeconds
    }

    private func cheapestInboundFixedFee(of venue: VenueID, topology: Topology) -> Amount {
        topology.routes.lazy.filter { $0.to == venue && $0.from != venue }.map(\.fixedFee).min() ?? 0
    }

    private func clamp(_ buffer: Double) -> Double {
        min(maximumBuffer, max(minimumBuffer, buffer.isFinite ? buffer : maximumBuffer))
    }
}
