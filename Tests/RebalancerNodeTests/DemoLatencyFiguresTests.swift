import Testing
@testable import RebalancerTools

/// Issue 14: the demo's live view and summary show the latency figures `bench latency` reports
/// for the demo: one definition (watcher observation to the executor's verified receipt, nearest
/// rank, to the microsecond) and one text.
@Suite("Demo latency figures")
struct DemoLatencyFiguresTests {
    static let samples: [Int64] = [3_100_000, 1_234_567, 9_876_543, 2_000_499, 5_555_555, 1_000_001, 4_200_000]

    @Test func theSummaryHoldsTheBenchFigures() {
        let summary = DemoSummary.Latency(nanos: Self.samples)
        let bench = LatencyFigures(nanos: Self.samples)
        #expect(summary.figures == bench)
        #expect(summary.p50 == 3.1 && summary.p99 == 9.877 && summary.max == 9.877 && summary.samples == 7)
        #expect(DemoSummary.Latency(bench).figures == bench)
    }

    @Test func theLiveViewPrintsTheSummaryText() {
        let figures = DemoSummary.Latency(nanos: Self.samples)
        #expect(figures.text == "p50 3.100 ms, p99 9.877 ms, max 9.877 ms over 7 plans")
        let line = DemoDisplay.latencyLine(figures, last: 4_200_000)
        #expect(line == "latency (watcher saw → executor verified) p50 3.100 ms, p99 9.877 ms, max 9.877 ms over 7 plans, last 4.200 ms")
        #expect(DemoDisplay.latencyLine(DemoSummary.Latency(nanos: []), last: nil).hasSuffix("over 0 plans, last -"))
    }
}
