import Foundation
import RebalancerCore
import Testing
import Yams
@testable import RebalancerNode
import RebalancerTools

/// The committed `docker/compose.yaml` against `topology/local.yaml`: it must be exactly what
/// `rebalancer topology compose topology/local.yaml` prints, so it cannot drift from the topology.
@Suite("ComposeFile")
struct ComposeFileTests {
    /// The repository root, three levels above this file (Tests/RebalancerNodeTests/ComposeFileTests.swift).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let topologyPath = repository + "/topology/local.yaml"
    static let composePath = repository + "/docker/compose.yaml"

    /// A node of local.yaml as its YAML says, read without keys (they may be absent in CI).
    struct LocalNode {
        var id: String
        var role: String
        var venue: String?
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// local.yaml's nodes, parsed with Yams directly.
    static func localNodes() throws -> [LocalNode] {
        let root = try #require(try Yams.load(yaml: text(topologyPath)) as? [String: Any])
        let nodes = try #require(root["nodes"] as? [[String: Any]])
        return try nodes.map { node in
            LocalNode(id: try #require(node["id"] as? String), role: try #require(node["role"] as? String), venue: node["venue"] as? String)
        }
    }

    /// The committed compose file, parsed.
    static func compose() throws -> [String: Any] {
        try #require(try Yams.load(yaml: text(composePath)) as? [String: Any])
    }

    /// The services of the role processes (without the monitoring services, Prometheus and Grafana).
    static func services() throws -> [String: [String: Any]] {
        try #require(try compose()["services"] as? [String: [String: Any]]).filter { !monitoringServices.contains($0.key) }
    }

    /// The services that are not role processes.
    static let monitoringServices: Set = ["prometheus", "grafana"]

    static func command(_ service: [String: Any]) throws -> [String] {
        try #require(service["command"] as? [String])
    }

    /// The value following `flag` in a command.
    static func value(of flag: String, in command: [String]) -> String? {
        guard let index = command.firstIndex(of: flag), index + 1 < command.count else { return nil }
        return command[index + 1]
    }

    /// local.yaml loaded and validated the way the command loads it: from a temporary copy with
    /// freshly generated keys (never written into the repository).
    static func localTopology() throws -> Deployment {
        let dir = try TopologyFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let copy = dir + "/local.yaml"
        try FileManager.default.copyItem(atPath: topologyPath, toPath: copy)
        try KeyStore.ensure(topologyPath: copy)
        return try TopologyFile.load(path: copy)
    }

    @Test("docker/compose.yaml is exactly what `rebalancer topology compose topology/local.yaml` prints")
    func committedFileIsGenerated() throws {
        let rendered = ComposeFile.render(topology: try Self.localTopology())
        let committed = try Self.text(Self.composePath)
        #expect(rendered == committed, "docker/compose.yaml is stale: run `rebalancer topology compose topology/local.yaml --output docker/compose.yaml`")
    }

    @Test("one service per node of local.yaml but the monitor")
    func oneServicePerNode() throws {
        let nodes = try Self.localNodes().filter { $0.role != "monitor" }
        let services = try Self.services()
        #expect(nodes.count == 13)
        #expect(Set(services.keys) == Set(nodes.map(\.id)))
        #expect(services["monitor"] == nil)
    }

    @Test("each service runs its node's role with its id or venue, the mounted topology and its own data directory")
    func commandsMatchNodes() throws {
        let services = try Self.services()
        for node in try Self.localNodes() where node.role != "monitor" {
            let service = try #require(services[node.id], "no service \(node.id)")
            let command = try Self.command(service)
            #expect(command.first == node.role, "\(node.id): \(command)")
            if node.role == "watcher" {
                #expect(node.venue != nil)
                #expect(Self.value(of: "--venue", in: command) == node.venue, "\(node.id): \(command)")
                #expect(!command.contains("--id"))
            } else {
                #expect(Self.value(of: "--id", in: command) == node.id, "\(node.id): \(command)")
            }
            #expect(Self.value(of: "--topology", in: command) == "/etc/rebalancer/topology.yaml")
            #expect(Self.value(of: "--data-dir", in: command) == "/var/lib/rebalancer/\(node.id)")
            #expect(service["image"] as? String == "rebalancer:latest")
            #expect(service["network_mode"] as? String == "host")
            #expect(service["restart"] as? String == "unless-stopped")
            #expect(service["stop_signal"] as? String == "SIGTERM")
            #expect(service["stop_grace_period"] as? String == "10s")
        }
    }

    @Test("every service mounts the topology and its keys read-only; the stateful nodes keep a named volume")
    func mounts() throws {
        let services = try Self.services()
        let declared = Set((try Self.compose()["volumes"] as? [String: Any] ?? [:]).keys)
        var named: Set<String> = []
        for (id, service) in services {
            let volumes = try #require(service["volumes"] as? [[String: Any]], "\(id) has no volumes")
            let binds = volumes.filter { $0["type"] as? String == "bind" }
            let topology = try #require(binds.first { $0["target"] as? String == "/etc/rebalancer/topology.yaml" }, "\(id) does not mount the topology")
            #expect(topology["source"] as? String == "../topology/local.yaml")
            #expect(topology["read_only"] as? Bool == true)
            let keys = try #require(binds.first { $0["target"] as? String == "/etc/rebalancer/local.keys" }, "\(id) does not mount the keys")
            #expect(keys["source"] as? String == "../topology/local.keys")
            #expect(keys["read_only"] as? Bool == true)
            let data = volumes.filter { $0["type"] as? String == "volume" }
            let role = try Self.command(service).first ?? ""
            if ["coordinator", "verifier", "executor"].contains(role) {
                #expect(data.count == 1, "\(id) keeps state but has no volume")
                #expect(data.first?["target"] as? String == "/var/lib/rebalancer")
                if let source = data.first?["source"] as? String {
                    #expect(!named.contains(source), "\(id) shares volume \(source)")
                    named.insert(source)
                }
            } else {
                #expect(data.isEmpty, "\(id) is stateless but has a volume")
            }
        }
        #expect(named.count == 6)
        #expect(named == declared)
        // The mount sources are relative to docker/, where Compose resolves them.
        #expect(FileManager.default.fileExists(atPath: Self.repository + "/docker/../topology/local.yaml"))
    }

    @Test("exactly one service builds the image, from the repository root with docker/Dockerfile")
    func buildsOnce() throws {
        let builds = try Self.services().compactMap { $0.value["build"] as? [String: Any] }
        #expect(builds.count == 1)
        #expect(builds.first?["context"] as? String == "..")
        #expect(builds.first?["dockerfile"] as? String == "docker/Dockerfile")
        #expect(FileManager.default.fileExists(atPath: Self.repository + "/docker/Dockerfile"))
        let others = try Self.services().values.filter { $0["build"] == nil }
        #expect(others.allSatisfy { $0["pull_policy"] as? String == "never" })
    }

    @Test("another topology: paths follow the compose directory, an absolute keys_dir is mounted where it is")
    func otherTopology() throws {
        var topology = try TopologyFixture.topology()
        topology.id = "Prod.East"
        topology.keysDir = "/srv/keys"
        let text = ComposeFile.render(
            topology: topology, topologyMount: "/config/t.yaml", topologyFile: "deploy/prod.yaml", composeDirectory: "deploy/compose"
        )
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(root["name"] == nil)
        let volumeNames = try #require(root["volumes"] as? [String: [String: Any]]).mapValues { $0["name"] as? String }
        #expect(!volumeNames.isEmpty)
        for (key, name) in volumeNames { #expect(name == "rebalancer-prod-east-" + key) }
        let services = try #require(root["services"] as? [String: [String: Any]]).filter { !Self.monitoringServices.contains($0.key) }
        #expect(services.count == topology.nodes.count - 1)
        let verifier = try #require(services["verifier-2"])
        let volumes = try #require(verifier["volumes"] as? [[String: Any]])
        #expect(volumes[0]["source"] as? String == "../prod.yaml")
        #expect(volumes[0]["target"] as? String == "/config/t.yaml")
        #expect(volumes[1]["source"] as? String == "/srv/keys")
        #expect(volumes[1]["target"] as? String == "/srv/keys")
        #expect(Self.value(of: "--topology", in: try Self.command(verifier)) == "/config/t.yaml")
        #expect(text.hasPrefix("# Generated by `rebalancer topology compose deploy/prod.yaml --mount /config/t.yaml --output deploy/compose/compose.yaml`."))
        let elsewhere = ComposeFile.render(topology: topology, topologyFile: "deploy/prod.yaml", composeDirectory: "deploy/compose", outputFile: "out/c.yaml")
        #expect(elsewhere.hasPrefix("# Generated by `rebalancer topology compose deploy/prod.yaml --compose-dir deploy/compose --output out/c.yaml`."))
        let build = try #require(services.values.compactMap { $0["build"] as? [String: Any] }.first)
        #expect(build["context"] as? String == "../..")
    }

    @Test("relative paths between host directories", arguments: [
        ("topology/local.yaml", "docker", "../topology/local.yaml"),
        (".", "docker", ".."),
        ("topology/local.keys", "./docker/", "../topology/local.keys"),
        ("a/b/c", "a/b", "c"),
        ("/abs/path/../x", "docker", "/abs/x"),
    ])
    func relativePaths(_ path: String, _ directory: String, _ expected: String) {
        #expect(ComposeFile.relativePath(of: path, from: directory) == expected)
    }
}

/// The committed compose file against both Compose versions: Compose v1 (Debian's docker-compose
/// 1.29) rejects a top-level `name`, Compose v2 warns on `version`; `config -q` runs on it when
/// either tool is installed, and its structure is checked here in any case.
@Suite("ComposeFile versions")
struct ComposeFileVersionTests {
    /// `docker-compose` (v1) or `docker compose` (v2), whichever is installed, as the words before `-f`.
    /// (Compose v1 is found on PATH rather than asked its version: each start of its Python costs
    /// half a second of CPU, and the test below runs it twice.)
    static let tool: [String]? = {
        if onPath("docker-compose") { return ["docker-compose"] }
        if run(["docker", "compose", "version"]).status == 0 { return ["docker", "compose"] }
        return nil
    }()

    /// True when an executable file named `name` is in a folder of PATH.
    static func onPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// Runs a command found on PATH in the repository; its status and combined output (127 when absent).
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: ComposeFileTests.repository)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("only the Compose Specification keys both versions accept: no top-level name or version; volumes named explicitly")
    func portableStructure() throws {
        let root = try ComposeFileTests.compose()
        #expect(Set(root.keys).isSubset(of: ["services", "volumes"]), "top-level keys: \(root.keys.sorted())")
        #expect(root["name"] == nil && root["version"] == nil)
        let volumes = try #require(root["volumes"] as? [String: [String: Any]])
        for (key, volume) in volumes { #expect(volume["name"] as? String == "rebalancer-local-" + key) }
        let allowed: Set<String> = ["image", "build", "pull_policy", "command", "network_mode", "restart", "stop_signal", "stop_grace_period", "volumes", "environment"]
        for (id, service) in try #require(root["services"] as? [String: [String: Any]]) {
            #expect(Set(service.keys).isSubset(of: allowed), "\(id): \(service.keys.sorted())")
        }
        let text = try ComposeFileTests.text(ComposeFileTests.composePath)
        #expect(text.contains("rebalancer keygen --topology topology/local.yaml"))
        #expect(text.contains("-p rebalancer-local"))
    }

    @Test("docker-compose / docker compose accepts docker/compose.yaml", .enabled(if: tool != nil, "no docker-compose or docker compose on PATH"))
    func composeConfigAccepts() throws {
        let tool = try #require(Self.tool)
        let result = Self.run(tool + ["-f", "docker/compose.yaml", "config", "-q"])
        #expect(result.status == 0, "\(tool.joined(separator: " ")) config -q:\n\(result.output)")
        // And it rejects what v1 rejects, so the check above is not vacuous.
        let directory = try TopologyFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let named = "name: rebalancer-local\n" + (try ComposeFileTests.text(ComposeFileTests.composePath))
        try named.write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
        if tool == ["docker-compose"] {
            #expect(Self.run(tool + ["-f", directory + "/compose.yaml", "config", "-q"]).status != 0)
        } else {
            // v2 accepts a top-level name; a malformed file shows it checks at all.
            try "services: [1, 2]\n".write(toFile: directory + "/bad.yaml", atomically: true, encoding: .utf8)
            #expect(Self.run(tool + ["-f", directory + "/bad.yaml", "config", "-q"]).status != 0)
        }
    }

    @Test("ComposeFile.write replaces a file whole and leaves nothing behind; into a missing folder it writes nothing")
    func atomicWrite() throws {
        let directory = try TopologyFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/compose.yaml"
        try "old\n".write(toFile: path, atomically: true, encoding: .utf8)
        try ComposeFile.write("new\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["compose.yaml"])
        #expect(throws: KeyStoreError.self) { try ComposeFile.write("x", to: directory + "/missing/compose.yaml") }
        #expect(!FileManager.default.fileExists(atPath: directory + "/missing"))
    }
}
