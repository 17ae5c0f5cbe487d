import RebalancerCore

/// Random instances and a timing harness for the optimizer (`rebalancer bench optimizer`).
public enum OptimizerBenchmark {
    /// Timings and cost ratios for one instance size.
    public struct SizeResult: Sendable, Equatable, Codable {
        /// Venues per instance.
        public var venues: Int
        /// Instances solved.
        public var instances: Int
        /// Median wall time of `TransferOptimizer.solve`, in milliseconds.
        public var medianMs: Double
        /// 99th-percentile wall time, in milliseconds.
        public var p99Ms: Double
        /// Largest planCost(optimizer) / planCost(greedy), over instances where greedy's cost is
        /// positive and the verifiers approve greedy's plan.
        public var costVsGreedyMax: Double
        /// Median of that ratio.
        public var costVsGreedyMedian: Double
        /// Instances whose greedy plan the verifiers reject (left out of the ratio: a rejected plan
        /// moves nothing, so its `planCost` is no fair comparison).
        public var greedyRejected: Int

        /// Creates a result.
        public init(venues: Int, instances: Int, medianMs: Double, p99Ms: Double, costVsGreedyMax: Double, costVsGreedyMedian: Double, greedyRejected: Int = 0) {
            self.venues = venues
            self.instances = instances
            self.medianMs = medianMs
            self.p99Ms = p99Ms
            self.costVsGreedyMax = costVsGreedyMax
            self.costVsGreedyMedian = costVsGreedyMedian
            self.greedyRejected = greedyRejected
        }

        enum CodingKeys: String, CodingKey {
            case venues, instances
            case medianMs = "median_ms"
            case p99Ms = "p99_ms"
            case costVsGreedy = "cost_vs_greedy"
        }

        enum RatioKeys: String, CodingKey {
            case max, median
            case greedyRejected = "greedy_rejected"
        }

        /// Decodes `{venues, instances, median_ms, p99_ms, cost_vs_greedy: {max, median, greedy_rejected}}`
        /// (`greedy_rejected` 0 when absent).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            venues = try c.decode(Int.self, forKey: .venues)
            instances = try c.decode(Int.self, forKey: .instances)
            medianMs = try c.decode(Double.self, forKey: .medianMs)
            p99Ms = try c.decode(Double.self, forKey: .p99Ms)
            let ratio = try c.nestedContainer(keyedBy: RatioKeys.self, forKey: .costVsGreedy)
            costVsGreedyMax = try ratio.decode(Double.self, forKey: .max)
            costVsGreedyMedian = try ratio.decode(Double.self, forKey: .median)
            greedyRejected = try ratio.decodeIfPresent(Int.self, forKey: .greedyRejected) ?? 0
        }

