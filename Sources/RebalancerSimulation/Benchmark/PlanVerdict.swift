import RebalancerCore

extension OptimizerBenchmark {
    /// The verifiers' verdict on a plan of these transfers for these views, every basis fresh and
    /// signed by its watcher, no earlier outflow, proposed under `strategy`: what `bench optimizer`
    /// asks of the greedy plan before it compares costs (an empty plan is approved).
    public static func verdict(_ transfers: [Transfer], views: [VenueID: VenueView], topology: Topology, strategy: String = "greedy") -> Verifier.Verdict {
        guard !transfers.isEmpty else { return .approve }
        let now: Nanos = 2_000_000_000
        let involved = Set(transfers.flatMap { [$0.from, $0.to] }).sorted()
        guard involved.allSatisfy({ views[$0] != nil }) else { return .reject(.venueUnavailable, "a transfer names a venue without a view") }
        let plan = Plan(
            topologyID: topology.id, epoch: topology.epoch, planSeq: 1, createdAt: now, expiresAt: now + Nanos.perSecond,
            transfers: transfers,
            basis: involved.map { BasisRef(venue: $0, seq: views[$0]!.state.seq, observedAt: views[$0]!.state.observedAt, digest: [1]) },
            triggerVenue: involved[0], triggerObservedAt: now, strategy: strategy
        )
        let basis = Dictionary(uniqueKeysWithValues: involved.map { ($0, Verifier.BasisState(state: views[$0]!.state, digest: [1], signedByWatcher: true)) })
        var context = Verifier.Context(
            topology: topology, view: views.mapValues(\.state), viewReceivedAt: views.mapValues { _ in now },
            lastSignedSeq: 0, signedOutflows: [], now: now
        )
        context.virtual = views.mapValues { (inbound: $0.virtualIn, outbound: $0.virtualOut) }
        return Verifier.check(plan, basis: basis, context: context)
    }
}
