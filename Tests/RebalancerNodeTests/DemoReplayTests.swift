import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerSimulation
import Testing

/// `DemoReplay` on the committed `topology/local.yaml` (its market section as it is, only the
/// seed overridden as `demo --seed` does): the live demo's liquidations, reproduced in a few
/// milliseconds of one thread.
@Suite struct DemoReplayTests {
    static func local() throws -> Deployment {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../topology/local.yaml").standardizedFileURL.path
        let dir = try TopologyFixture.temporaryDirectory()
        let copy = dir + "/local.yaml"
        try FileManager.default.copyItem(atPath: source, toPath: copy)
        _ = try KeyStore.ensure(topologyPath: copy)
        return try TopologyFile.load(path: copy)
    }

    func replay(seed: UInt64, _ deployment: Deployment) -> DemoReplay {
        var market = deployment.market
        market.seed = seed
        return DemoReplay(topology: deployment.policy, market: market)
    }

    @Test("optimal on seed 5 loses v2 at tick 46, as the live demo does, and hindsight calls it avoidable")
    func reproducesTheLiveLiquidation() throws {
        let deployment = try Self.local()
        #expect(deployment.market.tickMs == 100 && deployment.market.accounts.count == 6)
        let outcome = replay(seed: 5, deployment).run(OptimalStrategy(), ticks: 50)
        #expect(outcome.report.ticks == 50)
        #expect(outcome.liquidations.map(\.venue) == ["v2"] && outcome.liquidations.map(\.tick) == [46])
        #expect(outcome.report.avoidableLiquidations == 1 && outcome.report.firstUnavoidableTick == nil)
    }

    @Test("balanced keeps the short at the book's ratio: no liquidation on seed 5 through tick 50")
    func balancedKeepsTheShort() throws {
        let deployment = try Self.local()
        let outcome = replay(seed: 5, deployment).run(BalancedStrategy(), ticks: 50)
        #expect(outcome.liquidations.isEmpty, "\(outcome.liquidations)")
        #expect(outcome.plans > 0 && outcome.transfers >= outcome.plans)
        #expect(outcome.totalSent == outcome.outflow.values.reduce(0, +) && outcome.feesPaid > 0)
    }

    @Test("on seed 5 the report's own schedule, played through the market with the demo's rules (80 ms decision, $5,000 floors, limits, fees), keeps all six venues alive for 30 s")
    func theProofSurvivesTheMarket() throws {
        let outcome = replay(seed: 5, try Self.local()).run(StaticStrategy(), ticks: 300)
        #expect(outcome.liquidations.count == 3)
        #expect(outcome.path.rules.decisionNanos == DemoReplay.defaultDecisionNanos && outcome.path.rules.floorBuffers["v1"] == 500_000)
        let (through, schedule) = outcome.path.provenSchedule()
        #expect(through == 300 && outcome.report.avoidableThrough == 300)
        #expect(!schedule.isEmpty)
        #expect(outcome.path.play(schedule, through: 300) == nil)
        #expect(outcome.report.avoidableLiquidations == 3)
    }

    @Test("at 100 venues (`topology init --venues 100`) the report's schedule keeps every venue alive through the first 25 ticks: a repair that spares one venue per round stopped at tick 11, with dozens of sources a few dollars under their floors")
    func theProofScalesToAHundredVenues() throws {
        let deployment = try TopologyInit.topology(venues: 100, verifiers: 19, quorum: 13)
        let outcome = DemoReplay(topology: deployment.policy, market: deployment.market).run(StaticStrategy(), ticks: 25)
        #expect(outcome.liquidations.isEmpty && outcome.report.firstUnavoidableTick == nil)
        let (through, schedule) = outcome.path.provenSchedule()
        #expect(through == 25 && outcome.report.avoidableThrough == 25)
        #expect(outcome.path.play(schedule, through: 25) == nil)
    }

    @Test("the same seed and strategy replay the same run")
    func deterministic() throws {
        let replay = replay(seed: 2, try Self.local())
        let first = replay.run(BalancedStrategy(), ticks: 120)
        let second = replay.run(BalancedStrategy(), ticks: 120)
        #expect(first.plans == second.plans && first.feesPaid == second.feesPaid && first.outflow == second.outflow)
        #expect(first.report == second.report)
    }

    @Test("the seeded path's closes, replayed, play the seeded run")
    func replayedClosesPlayTheSeededRun() throws {
        let replay = replay(seed: 5, try Self.local())
        let seeded = replay.run(OptimalStrategy(), ticks: 60)
        let closes = replay.seededCloses(ticks: 60)
        #expect(closes == seeded.path.prices)
        let replayed = replay.run(OptimalStrategy(), ticks: 60, closes: closes)
        #expect(replayed.report == seeded.report && replayed.feesPaid == seeded.feesPaid && replayed.plans == seeded.plans)
    }

    @Test("seed 5 forks after tick 48: every strategy is liquidated by tick 54 on the path or on its mirror, and hindsight keeps each alive")
    func aForkNoStrategySurvivesBothWays() throws {
        let deployment = try Self.local()
        let replay = replay(seed: 5, deployment)
        let path = replay.run(StaticStrategy(), ticks: 60).path
        let drift = replay.market.logDriftPerTick
        let fork = try #require(path.foresightForks(through: 60, drift: drift).first)
        #expect(fork.fork == 48 && fork.through == 54 && fork.required > fork.equity && fork.equity == 600_000_00)
        let mirror = HindsightPath.mirror(replay.seededCloses(ticks: 60), after: fork.fork, drift: drift)
        #expect(path.mirrored(after: fork.fork, drift: drift).avoidableThrough(limit: fork.through) >= fork.through)
        for name in StrategyName.allCases {
            let onPath = replay.run(name.make(), ticks: 60).liquidations.map(\.tick).min() ?? Int.max
            let onMirror = replay.run(name.make(), ticks: 60, closes: mirror).liquidations.map(\.tick).min() ?? Int.max
            #expect(min(onPath, onMirror) <= fork.through, "\(name): first liquidation at \(onPath) on the path, \(onMirror) on the mirror")
        }
        // Before the fork the two paths are one, and so is every strategy's run.
        let early = replay.run(OptimalStrategy(), ticks: 48, closes: Array(mirror.prefix(49)))
        #expect(early.path.prices == Array(path.prices.prefix(49)))
    }
}