        /// Encodes `{venues, instances, median_ms, p99_ms, cost_vs_greedy: {max, median, greedy_rejected}}`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(venues, forKey: .venues)
            try c.encode(instances, forKey: .instances)
            try c.encode(medianMs, forKey: .medianMs)
            try c.encode(p99Ms, forKey: .p99Ms)
            var ratio = c.nestedContainer(keyedBy: RatioKeys.self, forKey: .costVsGreedy)
            try ratio.encode(costVsGreedyMax, forKey: .max)
            try ratio.encode(costVsGreedyMedian, forKey: .median)
            try ratio.encode(greedyRejected, forKey: .greedyRejected)
        }
    }

    /// A random connected instance: `venues` venues on a ring, each with 4–8 further outgoing
    /// routes to random venues (fewer when there are not that many), random fees, latencies and
    /// capacities, and random states (about a quarter under the lower band, a third above the upper
    /// band, a few stale or with withdrawals disabled). The same seed gives the same instance.
    public static func randomInstance(venues count: Int, seed: UInt64) -> (Topology, [VenueID: VenueView]) {
        precondition(count >= 2, "at least two venues")
        var rng = SeededRandom(seed: seed)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.nextUniform() }
        func int(_ lo: Int64, _ hi: Int64) -> Int64 { lo + Int64(rng.next() % UInt64(hi - lo + 1)) }
        let width = String(count - 1).count
        let ids = (0..<count).map { i -> VenueID in
            let digits = String(i)
            return "v" + String(repeating: "0", count: width - digits.count) + digits
        }
        var venues: [Topology.Venue] = []
        for id in ids {
            let lower = uniform(1.5, 2.2)
            let target = lower + uniform(0.5, 1.5)
            venues.append(Topology.Venue(
                id: id, asset: "USD", floorBuffer: int(0, 5_000_00), targetRatio: target, lowerBand: lower,
                upperBand: target + uniform(0.5, 1.5), withdrawalLimit: int(50_000_00, 2_000_000_00)
            ))
        }
        var routes: [Topology.Route] = []
        func route(_ from: Int, _ to: Int) -> Topology.Route {
            Topology.Route(
                from: ids[from], to: ids[to], feeBps: Double(int(1, 30)), fixedFee: int(0, 500),
                latencyMs: int(100, 10_000), capacity: int(100_000_00, 5_000_000_00)
            )
        }
        for i in 0..<count {
            var targets: Set<Int> = [(i + 1) % count]
            let extra = min(count - 2, Int(int(4, 8)))
            var order: [Int] = []
            while order.count < extra {
                let j = Int(rng.next() % UInt64(count))
                if j != i && !targets.contains(j) {
                    targets.insert(j)
                    order.append(j)
                }
            }
            routes.append(route(i, (i + 1) % count))
            for j in order { routes.append(route(i, j)) }
        }
        let topology = Topology(
            id: "bench-\(count)-\(seed)", epoch: 1, quorum: 1, nodes: [], venues: venues, routes: routes,
            limits: .init(perTransferCap: 2_000_000_00, perVenueOutflow: 1_000_000_000_00, globalNotional: 1_000_000_000_00, windowSeconds: 60),
            timing: .init(heartbeatMs: 500, staleAfterMs: 3000, planTTLms: 5000, basisToleranceMs: 2000)
        )
        var views: [VenueID: VenueView] = [:]
        for venue in venues {
            let margin = int(50_000_00, 500_000_00)
            let draw = rng.nextUniform()
            let ratio: Double
            if draw < 0.25 {
                ratio = uniform(0.8, venue.lowerBand)
            } else if draw < 0.65 {
                ratio = uniform(venue.lowerBand, venue.upperBand)
            } else {
                ratio = uniform(venue.upperBand, 6)
            }
            let pendingIn = rng.nextUniform() < 0.1 ? int(0, margin / 10) : 0
            let balance = max(0, Amount(Double(margin) * ratio) - pendingIn)
            let state = VenueState(
                venue: venue.id, seq: 1, observedAt: 1_000_000_000, balance: balance, maintenanceMargin: margin,
                initialMargin: 2 * margin, withdrawalsEnabled: rng.nextUniform() >= 0.05, pendingIn: pendingIn
            )
            views[venue.id] = VenueView(state: state, stale: rng.nextUniform() < 0.03)
        }
        return (topology, views)
    }

    /// The instance families of `bench optimizer`.
    public enum Family: String, Sendable, CaseIterable {
        /// `randomInstance`: a ring plus 4–8 random routes per venue, ample supply.
        case random
        /// `realisticInstance`: hubs, fixed fees, scarce supply, two assets, capital in flight.
        case realistic
    }

    /// Instance `index` of a size in a family, as `run` solves it.
    public static func instance(_ family: Family, venues size: Int, index: Int, seed: UInt64) -> (Topology, [VenueID: VenueView]) {
        let instanceSeed = seed &+ UInt64(size) &* 1_000_003 &+ UInt64(index)
        switch family {
        case .random: return randomInstance(venues: size, seed: instanceSeed)
        case .realistic: return realisticInstance(venues: size, seed: instanceSeed)
        }
    }

    /// Solves `instances` instances of each size and reports timings and cost ratios against the
    /// greedy baseline, over the instances whose greedy plan the verifiers approve (`verdict`; the
    /// others are counted in `greedyRejected`). `clock` returns nanoseconds (monotonic); it is passed in.
    public static func run(sizes: [Int], instances: Int, seed: UInt64, clock: () -> UInt64, optimizer: TransferOptimizer = TransferOptimizer(), family: Family = .random) -> [SizeResult] {
        var results: [SizeResult] = []
        let greedy = GreedyThresholdStrategy()
        for size in sizes {
            var times: [Double] = []
            var ratios: [Double] = []
            var rejected = 0
            for i in 0..<max(1, instances) {
                let (topology, views) = instance(family, venues: size, index: i, seed: seed)
                let start = clock()
                let plan = optimizer.solve(views: views, topology: topology)
                let end = clock()
                times.append(Double(end &- start) / 1e6)
                let greedyTransfers = greedyPlan(greedy, views: views, topology: topology)
                guard verdict(greedyTransfers, views: views, topology: topology).decision == .approve else {
                    rejected += 1
                    continue
                }
                let baseline = planCost(greedyTransfers, views: views, topology: topology, model: optimizer.model)
                if baseline > 0 { ratios.append(plan.objective / baseline) }
            }
            times.sort()
            ratios.sort()
            results.append(SizeResult(
                venues: size, instances: times.count, medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99),
                costVsGreedyMax: ratios.last ?? 0, costVsGreedyMedian: quantile(ratios, 0.5), greedyRejected: rejected
            ))
        }
        return results
    }

    /// Nearest-rank quantile of a sorted array (0 when empty).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// `GreedyThresholdStrategy.plan`, computed with indexed route lookups (see `GreedyBaseline`).
    static func greedyPlan(_ strategy: GreedyThresholdStrategy, views: [VenueID: VenueView], topology: Topology) -> [Transfer] {
        GreedyBaseline.plan(strategy, views: views, topology: topology)
    }
}
