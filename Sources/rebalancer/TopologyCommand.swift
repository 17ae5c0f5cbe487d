import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode

/// `rebalancer topology init|check`: generate or validate a deployment's topology file.
struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Generate or validate a topology file.",
        subcommands: [Init.self, Check.self, TopologyComposeCommand.self, TopologyPrometheusCommand.self, TopologyGrafanaCommand.self]
    )

    /// `rebalancer topology init`: a working loopback deployment with fresh keys.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write <dir>/topology.yaml (public keys inline) and <dir>/keys/*.key for a loopback deployment."
        )

        @Option(help: "The directory to write into (created if missing).")
        var dir: String

        @Option(help: "Number of venues (at least 2), named v1...vN.")
        var venues: Int

        @Option(help: "Number of verifiers (at least 1).")
        var verifiers: Int

        @Option(help: "Approvals needed, in (verifiers/2, verifiers]; floor(2n/3)+1 when omitted.")
        var quorum: Int?

        @Option(help: "Number of executors (at least 1).")
        var executors: Int = 1

        @Option(help: "Number of coordinators (at least 1): the first leads, the others stand by in order (docs/operations.md, failover).")
        var coordinators: Int = 1

        @Option(help: "First TCP port; every endpoint gets its own port from here on.")
        var basePort: Int = 7100

        @Option(help: "The topology id, covered by every plan digest (default: local-<8 random hex digits>, unique per deployment).")
        var id: String?

        @Flag(help: "Replace an existing topology and its keys.")
        var force = false

        func validate() throws {
            guard venues >= 2 else { throw ValidationError("--venues must be at least 2") }
            guard verifiers >= 1 else { throw ValidationError("--verifiers must be at least 1") }
            guard executors >= 1 else { throw ValidationError("--executors must be at least 1") }
            guard coordinators >= 1 else { throw ValidationError("--coordinators must be at least 1") }
            if let quorum, !(2 * quorum > verifiers && quorum <= verifiers) {
                throw ValidationError("--quorum \(quorum) is outside (n/2, n] for \(verifiers) verifiers")
            }
            guard (1...65535).contains(basePort) else { throw ValidationError("--base-port must be within 1-65535") }
            guard id?.isEmpty != true else { throw ValidationError("--id must not be empty") }
        }

        func run() throws {
            let topology = try TopologyInit.make(
                dir: dir, venues: venues, verifiers: verifiers, quorum: quorum, executors: executors,
                coordinators: coordinators, basePort: basePort, id: id ?? TopologyInit.uniqueID(), force: force
            )
            print("wrote \(dir)/topology.yaml: \(summary(topology))")
        }
    }

    /// `rebalancer topology check FILE`: load and validate a topology, naming the line of each error,
    /// and check that the secret keys of its nodes are in its `keys_dir`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a topology file; print each problem with its field and line.",
            discussion: """
                Also checks that every node's secret key file (<keys_dir>/<node>.key) is on this host, and \
                names the missing ones and how to create them. On a host that runs only some of the nodes, \
                name them with --nodes; --public-only skips the secret keys.
                """
        )

        @Argument(help: "The topology file.")
        var file: String

        @Option(help: "Only these nodes' secret keys must be here (comma-separated ids): the nodes this host runs.")
        var nodes: String?

        @Flag(help: "Check the topology and the public keys only, not the secret key files.")
        var publicOnly = false

        func validate() throws {
            if nodes != nil, publicOnly { throw ValidationError("--nodes and --public-only exclude each other") }
            if let nodes, Self.nodeList(nodes).isEmpty { throw ValidationError("--nodes must name at least one node") }
        }

        func run() throws {
            let topology: Deployment
            do {
                topology = try TopologyFile.load(path: file)
            } catch let failure as TopologyErrors {
                for error in failure.errors { printError("\(file): \(error)") }
                throw ExitCode(1)
            }
            if !publicOnly { try checkSecrets(topology) }
            print("ok: \(summary(topology))")
        }

        /// Fails naming every node (of --nodes, or all) whose secret key file is not in keys_dir.
        private func checkSecrets(_ topology: Deployment) throws {
            let wanted = nodes.map(Self.nodeList)
            let unknown = (wanted ?? []).filter { topology.node($0) == nil }
            guard unknown.isEmpty else {
                printError("\(file): --nodes names nodes that are not in the topology: \(unknown.joined(separator: ", "))")
                throw ExitCode(1)
            }
            let missing = KeyStore.missingSecrets(of: topology, topologyPath: file, nodes: wanted)
            guard missing.isEmpty else {
                let dir = TopologyFile.keysDirectory(of: topology, baseDirectory: TopologyFile.directory(of: file))
                let folder = FileManager.default.fileExists(atPath: dir) ? "" : " (the folder does not exist)"
                printError("\(file): no secret key in \(dir)\(folder) for \(missing.count) node(s): \(missing.joined(separator: ", "))")
                printError("  " + KeyStore.missingSecretRemedy(nodes: missing, dir: dir, topologyPath: file))
                throw ExitCode(1)
            }
        }

        private static func nodeList(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }
}

/// `<id>, N nodes, N venues, N routes`.
private func summary(_ topology: Deployment) -> String {
    "\(topology.id), \(topology.nodes.count) nodes, \(topology.venues.count) venues, \(topology.routes.count) routes"
}

private func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
