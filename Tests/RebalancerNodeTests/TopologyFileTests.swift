import Foundation
import RebalancerCore
import Testing
@testable import RebalancerNode

/// Shared fixtures for the topology and key tests.
enum TopologyFixture {
    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "topology-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Deterministic stand-in public keys for node `index`.
    static func signingKey(_ index: Int) -> [UInt8] { [UInt8](repeating: UInt8(index + 1), count: 32) }
    static func curveKey(_ index: Int) -> [UInt8] { [UInt8](repeating: UInt8(0x80 + index), count: 32) }

    /// 3 venues, 4 verifiers, 1 executor, keys inline: nodes are venues(0), watcher-v1..v3(1-3),
    /// coordinator(4), verifier-1..4(5-8), executor-1(9), monitor(10).
    static func topology() throws -> Deployment {
        var topology = try TopologyInit.topology(venues: 3, verifiers: 4)
        for index in topology.nodes.indices {
            topology.nodes[index].signingKey = signingKey(index)
            topology.nodes[index].curveKey = curveKey(index)
        }
        return topology
    }

    /// The YAML of `topology()`.
    static func yaml() throws -> String { TopologyFile.render(try topology()) }

    /// The 1-based line of the first line of `text` containing `fragment`.
    static func line(of fragment: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(fragment) }.map { $0 + 1 }
    }
}

@Suite("TopologyFile")
struct TopologyFileTests {
    @Test("a topology made by init loads and validates clean")
    func initLoads() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        let made = try TopologyInit.make(dir: dir, venues: 4, verifiers: 5, executors: 2, basePort: 20100)
        let loaded = try TopologyFile.load(path: dir + "/topology.yaml")
        #expect(loaded == made)
        #expect(TopologyCheck.validate(loaded).isEmpty)
        #expect(loaded.quorum == 4)
        #expect(loaded.nodes.count == 1 + 4 + 1 + 5 + 2 + 1)
        #expect(loaded.routes.count == 12)
        #expect(loaded.node("watcher-v3")?.venue == "v3")
        #expect(loaded.venuesNode?.id == "venues")
        #expect(loaded.node("monitor")?.role == .monitor)
        let endpoints = loaded.nodes.flatMap { loaded.endpoints(of: $0.id).values }
        #expect(Set(endpoints).count == endpoints.count)
        for node in loaded.nodes {
            let keys = try KeyStore.load(node: node.id, dir: dir + "/keys")
            #expect(keys.publicKeys == NodePublicKeys(signingKey: node.signingKey, curveKey: node.curveKey))
        }
        let v1 = loaded.market.accounts[0], v2 = loaded.market.accounts[1]
        #expect(v1.position == -v2.position && v1.hedgeVenue == "v2" && v2.hedgeVenue == "v1")
    }

    @Test("init refuses to replace an existing topology")
    func initRefusesOverwrite() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        try TopologyInit.make(dir: dir, venues: 2, verifiers: 1)
        #expect(throws: TopologyErrors.self) { try TopologyInit.make(dir: dir, venues: 2, verifiers: 1) }
        #expect(throws: TopologyErrors.self) { try TopologyInit.topology(venues: 3, verifiers: 4, quorum: 2) }
    }

    @Test("render then parse gives the same topology")
    func roundTrip() throws {
        let topology = try TopologyFixture.topology()
        let parsed = try TopologyFile.parse(yaml: TopologyFile.render(topology), baseDirectory: "/nonexistent")
        #expect(parsed == topology)
        #expect(TopologyFile.render(parsed) == TopologyFile.render(topology))
    }

    @Test("strings that YAML would read as something else are quoted")
    func quoting() throws {
        var topology = try TopologyFixture.topology()
        topology.id = "1.5"
        topology.venues[0].asset = "true"
        topology.keysDir = "my keys: #1"
        let parsed = try TopologyFile.parse(yaml: TopologyFile.render(topology), baseDirectory: "/nonexistent")
        #expect(parsed == topology)
    }

    @Test("nodes without key fields read them from keys_dir/<id>.pub")
    func keysFromPublicFiles() throws {
        let dir = try TopologyFixture.temporaryDirectory()
        var topology = try TopologyFixture.topology()
        topology.keysDir = "pubs"
        let keys = NodeKeys.generate()
        topology.nodes[4].signingKey = []
        topology.nodes[4].curveKey = []
        try KeyStore.write(keys, node: "coordinator", dir: dir + "/pubs")
        try TopologyFile.render(topology).write(toFile: dir + "/t.yaml", atomically: true, encoding: .utf8)
        let loaded = try TopologyFile.load(path: dir + "/t.yaml")
        #expect(loaded.coordinator?.signingKey == keys.signingPublic)
        #expect(loaded.coordinator?.curveKey == keys.curvePublic)
    }

    @Test("the committed topology/local.yaml loads once its keys are generated")
    func committedLocalTopology() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../topology/local.yaml").standardizedFileURL.path
        let dir = try TopologyFixture.temporaryDirectory()
        let copy = dir + "/local.yaml"
        try FileManager.default.copyItem(atPath: source, toPath: copy)
        #expect(throws: TopologyErrors.self) { try TopologyFile.load(path: copy) }
        let generated = try KeyStore.ensure(topologyPath: copy)
        #expect(generated.count == 14)
        let topology = try TopologyFile.load(path: copy)
        #expect(topology.keysDir == "local.keys")
        #expect(topology.quorum == 3 && topology.verifiers.count == 4)
        #expect(topology.venues.count == 6 && topology.routes.count == 30)
        #expect(topology.nodes(.executor).count == 1)
    }

    @Test("errors name the line they sit on")
    func errorLines() throws {
        let yaml = try TopologyFixture.yaml()
        let curve = "\"" + KeyText.z85(TopologyFixture.curveKey(2)) + "\""
        let broken = yaml.replacingOccurrences(of: curve, with: "\"abc\"").replacingOccurrences(of: "quorum: 3", with: "quorum: 9")
        let errors = try #require(throws: TopologyErrors.self) { try TopologyFile.parse(yaml: broken, baseDirectory: "/") }
        let line = try #require(TopologyFixture.line(of: "\"abc\"", in: broken))
        #expect(errors.errors.map(\.description) == ["nodes[2].curve_key (line \(line)): not 40 characters of Z85"])
        let fixed = broken.replacingOccurrences(of: "\"abc\"", with: curve)
        let semantic = try #require(throws: TopologyErrors.self) { try TopologyFile.parse(yaml: fixed, baseDirectory: "/") }
        #expect(semantic.errors.map(\.description) == ["quorum (line 3): 9 is outside (n/2, n] for 4 verifiers"])
    }
}
