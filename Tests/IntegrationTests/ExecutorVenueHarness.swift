import Foundation
import Testing
import RebalancerCore
import RebalancerNode
import RebalancerWire
import VenueFixtures
import ZeroMQ

/// A real executor process moving capital out of a Binance fixture venue: the topology of a
/// fresh cluster is rewritten so `v1` is `binance-usdm` (API and withdrawals at the fixture,
/// credentials in mode 0600 files) and `v2` a Hyperliquid account with a deposit address, with
/// the single route v1 -> v2. The test plays the coordinator (its real keys, `ByzantineCoordinator`)
/// and signs approvals with the verifiers' real keys.
final class ExecutorVenueHarness {
    let cluster: Cluster
    let fixture: FixtureVenue
    let coordinator: ByzantineCoordinator
    let statusFeed: Socket
    let executorNode: Topology.Node
    /// Every transfer status the executor published, in order.
    private(set) var statuses: [WireTransferStatus] = []
    /// Heartbeats of the executor read from its status feed since it was last started.
    private(set) var heartbeats = 0

    /// The rewritten topology the executor runs with.
    var topology: Deployment { coordinator.topology }

    static let depositAddress = "0x5e9ee1089755c3435139848e47e6635505d5a13a"

    init(withdrawTimeoutMs: Int = 5_000) throws {
        fixture = try FixtureVenue("binance")
        cluster = try Cluster(venues: 2, verifiers: 3, quorum: 2)
        let (keyFile, secretFile) = try cluster.writeBinanceCredentials()
        var topology = try cluster.topology
        topology.venues[0].adapter = VenueAdapter(kind: "binance-usdm", parameters: [
            "base_url": fixture.baseURL, "withdraw_base_url": fixture.baseURL, "withdraw_timeout_ms": "\(withdrawTimeoutMs)",
            "api_key_file": keyFile, "api_secret_file": secretFile,
        ])
        topology.venues[1].adapter = VenueAdapter(kind: "hyperliquid", parameters: [
            "address": Self.depositAddress, "base_url": "http://127.0.0.1:9", "deposit_address": Self.depositAddress, "deposit_network": "ARBITRUM",
        ])
        topology.routes = topology.routes.filter { $0.from == "v1" && $0.to == "v2" }
        guard topology.routes.count == 1 else { throw ClusterError("no route v1 -> v2 in \(topology.routes)") }
        try TopologyFile.render(topology).write(toFile: cluster.topologyPath, atomically: true, encoding: .utf8)
        let written = try cluster.topology
        executorNode = written.nodes(.executor)[0]
        coordinator = try ByzantineCoordinator(cluster: cluster, topology: written, fakeWatcherFor: nil)
        statusFeed = try coordinator.subscribe(to: executorNode, endpoint: "status", topic: Topic.status)
        try statusFeed.subscribe(Topic.heartbeat)
    }

    deinit {
        cluster.kill(executorNode.id)
        statusFeed.close(linger: 0)
        coordinator.close()
    }

    var log: String { cluster.log(executorNode.id) }

    /// Starts the executor (again, on the same data directory); its log is appended to `<dir>/executor-1.log`.
    func startExecutor(_ extra: [String] = []) throws {
        collect(for: 0)
        heartbeats = 0
        try cluster.start(executorNode.id, node: executorNode, extra: extra, appendingLog: true)
    }

    /// Ends the executor with SIGTERM (and waits for it) or SIGKILL (as if the host died).
    func stopExecutor(_ signal: Int32 = SIGTERM) {
        if signal == SIGKILL { cluster.kill(executorNode.id) } else { cluster.stop(executorNode.id) }
    }

    /// An approved plan of one transfer v1 -> v2, signed by a quorum of the real verifiers' keys.
    func publishPlan(seq: UInt64, amount: Amount) throws {
        let plan = coordinator.plan([Transfer(from: "v1", to: "v2", amount: amount)], seq: seq)
        let digest = WireDigest.plan(plan)
        let approvals = try topology.verifiers.prefix(topology.quorum).map { ($0.id, try cluster.keys($0.id).signer().sign(digest)) }
        try coordinator.publish(plan, approvals: approvals)
    }

    /// Publishes the plan until the executor reports it received (it may not have subscribed yet),
    /// once the status feed is connected (a heartbeat of the executor came through it): a status
    /// published before the connection would be lost, and the executor reports a plan once.
    func deliverPlan(seq: UInt64, amount: Amount) async throws -> Bool {
        guard await eventually(20, { collect(for: 0.1); return heartbeats > 0 }) else { return false }
        return try await eventually(20) {
            if !statuses.contains(where: { $0.planSeq == seq && $0.index == -1 }) { try publishPlan(seq: seq, amount: amount) }
            collect(for: 0.3)
            return statuses.contains { $0.planSeq == seq && $0.index == -1 && $0.state == .received }
        }
    }

    /// Reads the status feed until transfer `id` reaches `state` or `seconds` pass; true if it did.
    func awaitState(_ state: Rebalancer_V1_TransferState, of id: String, within seconds: Double) async -> Bool {
        await eventually(seconds) {
            collect(for: 0.2)
            return states(of: id).contains(state)
        }
    }

    /// Reads the executor's status feed for `seconds`, keeping every status signed by it.
    func collect(for seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            coordinator.pump(for: 0.02)
            while let frames = try? statusFeed.receive(dontWait: true), frames.count == 2 {
                guard let envelope = try? Envelope(serializedBytes: frames[1]), envelope.sender == executorNode.id,
                      envelope.isSigned(by: executorNode.signingKey) else { continue }
                if envelope.type == .heartbeat { heartbeats += 1 }
                guard envelope.type == .transferStatus,
                      let status = try? WireTransferStatus(serializedBytes: envelope.payload) else { continue }
                statuses.append(status)
            }
        } while Date() < deadline
    }

    /// The states published for transfer `id`, in order.
    func states(of id: String) -> [Rebalancer_V1_TransferState] {
        statuses.filter { $0.transferID == id }.map(\.state)
    }

    /// Stops the executor and checks that the venue holds exactly one withdrawal, the one the
    /// record holds as settled under its idempotency key; returns both.
    func stopAndReadTheOneWithdrawal(of id: String) async throws -> (FixtureVenue.Withdrawal?, RecordedTransfer) {
        let withdrawals = try await fixture.withdrawals()
        #expect(withdrawals.count == 1, "withdrawals: \(withdrawals.map(\.id))")
        stopExecutor()
        let row = try #require(try record().transfer(id))
        #expect(row.state == .settled)
        #expect(withdrawals.first?.withdrawOrderId == row.key)
        return (withdrawals.first, row)
    }

    /// The executor's record (read while it runs, or after).
    func record() throws -> ExecutorRecord {
        try ExecutorRecord(path: cluster.dataDirectory(executorNode.id) + "/executed.sqlite")
    }
}
