import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode

/// `rebalancer keygen --topology FILE` writes every missing key of a topology into its `keys_dir`;
/// `rebalancer keygen --node ID --dir D` writes one node's key files and prints its public keys.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate nodes' Ed25519 signing keys and CURVE key pairs.",
        discussion: """
            With --topology FILE: creates the keys of every node of the topology that has none (no \
            signing_key/curve_key in the file and no <node>.pub), in the topology's keys_dir (relative to \
            the topology file's directory unless absolute). Existing keys are never replaced.

            With --node ID --dir D: writes D/<node>.key (secret and public keys, mode 0600) and \
            D/<node>.pub (public keys, mode 0644), then prints the public keys as the two YAML lines of \
            the node's topology entry.
            """
    )

    /// The topology whose missing keys to create.
    @Option(help: "The topology file: create every missing key in its keys_dir.")
    var topology: String?

    /// The node whose keys to generate.
    @Option(help: "The node id, as named in the topology (with --dir).")
    var node: String?

    /// Where the key files go.
    @Option(help: "The directory for the key files (with --node; created with mode 0700 if missing).")
    var dir: String?

    /// Replace existing key files.
    @Flag(help: "Replace existing key files of the node (with --node only).")
    var force = false

    func validate() throws {
        if let topology {
            guard node == nil, dir == nil else { throw ValidationError("--topology creates every missing key where the topology expects them: give it without --node and --dir") }
            guard !force else { throw ValidationError("--topology never replaces a key: --force goes with --node and --dir only") }
            guard !topology.isEmpty else { throw ValidationError("--topology must not be empty") }
            return
        }
        guard let node, let dir else {
            throw ValidationError("give --topology FILE (every missing key of a topology) or --node ID --dir D (one node)")
        }
        guard TopologyCheck.isValidNodeID(node) else {
            throw ValidationError("--node must be letters, digits, '.', '_' or '-' and not start with '.'")
        }
        guard !dir.isEmpty else { throw ValidationError("--dir must not be empty") }
    }

    func run() throws {
        if let topology { return try ensure(topologyPath: topology) }
        guard let node, let dir else { return }
        let keys = NodeKeys.generate()
        try KeyStore.write(keys, node: node, dir: dir, overwrite: force)
        print("# \(node): secret keys in \(KeyStore.secretPath(node: node, dir: dir))")
        print(keys.publicKeys.yaml, terminator: "")
    }

    /// Creates the topology's missing keys, then says what was made and what could not be.
    private func ensure(topologyPath: String) throws {
        let created: [NodeID]
        let loaded: Deployment
        do {
            created = try KeyStore.ensure(topologyPath: topologyPath)
            loaded = try TopologyFile.load(path: topologyPath)
        } catch let failure as TopologyErrors {
            for error in failure.errors { writeError("\(topologyPath): \(error)") }
            throw ExitCode(1)
        }
        let dir = TopologyFile.keysDirectory(of: loaded, baseDirectory: TopologyFile.directory(of: topologyPath))
        if !created.isEmpty {
            print("created the keys of \(created.count) node(s) in \(dir) (secret .key files mode 0600): \(created.joined(separator: ", "))")
        }
        let missing = KeyStore.missingSecrets(of: loaded, topologyPath: topologyPath)
        guard missing.isEmpty else {
            writeError("\(topologyPath): no secret key in \(dir) for \(missing.count) node(s) whose public keys are already known (never replaced): \(missing.joined(separator: ", "))")
            writeError("  " + KeyStore.missingSecretRemedy(nodes: missing, dir: dir, topologyPath: topologyPath))
            throw ExitCode(1)
        }
        if created.isEmpty { print("no key was missing: every node of \(topologyPath) has its keys in \(dir)") }
    }
}

private func writeError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
