import RebalancerCore

/// Whose state a data directory holds: the deployment (topology id), the node, and the node's
/// public signing key, as recorded in `<dir>/node.json`.
public struct DataDirectoryIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The topology id.
    public var topologyID: String
    /// The node id.
    public var node: NodeID
    /// The node's Ed25519 public key, lowercase hex.
    public var signingKey: String

    /// An identity from its parts; `signingKey` is the raw 32-byte public key.
    public init(topologyID: String, node: NodeID, signingKey: [UInt8]) {
        self.topologyID = topologyID
        self.node = node
        self.signingKey = KeyText.hex(signingKey)
    }

    /// `topology 'T', node 'N', signing key abcd1234…`.
    public var description: String {
        "topology '\(topologyID)', node '\(node)', signing key \(signingKey.prefix(16))…"
    }

    private enum CodingKeys: String, CodingKey {
        case topologyID = "topology_id"
        case node
        case signingKey = "signing_key"
    }
}
