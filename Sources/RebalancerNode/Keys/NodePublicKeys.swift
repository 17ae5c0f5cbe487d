/// A node's public keys, as a topology lists them.
public struct NodePublicKeys: Sendable, Equatable {
    /// The 32-byte Ed25519 public key.
    public var signingKey: [UInt8]
    /// The 32-byte CURVE public key.
    public var curveKey: [UInt8]

    /// Creates a pair of public keys.
    public init(signingKey: [UInt8], curveKey: [UInt8]) {
        self.signingKey = signingKey
        self.curveKey = curveKey
    }

    /// The two YAML lines a topology's node entry takes (`signing_key: "<hex>"`, `curve_key: "<z85>"`).
    public var yaml: String {
        "signing_key: \"\(KeyText.hex(signingKey))\"\ncurve_key: \"\(KeyText.z85(curveKey))\"\n"
    }
}
