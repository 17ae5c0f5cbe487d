import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import VenueFixtures
import ZeroMQ

/// Issue #9's whole pipeline on three fixture venues of different kinds (Hyperliquid, Binance
/// USDⓈ-M, dYdX v4, each a loopback server speaking the venue's published API): real watchers,
/// coordinator, verifiers and executor, no simulated market. Hyperliquid's equity drifts toward
/// its maintenance margin; the system plans a refill from Binance, the verifiers approve it and
/// the executor withdraws from the Binance fixture, which the test carries to Hyperliquid as the
/// chain between them would. Once with the executor monitor-only (nothing moves, every plan
/// recorded) and once live (one withdrawal per transfer, the venue refilled).
@Suite(.serialized) struct RealVenuePipelineTests {
    static let hyperliquidDeposit = "0x5e9ee1089755c3435139848e47e6635505d5a13a"
    static let dydxDeposit = "0x1111111111111111111111111111111111111111"
    /// Hyperliquid's maintenance margin in the test, dollars; the band is 2x to 3x of it.
    static let hyperliquidMargin = 5_000.0

    /// The running deployment and its three fixture venues.
    final class Deployment {
        let cluster: Cluster
        let hyperliquid: FixtureVenue
        let binance: FixtureVenue
        let dydx: FixtureVenue

        init(monitorOnly: Bool) async throws {
            hyperliquid = try FixtureVenue("hyperliquid")
            binance = try FixtureVenue("binance")
            dydx = try FixtureVenue("dydx")
            cluster = try Cluster(venues: 3, verifiers: 3, quorum: 2)
            let (keyFile, secretFile) = try cluster.writeBinanceCredentials()
            var topology = try cluster.topology
            topology.venues[0].adapter = VenueAdapter(kind: "hyperliquid", parameters: [
                "base_url": hyperliquid.baseURL, "address": RealVenueWatcherTests.hyperliquidAddress, "poll_ms": "200",
                "deposit_address": RealVenuePipelineTests.hyperliquidDeposit, "deposit_network": "ARBITRUM",
            ])
            topology.venues[1].adapter = VenueAdapter(kind: "binance-usdm", parameters: [
                "base_url": binance.baseURL, "withdraw_base_url": binance.baseURL, "poll_ms": "200",
                "api_key_file": keyFile, "api_secret_file": secretFile,
            ])
            topology.venues[2].adapter = VenueAdapter(kind: "dydx-v4", parameters: [
                "base_url": dydx.baseURL, "address": RealVenueWatcherTests.dydxAddress, "poll_ms": "200",
                "deposit_address": RealVenuePipelineTests.dydxDeposit,
            ])
            for index in topology.venues.indices {
                topology.venues[index].asset = "USDT"
                topology.venues[index].floorBuffer = 0
                topology.venues[index].lowerBand = 2.0
                topology.venues[index].targetRatio = 3.0
                topology.venues[index].upperBand = index == 1 ? 10 : 1_000
            }
            // Only Binance can pay out here (the other native adapters are read-only).
            topology.routes = topology.routes.filter { $0.from == "v2" }
            for index in topology.routes.indices {
                topology.routes[index].feeBps = 1
                topology.routes[index].fixedFee = 80
                topology.routes[index].latencyMs = 5_000
            }
            if monitorOnly {
                let index = try #require(topology.nodes.firstIndex { $0.role == .executor })
                topology.nodes[index].monitorOnly = true
            }
            try TopologyFile.render(topology).write(toFile: cluster.topologyPath, atomically: true, encoding: .utf8)
            let check = try Cluster.run(["topology", "check", cluster.topologyPath])
            guard check.status == 0 else { throw ClusterError("topology check: \(check.output)") }

            try await hyperliquid.set(["crossMaintenanceMarginUsed": String(RealVenuePipelineTests.hyperliquidMargin)])
            for venue in ["v1", "v2", "v3"] { try cluster.start("watcher-\(venue)", ["watcher", "--venue", venue]) }
            for i in 1...3 { try cluster.start("verifier-\(i)", ["verifier", "--id", "verifier-\(i)"]) }
            try cluster.start("executor-1", ["executor", "--id", "executor-1"])
            try cluster.start("coordinator", ["coordinator"])
        }

        /// Carries every withdrawal the Binance fixture applied to the venue its address belongs
        /// to, once: the chain between the venues.
        func settleDeposits(alreadyCarried: inout Set<String>) async throws {
            for withdrawal in try await binance.withdrawals() where !alreadyCarried.contains(withdrawal.id) {
                alreadyCarried.insert(withdrawal.id)
                if withdrawal.address == RealVenuePipelineTests.hyperliquidDeposit {
                    try await hyperliquid.credit(by: withdrawal.amount)
                } else if withdrawal.address == RealVenuePipelineTests.dydxDeposit {
                    try await dydx.credit(by: withdrawal.amount)
                }
            }
        }

