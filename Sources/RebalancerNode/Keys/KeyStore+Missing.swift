import RebalancerCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension KeyStore {
    /// The one command that creates every missing key of a topology in its `keys_dir`:
    /// `rebalancer keygen --topology <file>` (the path shell-quoted when it needs to be; a
    /// placeholder when the file is not known).
    public static func keygenCommand(topologyPath: String?) -> String {
        "rebalancer keygen --topology " + (topologyPath.map(shellWord) ?? "<topology file>")
    }

    /// The nodes among `nodes` (every node of the topology when nil) whose secret key file
    /// `<keys_dir>/<node>.key` is not in the key directory of the topology loaded from `topologyPath`.
    public static func missingSecrets(of topology: Deployment, topologyPath: String, nodes: [NodeID]? = nil) -> [NodeID] {
        let dir = TopologyFile.keysDirectory(of: topology, baseDirectory: TopologyFile.directory(of: topologyPath))
        let wanted = nodes.map(Set.init)
        return topology.nodes.map(\.id).filter { id in
            (wanted?.contains(id) ?? true) && access(secretPath(node: id, dir: dir), F_OK) != 0
        }
    }

    /// What to do about `nodes` whose public keys the topology at `topologyPath` knows (inline or
    /// from `.pub` files) but whose secret key files are not in `dir`: new keys cannot be made to
    /// match known public keys, so either the `.key` files come back, or the public keys go (the
    /// `.pub` files deleted, the inline key lines removed) and `keygen --topology` makes new ones.
    public static func missingSecretRemedy(nodes: [NodeID], dir: String, topologyPath: String) -> String {
        let inline = inlineKeyNodes(topologyPath: topologyPath)
        let fromFiles = nodes.filter { !inline.contains($0) || access(publicPath(node: $0, dir: dir), F_OK) == 0 }
        let listed = nodes.filter(inline.contains)
        var steps: [String] = []
        if !fromFiles.isEmpty { steps.append("`rm " + fromFiles.map { shellWord(publicPath(node: $0, dir: dir)) }.joined(separator: " ") + "`") }
        if !listed.isEmpty { steps.append("remove the signing_key and curve_key lines of \(listed.joined(separator: ", ")) from \(topologyPath)") }
        return "copy each missing <node>.key (mode 0600) into \(dir) from where its keys were generated; or, for new keys, "
            + steps.joined(separator: " and ") + " and run `\(keygenCommand(topologyPath: topologyPath))`"
    }

    /// The nodes whose public keys the topology file lists itself (rather than in `.pub` files).
    private static func inlineKeyNodes(topologyPath: String) -> Set<NodeID> {
        guard let text = try? TopologyFile.read(path: topologyPath), let topology = TopologyFile.decode(yaml: text).topology else { return [] }
        return Set(topology.nodes.filter { !$0.signingKey.isEmpty || !$0.curveKey.isEmpty }.map(\.id))
    }

    /// A word for a POSIX shell: unchanged when it holds only safe characters, single-quoted otherwise.
    static func shellWord(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._/-+=:,@".unicodeScalars.contains(scalar))
        }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A node that was started without its secret key file in the topology's key directory.
public struct MissingSecretKey: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node.
    public var node: NodeID
    /// The secret key file that is not there.
    public var path: String
    /// The key directory.
    public var dir: String
    /// The topology file, as given.
    public var topologyPath: String

    /// Creates the error.
    public init(node: NodeID, path: String, dir: String, topologyPath: String) {
        self.node = node
        self.path = path
        self.dir = dir
        self.topologyPath = topologyPath
    }

    /// Which file is missing and how to get it.
    public var description: String {
        "node \(node) has no secret key: \(path) does not exist; " + KeyStore.missingSecretRemedy(nodes: [node], dir: dir, topologyPath: topologyPath)
    }
}
