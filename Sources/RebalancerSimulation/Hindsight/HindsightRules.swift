import RebalancerCore

/// What the live system enforces on every transfer schedule, one chosen with foresight included:
/// the constraints a hindsight bound must obey before it may call a liquidation avoidable.
///
/// - A transfer is checked against the state of a tick and leaves after it, by the pipeline's
///   decision time (watcher, coordinator, a quorum of verifiers, executor): it lands at the first
///   tick at least `decision + route latency` after the tick it was decided on. `minimumDecisionNanos`
///   is what the relaxation (the proof of "unavoidable") assumes, `decisionNanos` what a schedule
///   offered as the proof of "avoidable" is played with.
/// - Nothing leaves before `firstDepartureTick` (the pipeline's warm-up).
/// - A source keeps its maintenance margin plus its `floorBuffer` after sending (verifier rule 3b),
///   sends at most its `withdrawalLimit` per plan, and the topology's `limits` hold (per transfer,
///   per venue, per route and in total over the window).
/// - The route's fee is deducted from what lands (`Market.submit`).
public struct HindsightRules: Sendable, Equatable {
    /// From a tick to the departure of a transfer decided on it, for the relaxation (a lower bound
    /// on any pipeline: the state must be published and signed first).
    public var minimumDecisionNanos: Nanos
    /// From a tick to the departure of a transfer decided on it, for the schedule that proves a
    /// liquidation avoidable.
    public var decisionNanos: Nanos
    /// The first tick a transfer may be decided on.
    public var firstDepartureTick: Int
    /// Each venue's floor buffer above maintenance margin that a source keeps (`Venue.floorBuffer`).
    public var floorBuffers: [VenueID: Amount]
    /// Each venue's most per plan (`Venue.withdrawalLimit`); absent means no limit.
    public var withdrawalLimits: [VenueID: Amount]
    /// The verifiers' outflow limits; nil means none.
    public var limits: Topology.Limits?

    /// Creates rules; the defaults are the bare market (no decision time, no floor, no limit).
    public init(
        minimumDecisionNanos: Nanos = 0, decisionNanos: Nanos = 0, firstDepartureTick: Int = 0,
        floorBuffers: [VenueID: Amount] = [:], withdrawalLimits: [VenueID: Amount] = [:], limits: Topology.Limits? = nil
    ) {
        self.minimumDecisionNanos = max(0, minimumDecisionNanos)
        self.decisionNanos = max(self.minimumDecisionNanos, decisionNanos)
        self.firstDepartureTick = max(0, firstDepartureTick)
        self.floorBuffers = floorBuffers
        self.withdrawalLimits = withdrawalLimits
        self.limits = limits
    }

    /// The rules of a deployment: its venues' floors and withdrawal limits, its limits, and the
    /// given decision times.
    public init(topology: Topology, minimumDecisionNanos: Nanos, decisionNanos: Nanos, firstDepartureTick: Int = 0) {
        self.init(
            minimumDecisionNanos: minimumDecisionNanos, decisionNanos: decisionNanos, firstDepartureTick: firstDepartureTick,
            floorBuffers: Dictionary(topology.venues.map { ($0.id, $0.floorBuffer) }, uniquingKeysWith: { a, _ in a }),
            withdrawalLimits: Dictionary(topology.venues.map { ($0.id, $0.withdrawalLimit) }, uniquingKeysWith: { a, _ in a }),
            limits: topology.limits
        )
    }

    /// The live pipeline's least decision time assumed by the relaxation: 1 ms (a state is
    /// published, checked and signed by a quorum, and submitted, over several processes).
    public static let liveMinimumDecisionNanos: Nanos = Nanos.perMillisecond

    /// The floor buffer of `venue` (0 when unknown).
    func floorBuffer(_ venue: VenueID) -> Amount { floorBuffers[venue] ?? 0 }
}
