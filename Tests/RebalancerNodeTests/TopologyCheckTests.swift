import Foundation
import RebalancerCore
import Testing
@testable import RebalancerNode

/// One broken variant of the fixture YAML and the error it must produce.
struct TopologyCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Text replacements applied to the fixture, each to its first occurrence.
    let edits: [(String, String)]
    /// The field path the error must name, or nil when the variant is valid.
    let path: String?
    /// A fragment of the error's message.
    let message: String

    var testDescription: String { name }

    init(_ name: String, _ edits: [(String, String)], _ path: String?, _ message: String = "") {
        self.name = name
        self.edits = edits
        self.path = path
        self.message = message
    }

    func apply(to yaml: String) -> String {
        edits.reduce(yaml) { text, edit in
            guard let range = text.range(of: edit.0) else { Issue.record("fixture lacks \(edit.0)"); return text }
            return text.replacingCharacters(in: range, with: edit.1)
        }
    }
}

private func signing(_ index: Int) -> String { "signing_key: \"\(KeyText.hex(TopologyFixture.signingKey(index)))\"\n" }
private func curve(_ index: Int) -> String { "curve_key: \"\(KeyText.z85(TopologyFixture.curveKey(index)))\"\n" }
private let route0 = "{from: v1, to: v2, fee_bps: 7.0, fixed_fee: 200, latency_ms: 900, capacity: 1000000000}"