        /// Waits until the coordinator has sent `planning` more signed heartbeats (between two, it
        /// plans on every state that arrived) and then the executor `acting` more (each tick, it
        /// drives every transfer it accepted): the window of a "nothing more happened" check,
        /// measured in what the two roles did rather than in seconds. False if they fall silent.
        func rolesTicked(planning: Int, acting: Int) async throws -> Bool {
            let topology = try cluster.topology
            let coordinator = try #require(topology.coordinators.first)
            let executor = try #require(topology.nodes.first { $0.role == .executor })
            let context = try Context()
            let plans = try RoleReport.listener(context, to: coordinator, endpoint: "plans", topics: [], cluster: cluster)
            let status = try RoleReport.listener(context, to: executor, endpoint: "status", topics: [], cluster: cluster)
            defer {
                plans.close()
                status.close()
                context.terminate()
            }
            let heartbeatSeconds = Double(topology.timing.heartbeatMs) / 1000
            guard await RoleReport.awaitSigned(planning, .heartbeat, on: plans, from: coordinator, within: Double(planning) * heartbeatSeconds + 20) else { return false }
            RoleReport.drain(status, from: executor) { _ in }  // what came meanwhile does not count
            return await RoleReport.awaitSigned(acting, .heartbeat, on: status, from: executor, within: Double(acting) * heartbeatSeconds + 20)
        }

        var logs: String {
            ["coordinator", "executor-1", "watcher-v1", "watcher-v2", "verifier-1"].map { "--- \($0)\n" + cluster.log($0).suffix(3_000) }.joined(separator: "\n")
        }
    }

    @Test func monitorOnlyRecordsEveryPlanAndMovesNothing() async throws {
        let deployment = try await Deployment(monitorOnly: true)
        let cluster = deployment.cluster
        try await deployment.hyperliquid.drift(by: "-100")
        let wouldTransfer = await eventually(60) { cluster.log("executor-1").contains("would transfer") }
        #expect(wouldTransfer, "\(deployment.logs)")
        #expect(cluster.log("coordinator").contains("approved"))
        // A refill from Binance to Hyperliquid was planned, approved and recorded: and nothing moved.
        #expect(cluster.log("executor-1").contains("v2 -> v1"))
        // Nothing moves afterwards either: the coordinator planned and the executor ticked on.
        let ticked = try await deployment.rolesTicked(planning: 4, acting: 3)
        #expect(ticked, "the coordinator and the executor kept heartbeating: \(deployment.logs)")
        #expect(try await deployment.binance.withdrawals().isEmpty)
        #expect(try await deployment.binance.requests().allSatisfy { !$0.path.contains("withdraw/apply") })
        cluster.stopAll()
    }

    @Test func liveRefillsTheDrainingVenueFromAnotherKindOfVenue() async throws {
        let deployment = try await Deployment(monitorOnly: false)
        let cluster = deployment.cluster
        let lowerBand = 2.0 * Self.hyperliquidMargin
        try await deployment.hyperliquid.drift(by: "-100")
        var carried = Set<String>()
        var lowest = Double.infinity
        let withdrew = await eventually(60) {
            lowest = min(lowest, (try? await deployment.hyperliquid.equity()) ?? lowest)
            return ((try? await deployment.binance.withdrawals()) ?? []).contains { $0.address == Self.hyperliquidDeposit }
        }
        #expect(withdrew, "\(deployment.logs)")
        // The drain stops; the chain carries the withdrawal to Hyperliquid.
        try await deployment.hyperliquid.drift(by: "0")
        try await deployment.settleDeposits(alreadyCarried: &carried)
        #expect(lowest < lowerBand, "the refill came after Hyperliquid left its band (lowest \(lowest))")
        let settled = await eventually(30) { cluster.log("executor-1").contains("settled") }
        #expect(settled, "\(deployment.logs)")
        let refilled = try await deployment.hyperliquid.equity()
        #expect(refilled > lowerBand, "Hyperliquid refilled above its lower band: \(refilled)")
        // Nothing is paid twice: one withdrawal per idempotency key, and no second refill of the
        // same deficit while the first is in flight and after it settled: watched while the
        // coordinator plans on eight more heartbeats' worth of states and the executor ticks
        // three more times.
        let ticked = try await deployment.rolesTicked(planning: 8, acting: 3)
        #expect(ticked, "the coordinator and the executor kept heartbeating: \(deployment.logs)")
        try await deployment.settleDeposits(alreadyCarried: &carried)
        let withdrawals = try await deployment.binance.withdrawals()
        #expect(Set(withdrawals.map(\.withdrawOrderId)).count == withdrawals.count, "\(withdrawals)")
        #expect(withdrawals.filter { $0.address == Self.hyperliquidDeposit }.count == 1, "\(withdrawals)")
        #expect(withdrawals.allSatisfy { $0.withdrawOrderId.hasPrefix("rb-") })
        cluster.stopAll()
    }
}

extension FixtureVenue {
    /// Hyperliquid's `marginSummary.accountValue` now, dollars.
    func equity() async throws -> Double {
        let state = try await state()
        let summary = (state["perp"] as? [String: Any])?["marginSummary"] as? [String: Any]
        return Double(summary?["accountValue"] as? String ?? "") ?? .nan
    }
}
