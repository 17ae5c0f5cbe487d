import RebalancerCore
import Yams
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Key files of a deployment: `<dir>/<node>.key` holds a node's secret and public keys (mode 0600,
/// created so from the start) and `<dir>/<node>.pub` only its public keys (mode 0644).
public enum KeyStore {
    /// `<dir>/<node>.key`.
    public static func secretPath(node: NodeID, dir: String) -> String { "\(dir)/\(node).key" }

    /// `<dir>/<node>.pub`.
    public static func publicPath(node: NodeID, dir: String) -> String { "\(dir)/\(node).pub" }

    /// Writes both key files of `node`, creating `dir` (mode 0700) if needed. Without `overwrite`,
    /// throws `KeyStoreError.exists` if either file is already there and writes nothing.
    public static func write(_ keys: NodeKeys, node: NodeID, dir: String, overwrite: Bool = false) throws {
        let secretPath = secretPath(node: node, dir: dir), publicPath = publicPath(node: node, dir: dir)
        try makeDirectory(dir)
        if !overwrite {
            for path in [secretPath, publicPath] where access(path, F_OK) == 0 { throw KeyStoreError.exists(path: path) }
        }
        let secret = """
            # Secret keys of node \(node). Keep private: mode 0600, never commit, never copy to another node.
            node: \(TopologyFile.text(node))
            signing_key: "\(KeyText.hex(keys.signingPublic))"
            signing_secret: "\(KeyText.hex(keys.signingSecret))"
            curve_key: "\(KeyText.z85(keys.curvePublic))"
            curve_secret: "\(KeyText.z85(keys.curveSecret))"

            """
        try writeFile(secret, to: secretPath, mode: 0o600, overwrite: overwrite)
        try writePublic(keys.publicKeys, node: node, dir: dir, overwrite: overwrite)
    }

    /// Writes only `<dir>/<node>.pub`.
    static func writePublic(_ keys: NodePublicKeys, node: NodeID, dir: String, overwrite: Bool) throws {
        let text = "# Public keys of node \(node).\nnode: \(TopologyFile.text(node))\n" + keys.yaml
        try writeFile(text, to: publicPath(node: node, dir: dir), mode: 0o644, overwrite: overwrite)
    }

    /// Reads `<dir>/<node>.key`, refusing a file that group or others may access, and checks that
    /// its public keys match its secrets.
    public static func load(node: NodeID, dir: String) throws -> NodeKeys {
        let path = secretPath(node: node, dir: dir)
        let known = ["node", "signing_key", "signing_secret", "curve_key", "curve_secret"]
        let (f, reader) = try fields(path: path, text: readFile(path, secret: true), node: node, known: known)
        let signingSecret = f.required("signing_secret", YAMLFieldReader.signingKey)
        let curveSecret = f.required("curve_secret", YAMLFieldReader.curveKey)
        let signingPublic = f.optional("signing_key", YAMLFieldReader.signingKey)
        let curvePublic = f.optional("curve_key", YAMLFieldReader.curveKey)
        guard reader.errors.isEmpty, let signingSecret, let curveSecret else { throw malformed(path, reader) }
        let keys = try NodeKeys(signingSecret: signingSecret, curveSecret: curveSecret)
        if let signingPublic, signingPublic != keys.signingPublic {
            throw KeyStoreError.malformed(path: path, reason: "signing_key does not match signing_secret")
        }
        if let curvePublic, curvePublic != keys.curvePublic {
            throw KeyStoreError.malformed(path: path, reason: "curve_key does not match curve_secret")
        }
        return keys
    }

    /// Reads `<dir>/<node>.pub`; nil when there is none.
    public static func loadPublic(node: NodeID, dir: String) throws -> NodePublicKeys? {
        let path = publicPath(node: node, dir: dir)
        let text: String
        do {
            text = try readFile(path, secret: false)
        } catch KeyStoreError.missing {
            return nil
        }
        let (f, reader) = try fields(path: path, text: text, node: node, known: ["node", "signing_key", "curve_key"])
        let signingKey = f.required("signing_key", YAMLFieldReader.signingKey)
        let curveKey = f.required("curve_key", YAMLFieldReader.curveKey)
        guard reader.errors.isEmpty, let signingKey, let curveKey else { throw malformed(path, reader) }
        return NodePublicKeys(signingKey: signingKey, curveKey: curveKey)
    }

    /// The fields of a key file, whose `node` (when given) must be `node`.
    private static func fields(path: String, text: String, node: NodeID, known: [String]) throws -> (YAMLFields, YAMLFieldReader) {
        let reader = YAMLFieldReader()
        guard let root = try? Yams.compose(yaml: text), let f = reader.fields(root, at: "", known: known) else {
            throw KeyStoreError.malformed(path: path, reason: reader.errors.first?.description ?? "not a YAML mapping")
        }
        if let named = f.optional("node", YAMLFieldReader.string), named != node {
            throw KeyStoreError.malformed(path: path, reason: "holds the keys of node \"\(named)\", not \"\(node)\"")
        }
        return (f, reader)
    }

    private static func malformed(_ path: String, _ reader: YAMLFieldReader) -> KeyStoreError {
        .malformed(path: path, reason: reader.errors.map(\.description).joined(separator: "; "))
    }
}