let topologyCases: [TopologyCase] = [
    // Structure: unknown, missing, duplicate fields and wrong types.
    TopologyCase("unknown field", [("epoch: 1\n", "epoch: 1\ncolour: blue\n")], "colour", "unknown field"),
    TopologyCase("unknown nested field", [("    role: monitor\n", "    role: monitor\n    rank: 3\n")], "nodes[10].rank", "unknown field"),
    TopologyCase("duplicate field", [("epoch: 1\n", "epoch: 1\nepoch: 2\n")], "epoch", "duplicate field"),
    TopologyCase("missing field", [("  window_seconds: 3600\n", "")], "limits.window_seconds", "missing required field"),
    TopologyCase("missing section", [("timing:\n", "timings:\n")], "timing", "missing required field"),
    TopologyCase("integer expected", [("quorum: 3", "quorum: three")], "quorum", "expected an integer"),
    TopologyCase("quoted number", [("tick_ms: 100", "tick_ms: \"100\"")], "market.tick_ms", "expected an integer"),
    TopologyCase("list expected", [("routes:\n", "routes: 3\nold_routes:\n")], "routes", "expected a list"),
    TopologyCase("mapping expected", [("limits:\n", "limits: none\nx:\n")], "limits", "expected a mapping"),
    TopologyCase("unknown role", [("role: monitor", "role: watchman")], "nodes[10].role", "unknown role \"watchman\""),
    TopologyCase("not YAML", [("nodes:\n", "nodes: [\n")], "", "not valid YAML"),
    // Identities.
    TopologyCase("duplicate node id", [("id: verifier-2\n", "id: verifier-1\n")], "nodes[6].id", "duplicate node id \"verifier-1\""),
    TopologyCase("node id not a file name", [("id: monitor\n", "id: ../monitor\n")], "nodes[10].id", "must be letters"),
    TopologyCase("duplicate venue id", [("  - id: v3\n    asset", "  - id: v2\n    asset")], "venues[2].id", "duplicate venue id \"v2\""),
    // Quorum.
    TopologyCase("quorum too small", [("quorum: 3", "quorum: 2")], "quorum", "outside (n/2, n] for 4 verifiers"),
    TopologyCase("quorum too large", [("quorum: 3", "quorum: 5")], "quorum", "outside (n/2, n]"),
    // Keys.
    TopologyCase("short signing key", [(signing(5), "signing_key: \"0606\"\n")], "nodes[5].signing_key", "not 64 hex characters"),
    TopologyCase("non-hex signing key", [(signing(5), "signing_key: \"\(String(repeating: "zz", count: 32))\"\n")], "nodes[5].signing_key", "not 64 hex"),
    TopologyCase("bad curve key", [(curve(2), "curve_key: \"abc\"\n")], "nodes[2].curve_key", "not 40 characters of Z85"),
    TopologyCase("curve key outside Z85", [(curve(2), "curve_key: \"\(String(repeating: "~", count: 40))\"\n")], "nodes[2].curve_key", "Z85"),
    TopologyCase("one key missing", [("    " + curve(3), "")], "nodes[3].curve_key", "missing"),
    TopologyCase("no keys and no .pub", [("    " + signing(4), ""), ("    " + curve(4), "")], "nodes[4]", "no keys"),
    TopologyCase("duplicate public key", [(signing(6), signing(5))], "nodes[6].signing_key", "duplicate public key (same as nodes[5].signing_key)"),
    // Routes.
    TopologyCase("route to unknown venue", [(route0, route0.replacingOccurrences(of: "to: v2", with: "to: v9"))], "routes[0].to", "unknown venue \"v9\""),
    TopologyCase("route from unknown venue", [(route0, route0.replacingOccurrences(of: "from: v1", with: "from: v8"))], "routes[0].from", "unknown venue"),
    TopologyCase("self route", [(route0, route0.replacingOccurrences(of: "to: v2", with: "to: v1"))], "routes[0].to", "to itself"),
    TopologyCase("duplicate route", [("{from: v1, to: v3,", "{from: v1, to: v2,")], "routes[1]", "duplicate route v1 -> v2"),
    TopologyCase("zero capacity", [(route0, route0.replacingOccurrences(of: "capacity: 1000000000", with: "capacity: 0"))], "routes[0].capacity", "must be positive"),
    TopologyCase("negative fee", [(route0, route0.replacingOccurrences(of: "fee_bps: 7.0", with: "fee_bps: -1"))], "routes[0].fee_bps", "must not be negative"),
    TopologyCase("negative fixed fee", [(route0, route0.replacingOccurrences(of: "fixed_fee: 200", with: "fixed_fee: -5"))], "routes[0].fixed_fee", "must not be negative"),
    TopologyCase("negative latency", [(route0, route0.replacingOccurrences(of: "latency_ms: 900", with: "latency_ms: -1"))], "routes[0].latency_ms", "must not be negative"),
    // Endpoints.
    TopologyCase("unsupported scheme", [("tcp://127.0.0.1:7102", "http://127.0.0.1:7102")], "nodes[1].endpoints.feed", "is not tcp://host:port"),
    TopologyCase("port zero", [("tcp://127.0.0.1:7102", "tcp://127.0.0.1:0")], "nodes[1].endpoints.feed", "is not tcp://host:port"),
    TopologyCase("port too large", [("tcp://127.0.0.1:7102", "tcp://127.0.0.1:65536")], "nodes[1].endpoints.feed", "port 1-65535"),
    TopologyCase("no port", [("tcp://127.0.0.1:7102", "tcp://127.0.0.1")], "nodes[1].endpoints.feed", "is not tcp://"),
    TopologyCase("empty ipc path", [("tcp://127.0.0.1:7102", "ipc://")], "nodes[1].endpoints.feed", "is not tcp://"),
    TopologyCase("ipc, inproc and wildcard accepted", [
        ("tcp://127.0.0.1:7102", "ipc:///tmp/feed-v1"), ("tcp://127.0.0.1:7103", "inproc://feed-v2"),
        ("tcp://127.0.0.1:7104", "tcp://*:7104"),
    ], nil),
    TopologyCase("endpoint bound twice", [("tcp://127.0.0.1:7103", "tcp://127.0.0.1:7102")], "nodes[2].endpoints.feed", "already bound by nodes[1].endpoints.feed"),
    TopologyCase("required endpoint missing", [(", replay: \"tcp://127.0.0.1:7107\"", "")], "nodes[4].endpoints.replay", "missing: a coordinator binds replay"),
    TopologyCase("endpoint not a string", [("{feed: \"tcp://127.0.0.1:7102\",", "{feed: [1],")], "nodes[1].endpoints.feed", "expected a string"),
    // Watchers and singletons.
    TopologyCase("watcher of unknown venue", [("venue: v1\n", "venue: v7\n")], "nodes[1].venue", "unknown venue \"v7\""),
    TopologyCase("venue without watcher", [("venue: v3\n", "venue: v2\n")], "venues[2].id", "no watcher reports venue \"v3\""),
    TopologyCase("watcher without venue", [("    venue: v1\n", "")], "nodes[1].venue", "missing"),
    TopologyCase("venue on a verifier", [("    role: verifier\n", "    role: verifier\n    venue: v1\n")], "nodes[5].venue", "only watchers"),
    TopologyCase("no coordinator", [("role: coordinator", "role: executor")], "nodes", "no coordinator"),
    TopologyCase("two venues nodes", [("role: monitor", "role: venues")], "nodes[10].role", "a second venues node"),
    // Bands, market, limits.
    TopologyCase("lower band above target", [("lower_band: 2.0", "lower_band: 3.5")], "venues[0].target_ratio", "0 < lower_band < target_ratio < upper_band"),
    TopologyCase("upper band below target", [("upper_band: 4.0", "upper_band: 2.5")], "venues[0].target_ratio", "0 < lower_band"),
    TopologyCase("zero lower band", [("lower_band: 2.0", "lower_band: 0")], "venues[0].target_ratio", "0 < lower_band"),
    TopologyCase("account of unknown venue", [("{venue: v3,", "{venue: v9,")], "market.accounts[2].venue", "unknown venue \"v9\""),
    TopologyCase("hedge on unknown venue", [("hedge_venue: v2", "hedge_venue: v5")], "market.accounts[0].hedge_venue", "unknown venue"),
    TopologyCase("zero transfer cap", [("per_transfer_cap: 200000000", "per_transfer_cap: 0")], "limits.per_transfer_cap", "must be positive"),
    TopologyCase("negative window", [("window_seconds: 3600", "window_seconds: -1")], "limits.window_seconds", "must be positive"),
    TopologyCase("zero heartbeat", [("heartbeat_ms: 500", "heartbeat_ms: 0")], "timing.heartbeat_ms", "must be positive"),
    // Venue adapters and executors.
    TopologyCase("unknown adapter kind", [(limit0, limit0 + "    adapter: {kind: kraken}\n")], "venues[0].adapter.kind", "unknown adapter kind \"kraken\""),
    TopologyCase("adapter without kind", [(limit0, limit0 + "    adapter: {address: \"0x1\"}\n")], "venues[0].adapter.kind", "missing required field"),
    TopologyCase("adapter parameter not text", [(limit0, limit0 + "    adapter: {kind: hyperliquid, address: [1]}\n")], "venues[0].adapter.address", "expected a string"),
    TopologyCase("bad hyperliquid address", [(limit0, limit0 + "    adapter: {kind: hyperliquid, address: \"0x12\"}\n")], "venues[0].adapter.address", "0x"),
    TopologyCase("read-only venue with routes out", [(limit0, limit0 + "    adapter: {kind: hyperliquid, address: \"0x\(String(repeating: "ab", count: 20))\", deposit_address: \"0x1\"}\n")], "venues[0].adapter.kind", "read-only"),
    TopologyCase("inline secret refused", [(limit0, limit0 + "    adapter: {kind: binance-usdm, api_key: abc, api_secret_env: S}\n")], "venues[0].adapter.api_key", "secrets are never written in the topology"),
    TopologyCase("misspelt adapter parameter", [(limit0, limit0 + "    adapter: {kind: binance-usdm, api_key_env: K, api_secret_env: S, recv_windw_ms: 5}\n")], "venues[0].adapter.recv_windw_ms", "unknown parameter"),
    TopologyCase("route from a real venue needs a deposit address", [(limit0, limit0 + "    adapter: {kind: binance-usdm, api_key_env: K, api_secret_env: S}\n")], "venues[1].adapter.deposit_address", "is required"),
    TopologyCase("simulated adapter takes no parameters", [(limit0, limit0 + "    adapter: {kind: simulated, speed: fast}\n")], "venues[0].adapter.speed", "unknown parameter"),
    TopologyCase("external adapter without a command", [(limit0, limit0 + "    adapter: {kind: external, timeout_ms: \"500\", deposit_address: a}\n")], "venues[0].adapter.command", "required"),
    TopologyCase("monitor_only not a boolean", [("    role: executor\n", "    role: executor\n    monitor_only: maybe\n")], "nodes[9].monitor_only", "expected true or false"),
    TopologyCase("simulated adapter and monitor_only accepted", [(limit0, limit0 + "    adapter: {kind: simulated}\n"), ("    role: executor\n", "    role: executor\n    monitor_only: true\n")], nil),
]

