import Testing
@testable import RebalancerTools

/// The bench's reading of `/metrics`: hop histograms summed over nodes, quantiles interpolated
/// within buckets, and segments as differences of consecutive cumulative quantiles.
@Suite("Hop histograms")
struct HopHistogramsTests {
    static let coordinator = """
        # TYPE rebalancer_decision_hop_seconds histogram
        rebalancer_decision_hop_seconds_bucket{node="coordinator",hop="coordinator_received",le="0.001"} 8
        rebalancer_decision_hop_seconds_bucket{node="coordinator",hop="coordinator_received",le="0.002"} 10
        rebalancer_decision_hop_seconds_bucket{node="coordinator",hop="coordinator_received",le="+Inf"} 10
        rebalancer_decision_hop_seconds_bucket{node="coordinator",hop="proposed",le="0.002"} 0
        rebalancer_decision_hop_seconds_bucket{node="coordinator",hop="proposed",le="0.004"} 10
        rebalancer_decision_hop_seconds_bucket{node="coordinator",hop="proposed",le="+Inf"} 10
        rebalancer_decision_hop_seconds_count{node="coordinator",hop="proposed"} 10
        """
    static let executor = """
        rebalancer_decision_hop_seconds_bucket{node="executor-1",hop="executor_verified",le="0.01"} 3
        rebalancer_decision_hop_seconds_bucket{node="executor-1",hop="executor_verified",le="+Inf"} 4
        """

    @Test func quantilesInterpolateWithinBuckets() throws {
        var histograms = HopHistograms()
        histograms.add(prometheusText: Self.coordinator[...])
        // Rank 5 of 10 lies 5/8 of the way into the first bucket (0 to 1 ms).
        #expect(abs(try #require(histograms.quantile(0.5, hop: "coordinator_received")) - 0.000625) < 1e-12)
        // Rank 5 of 10 lies half way into the bucket from 2 to 4 ms.
        #expect(abs(try #require(histograms.quantile(0.5, hop: "proposed")) - 0.003) < 1e-12)
        #expect(histograms.quantile(0.5, hop: "journaled") == nil)
    }

    @Test func nodesAreSummedAndInfinityGivesTheLastFiniteBound() throws {
        var histograms = HopHistograms()
        histograms.add(prometheusText: Self.executor[...])
        histograms.add(prometheusText: Self.executor[...])
        #expect(histograms.buckets["executor_verified"]?[0.01] == 6)
        #expect(try #require(histograms.quantile(0.99, hop: "executor_verified")) == 0.01)
    }

    @Test func segmentsAreDifferencesOfCumulativeQuantiles() {
        var histograms = HopHistograms()
        histograms.add(prometheusText: Self.coordinator[...])
        let segments = LatencyBench.segments(histograms)
        #expect(segments.map(\.hop) == HopSegment.allCases.map(\.rawValue))
        #expect(segments[0].p50_ms == 0.625)
        #expect(segments[1].p50_ms == 2.375)
        // Hops with no observation cost nothing rather than going negative.
        #expect(segments[2].p50_ms == 0)
    }

    @Test func figuresAreNearestRankInMilliseconds() {
        let figures = LatencyFigures(nanos: [3_000_000, 1_000_000, 2_000_000, 10_000_000])
        #expect(figures.samples == 4)
        #expect(figures.p50_ms == 3)
        #expect(figures.max_ms == 10)
        #expect(figures.p50_ms <= figures.p99_ms && figures.p99_ms <= figures.max_ms)
    }
}
