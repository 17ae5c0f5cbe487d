import ArgumentParser
import RebalancerCore
import RebalancerNode

/// `rebalancer keygen --node ID --dir D`: writes one node's key files and prints its public keys.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a node's Ed25519 signing key and CURVE key pair.",
        discussion: """
            Writes <dir>/<node>.key (secret and public keys, mode 0600) and <dir>/<node>.pub (public \
            keys, mode 0644), then prints the public keys as the two YAML lines of the node's topology entry.
            """
    )

    /// The node whose keys to generate.
    @Option(help: "The node id, as named in the topology.")
    var node: String

    /// Where the key files go.
    @Option(help: "The directory for the key files (created with mode 0700 if missing).")
    var dir: String

    /// Replace existing key files.
    @Flag(help: "Replace existing key files of the node.")
    var force = false

    func validate() throws {
        guard TopologyCheck.isValidNodeID(node) else {
            throw ValidationError("--node must be letters, digits, '.', '_' or '-' and not start with '.'")
        }
        guard !dir.isEmpty else { throw ValidationError("--dir must not be empty") }
    }

    func run() throws {
        let keys = NodeKeys.generate()
        try KeyStore.write(keys, node: node, dir: dir, overwrite: force)
        print("# \(node): secret keys in \(KeyStore.secretPath(node: node, dir: dir))")
        print(keys.publicKeys.yaml, terminator: "")
    }
}
