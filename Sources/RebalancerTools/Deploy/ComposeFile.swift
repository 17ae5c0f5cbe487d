import Foundation
import RebalancerCore
import RebalancerNode

/// The Docker Compose file of a topology: one service per process (every node but the `monitor`,
/// which is the demo's own display), so `docker/compose.yaml` is generated from the topology and
/// cannot drift from it.
///
/// Every service runs the `rebalancer:latest` image (built by the first service from
/// `docker/Dockerfile`) with the exact role arguments, on the host network (the endpoints of a
/// loopback topology are only reachable there), with the topology file and its key directory
/// bind-mounted read-only and, for the nodes that keep state (coordinator journal, verifier ledgers,
/// executor record), a named volume for their data.
public enum ComposeFile {
    /// Where every node keeps its data inside the container: `<dataRoot>/<node id>`.
    public static let dataRoot = "/var/lib/rebalancer"

    /// The image every service runs.
    public static let image = "rebalancer:latest"

    /// The roles whose processes keep a database across restarts.
    public static let statefulRoles: Set<Topology.Role> = [.coordinator, .verifier, .executor]

    /// The compose YAML for `topology`.
    ///
    /// - Parameters:
    ///   - topologyMount: where the topology file is mounted in the containers (absolute); its key
    ///     directory is mounted beside it, at `keys_dir` relative to this path's directory.
    ///   - topologyFile: the topology file on the host, as given to `rebalancer topology compose`
    ///     (relative to the directory the command runs in, normally the repository root).
    ///   - composeDirectory: the directory the compose file is written to; bind-mount sources and
    ///     the build context are written relative to it, as Compose resolves them.
    ///   - outputFile: the compose file written (`<composeDirectory>/compose.yaml` when nil), for the
    ///     command in the header.
    ///
    /// The file has no top-level `name` and no `version`: Compose v1 (1.27 and later, e.g. Debian's
    /// docker-compose 1.29) rejects `name`, and Compose v2 warns that `version` is obsolete; without
    /// either, both read it as a Compose Specification file. The project name is given on the command
    /// line instead (`-p`, see the header), and each named volume carries an explicit `name` holding the
    /// topology id, so a deployment's data never depends on the project name nor mixes with another's.
    public static func render(
        topology: Deployment,
        topologyMount: String = "/etc/rebalancer/topology.yaml",
        topologyFile: String = "topology/local.yaml",
        composeDirectory: String = "docker",
        outputFile: String? = nil
    ) -> String {
        let hostTopologyDir = (topologyFile as NSString).deletingLastPathComponent
        let hostKeys = topology.keysDir.hasPrefix("/")
            ? normalized(topology.keysDir)
            : normalized((hostTopologyDir.isEmpty ? "." : hostTopologyDir) + "/" + topology.keysDir)
        let mountDir = (topologyMount as NSString).deletingLastPathComponent
        let mounts = Mounts(
            topologySource: relativePath(of: topologyFile, from: composeDirectory),
            topologyTarget: normalized(topologyMount),
            keysSource: relativePath(of: hostKeys, from: composeDirectory),
            keysTarget: topology.keysDir.hasPrefix("/") ? normalized(topology.keysDir) : normalized(mountDir + "/" + topology.keysDir),
            buildContext: relativePath(of: ".", from: composeDirectory),
            dockerfile: "docker/Dockerfile"
        )
        let services = topology.nodes.filter { $0.role != .monitor }
        let composePath = normalized(outputFile ?? composeDirectory + "/compose.yaml")
        var out = header(
            topology: topology, services: services, hostKeys: hostKeys, topologyFile: topologyFile, composePath: composePath,
            command: generatorCommand(topologyMount: topologyMount, topologyFile: topologyFile, composeDirectory: composeDirectory, outputFile: composePath)
        )
        out.append("services:")
        for (index, node) in services.enumerated() {
            out += service(node, builds: index == 0, mounts: mounts)
        }
        if services.contains(where: { topology.endpoints(of: $0.id)["metrics"] != nil }) {
            out += monitoring(composeDirectory: composeDirectory)
        }
        let stateful = services.filter { statefulRoles.contains($0.role) }
        if !stateful.isEmpty {
            out.append("")
            out.append("volumes:")
            for node in stateful {
                out.append("  \(TopologyFile.text(volumeName(node.id))):")
                out.append("    name: \(TopologyFile.text(projectName(topology.id) + "-" + volumeName(node.id)))")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The role subcommand and its node-selecting arguments, e.g. `["watcher", "--venue", "v1"]`;
    /// nil for the monitor, which is not a process of its own.
    public static func roleArguments(_ node: Topology.Node) -> [String]? {
        switch node.role {
        case .venues: return ["venues", "--id", node.id]
        case .watcher: return ["watcher"] + (node.venue.map { ["--venue", $0] } ?? [])
        case .coordinator: return ["coordinator", "--id", node.id]
        case .verifier: return ["verifier", "--id", node.id]
        case .executor: return ["executor", "--id", node.id]
        case .monitor: return nil
        }
    }

    /// The named volume holding a stateful node's data.
    public static func volumeName(_ node: NodeID) -> String { "\(node)-data" }

    /// `rebalancer-<topology id>`, lowered to the characters a Compose project name may hold.
    public static func projectName(_ topologyID: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")
        let name = "rebalancer-" + String(topologyID.lowercased().map { allowed.contains($0) ? $0 : "-" })
        return name
    }

    /// `path` as seen from `directory`: unchanged (normalised) when absolute, otherwise a relative
    /// path; relative inputs are taken from the current directory.
    public static func relativePath(of path: String, from directory: String) -> String {
        if path.hasPrefix("/") { return normalized(path) }
        let cwd = FileManager.default.currentDirectoryPath
        let target = components(normalized(cwd + "/" + path))
        let base = components(normalized(directory.hasPrefix("/") ? directory : cwd + "/" + directory))
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        let up = Array(repeating: "..", count: base.count - common)
        let parts = up + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    // MARK: - Rendering

    private struct Mounts {
        var topologySource: String
        var topologyTarget: String
        var keysSource: String
        var keysTarget: String
        var buildContext: String
        var dockerfile: String
    }

    /// The command that writes this file: `--compose-dir` only when it is not the output's directory.
    private static func generatorCommand(topologyMount: String, topologyFile: String, composeDirectory: String, outputFile: String) -> String {
        var words = ["rebalancer", "topology", "compose", topologyFile]
        let outputDirectory = (outputFile as NSString).deletingLastPathComponent
        if normalized(composeDirectory) != normalized(outputDirectory.isEmpty ? "." : outputDirectory) { words += ["--compose-dir", composeDirectory] }
        if topologyMount != "/etc/rebalancer/topology.yaml" { words += ["--mount", topologyMount] }
        return (words + ["--output", outputFile]).joined(separator: " ")
    }

    private static func header(
        topology: Deployment, services: [Topology.Node], hostKeys: String, topologyFile: String, composePath: String, command: String
    ) -> [String] {
        let project = projectName(topology.id)
        let text = """
            Generated by `\(command)`.
            Do not edit: regenerate it after changing the topology (ComposeFileTests fails when they differ).

            One service per process of topology "\(topology.id)": \(services.count) services. The monitor node is the
            demo's own live display, not a service. Valid for Compose v2 (`docker compose`) and v1 (`docker-compose`
            1.27+): no top-level name or version, so give the project name on the command line:
              docker compose -p \(project) -f \(composePath) up -d       (or docker-compose -p \(project) ...)
            The named volumes carry explicit names (\(project)-<node>-data) whatever the project name.

            Keys first. Every node reads the public keys of all nodes from \(hostKeys)/<node>.pub and its
            own secret keys from \(hostKeys)/<node>.key; none is ever baked into the image or committed.
            Create every missing one, where the topology expects them, with
              \(KeyStore.keygenCommand(topologyPath: topologyFile))
            then `rebalancer topology check \(topologyFile)` must say ok.
            The key directory is mounted read-only; the containers run as uid:gid ${REBALANCER_UID:-1000}:${REBALANCER_GID:-1000}
            (a build argument), which must be able to read the 0600 key files: build as the owner of the keys,
              REBALANCER_UID=$(id -u) REBALANCER_GID=$(id -g) docker compose -p \(project) -f \(composePath) build

            network_mode: host, because this topology's endpoints are loopback addresses (tcp://127.0.0.1:...)
            that every process must share. A multi-host deployment uses a topology with routable addresses and
            one compose file per host, holding only that host's services and, in its key directory, every
            node's .pub but only that host's .key files.

            The stateful nodes (coordinator journal, verifier ledgers, executor record) keep their SQLite files
            in a named volume mounted at \(dataRoot), which Docker seeds from the image's directory owned by the
            rebalancer user; the node writes under \(dataRoot)/<node>. ZeroMQ reconnects, so start order does
            not matter. On SIGTERM every role stops cleanly within the grace period.
            """
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "#" : "# " + $0 } + [""]
    }

    private static func service(_ node: Topology.Node, builds: Bool, mounts: Mounts) -> [String] {
        guard let role = roleArguments(node) else { return [] }
        let dataDir = dataRoot + "/" + node.id
        let arguments = role + ["--topology", mounts.topologyTarget, "--data-dir", dataDir]
        var out = ["  \(TopologyFile.text(node.id)):", "    image: \(image)"]
        if builds {
            out += [
                "    build:",
                "      context: \(scalar(mounts.buildContext))",
                "      dockerfile: \(scalar(mounts.dockerfile))",
                "      args:",
                "        REBALANCER_UID: ${REBALANCER_UID:-1000}",
                "        REBALANCER_GID: ${REBALANCER_GID:-1000}",
            ]
        } else {
            out.append("    pull_policy: never  # built locally by the service with the build section")
        }
        out += [
            "    command: [" + arguments.map(argument).joined(separator: ", ") + "]",
            "    network_mode: host",
            "    restart: unless-stopped",
            "    stop_signal: SIGTERM",
            "    stop_grace_period: 10s",
            "    volumes:",
        ]
        out += bind(source: mounts.topologySource, target: mounts.topologyTarget)
        out += bind(source: mounts.keysSource, target: mounts.keysTarget)
        if statefulRoles.contains(node.role) {
            out += [
                "      - type: volume",
                "        source: \(TopologyFile.text(volumeName(node.id)))",
                "        target: \(scalar(dataRoot))",
            ]
        }
        return out
    }

    /// Prometheus scraping every node's metrics endpoint (docker/prometheus.yml, from
    /// `rebalancer topology prometheus`) and Grafana with its data source and the topology's
    /// dashboard provisioned (docker/grafana, from `rebalancer topology grafana`), both on the
    /// host network and loopback like the roles.
    private static func monitoring(composeDirectory: String) -> [String] {
        func local(_ path: String) -> String {
            let relative = relativePath(of: normalized(composeDirectory + "/" + path), from: composeDirectory)
            return relative.hasPrefix(".") || relative.hasPrefix("/") ? relative : "./" + relative
        }
        var out = [
            "  prometheus:",
            "    image: prom/prometheus:v2.53.1",
            "    command: [\"--config.file=/etc/prometheus/prometheus.yml\", \"--web.listen-address=127.0.0.1:9090\"]",
            "    network_mode: host",
            "    restart: unless-stopped",
            "    volumes:",
        ]
        out += bind(source: local("prometheus.yml"), target: "/etc/prometheus/prometheus.yml")
        out += [
            "  grafana:",
            "    image: grafana/grafana:11.1.3",
            "    network_mode: host",
            "    restart: unless-stopped",
            "    environment:",
            "      GF_SERVER_HTTP_ADDR: 127.0.0.1",
            "      GF_SERVER_HTTP_PORT: \"3000\"",
            "      GF_AUTH_ANONYMOUS_ENABLED: \"true\"",
            "    volumes:",
        ]
        out += bind(source: local("grafana/provisioning"), target: "/etc/grafana/provisioning")
        out += bind(source: local("grafana/dashboards"), target: "/var/lib/grafana/dashboards")
        return out
    }

    /// A read-only bind mount whose source must exist (long syntax: Compose never creates it).
    private static func bind(source: String, target: String) -> [String] {
        [
            "      - type: bind",
            "        source: \(scalar(source))",
            "        target: \(scalar(target))",
            "        read_only: true",
        ]
    }

    /// A command word: option names as they are, anything else a plain or quoted YAML scalar
    /// with `$` escaped from Compose interpolation.
    private static func argument(_ word: String) -> String {
        if word.hasPrefix("--"), word.dropFirst(2).allSatisfy({ $0.isLetter || $0 == "-" }) { return word }
        return scalar(word)
    }

    /// A YAML scalar for a path or name, with `$` escaped from Compose interpolation: plain when it
    /// is only letters, digits and `._/-`, does not start with `-` and does not read as a number,
    /// boolean or null; double-quoted otherwise.
    private static func scalar(_ value: String) -> String {
        let escaped = value.replacingOccurrences(of: "$", with: "$$")
        let plainSafe = escaped.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._/-".unicodeScalars.contains(scalar))
        }
        let typed = Double(escaped.replacingOccurrences(of: "_", with: "")) != nil
            || ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"].contains(escaped.lowercased())
        guard plainSafe, !escaped.isEmpty, !escaped.hasPrefix("-"), !typed else { return TopologyFile.quoted(escaped) }
        return escaped
    }

    // MARK: - Paths

    /// `path` with `.` and empty components removed and `..` applied lexically.
    static func normalized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [String] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." { parts.removeLast() } else if !absolute { parts.append("..") }
            default: parts.append(String(part))
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }
}