private let limit0 = "withdrawal_limit: 100000000\n"

@Suite("TopologyCheck")
struct TopologyCheckTests {
    @Test("the fixture itself is valid")
    func fixtureIsValid() throws {
        #expect(TopologyCheck.validate(try TopologyFixture.topology()).isEmpty)
        _ = try TopologyFile.parse(yaml: TopologyFixture.yaml(), baseDirectory: "/nonexistent")
    }

    @Test("each kind of problem is reported naming its field", arguments: topologyCases)
    func reportsField(_ testCase: TopologyCase) throws {
        let yaml = testCase.apply(to: try TopologyFixture.yaml())
        let directory = try TopologyFixture.temporaryDirectory()
        guard let path = testCase.path else {
            _ = try TopologyFile.parse(yaml: yaml, baseDirectory: directory)
            return
        }
        let failure = try #require(throws: TopologyErrors.self) { try TopologyFile.parse(yaml: yaml, baseDirectory: directory) }
        let match = failure.errors.first { $0.path == path && $0.message.contains(testCase.message) }
        #expect(match != nil, "wanted \(path): …\(testCase.message)…, got:\n\(failure)")
        if path != "nodes" { #expect(match?.line != nil, "no line in \(match?.description ?? "")") }
    }

    @Test("endpoint forms", arguments: [
        ("tcp://127.0.0.1:1", true), ("tcp://*:65535", true), ("tcp://[::1]:7000", true), ("tcp://host.example:80", true),
        ("ipc:///run/x.sock", true), ("inproc://a", true), ("tcp://::1:7000", false), ("tcp://:7000", false),
        ("tcp://h:port", false), ("tcp://h:-1", false), ("udp://h:1", false), ("inproc://", false), ("", false),
    ])
    func endpoints(_ text: String, _ valid: Bool) {
        #expect((EndpointAddress(text) != nil) == valid)
    }

    @Test("several coordinators: the first leads, the others stand by in order")
    func severalCoordinatorsAreValid() throws {
        let topology = try TopologyInit.topology(venues: 3, verifiers: 4, coordinators: 3)
        #expect(topology.coordinators.map(\.id) == ["coordinator", "coordinator-2", "coordinator-3"])
        #expect(topology.coordinator?.id == "coordinator")
        let endpoints = topology.coordinators.flatMap { topology.endpoints(of: $0.id).values }
        #expect(Set(endpoints).count == endpoints.count, "each coordinator binds its own ports")
    }
}
