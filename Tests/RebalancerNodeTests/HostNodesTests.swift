import RebalancerCore
import Testing
@testable import RebalancerNode

@Suite("rebalancer up: which nodes, how they are started, when restarted")
struct HostNodesTests {
    private func topology() throws -> Deployment { try TopologyInit.topology(venues: 2, verifiers: 2) }

    @Test("on a loopback topology every node but the monitor runs")
    func allLocal() throws {
        let topology = try topology()
        let selection = try HostNodes.select(topology, requested: nil) { LocalHost(names: []).isLocal(endpoint: $0) }
        #expect(selection.nodes.map(\.id) == ["venues", "watcher-v1", "watcher-v2", "coordinator", "verifier-1", "verifier-2", "executor-1"])
        #expect(selection.leftOut.isEmpty)
    }

    @Test("on a topology spread over hosts only nodes bound here run; endpoint-less nodes are left out and named")
    func spread() throws {
        var topology = try topology()
        // Watchers on 192.0.2.7, every other bound node on 192.0.2.1.
        for index in topology.nodes.indices {
            let host = topology.nodes[index].role == .watcher ? "192.0.2.7" : "192.0.2.1"
            topology.endpoints[topology.nodes[index].id] = topology.endpoints(of: topology.nodes[index].id).mapValues { $0.replacingOccurrences(of: "127.0.0.1", with: host) }
            // Verifiers without a metrics endpoint bind nothing: where they run is not known.
            if topology.nodes[index].role == .verifier { topology.endpoints[topology.nodes[index].id, default: [:]]["metrics"] = nil }
        }
        let here = LocalHost(names: ["192.0.2.1"])
        let selection = try HostNodes.select(topology, requested: nil) { here.isLocal(endpoint: $0) }
        #expect(selection.nodes.map(\.id) == ["venues", "coordinator", "executor-1"])
        #expect(selection.leftOut == ["verifier-1", "verifier-2"])
        let there = LocalHost(names: ["192.0.2.7"])
        #expect(try HostNodes.select(topology, requested: nil) { there.isLocal(endpoint: $0) }.nodes.map(\.id) == ["watcher-v1", "watcher-v2"])
    }

    @Test("a verifier's metrics endpoint places it on its host")
    func placedByMetrics() throws {
        var topology = try topology()
        for index in topology.nodes.indices {
            let host = topology.nodes[index].id == "verifier-2" ? "192.0.2.7" : "192.0.2.1"
            topology.endpoints[topology.nodes[index].id] = topology.endpoints(of: topology.nodes[index].id).mapValues { $0.replacingOccurrences(of: "127.0.0.1", with: host) }
        }
        let here = LocalHost(names: ["192.0.2.1"])
        let selection = try HostNodes.select(topology, requested: nil) { here.isLocal(endpoint: $0) }
        #expect(selection.nodes.map(\.id) == ["venues", "watcher-v1", "watcher-v2", "coordinator", "verifier-1", "executor-1"])
        #expect(selection.leftOut.isEmpty)
    }

    @Test("--nodes runs exactly the named nodes, in topology order; unknown, monitor and repeated ids are refused")
    func requested() throws {
        let topology = try topology()
        let never: (String) -> Bool = { _ in false }
        #expect(try HostNodes.select(topology, requested: ["verifier-2", "venues"], isLocal: never).nodes.map(\.id) == ["venues", "verifier-2"])
        #expect(throws: HostNodes.SelectionError.self) { try HostNodes.select(topology, requested: ["nobody"], isLocal: never) }
        #expect(throws: HostNodes.SelectionError.self) { try HostNodes.select(topology, requested: ["monitor"], isLocal: never) }
        #expect(throws: HostNodes.SelectionError.self) { try HostNodes.select(topology, requested: ["venues", "venues"], isLocal: never) }
        #expect(throws: HostNodes.SelectionError.self) { try HostNodes.select(topology, requested: [], isLocal: never) }
    }

    @Test("loopback, wildcard, ipc and this host's own addresses are local; another address is not", arguments: [
        ("tcp://127.0.0.1:7100", true), ("tcp://*:7100", true), ("tcp://localhost:7100", true), ("tcp://[::1]:7100", true),
        ("ipc:///tmp/rb.sock", true), ("tcp://192.0.2.1:7100", true), ("tcp://192.0.2.99:7100", false), ("nonsense", false),
    ])
    func localEndpoints(_ endpoint: String, _ local: Bool) {
        var host = LocalHost()
        host = LocalHost(names: host.names.union(["192.0.2.1"]))
        #expect(host.isLocal(endpoint: endpoint) == local)
    }

    @Test("each role's command line names its node the way its command takes it")
    func arguments() throws {
        let topology = try topology()
        let watcher = try #require(topology.node("watcher-v2"))
        #expect(RoleArguments.arguments(for: watcher, topologyPath: "t.yaml", dataDirectory: nil) == ["watcher", "--topology", "t.yaml", "--venue", "v2"])
        let verifier = try #require(topology.node("verifier-1"))
        #expect(RoleArguments.arguments(for: verifier, topologyPath: "t.yaml", dataDirectory: "d/verifier-1")
            == ["verifier", "--topology", "t.yaml", "--data-dir", "d/verifier-1", "--id", "verifier-1"])
    }

    @Test("restart delays double up to the maximum and start over after a stable run")
    func backoff() {
        var backoff = RestartBackoff(initial: .milliseconds(500), maximum: .seconds(4), stableAfter: .seconds(10))
        let delays = (0..<6).map { _ in backoff.delay(afterRunning: .seconds(1)) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        #expect(backoff.delay(afterRunning: .seconds(10)) == .milliseconds(500))
        #expect(backoff.delay(afterRunning: .seconds(1)) == .seconds(1))
    }
}
