import Crypto
import ZeroMQ

/// A node's secret keys: an Ed25519 key that signs its messages and a CURVE (X25519) key pair
/// that authenticates its sockets. Held as raw bytes so the value is `Sendable`.
public struct NodeKeys: Sendable {
    /// The 32-byte Ed25519 private key (seed).
    public let signingSecret: [UInt8]
    /// The 32-byte Ed25519 public key.
    public let signingPublic: [UInt8]
    /// The 32-byte X25519 secret key, as CurveZMQ takes it.
    public let curveSecret: [UInt8]
    /// The 32-byte X25519 public key, as CurveZMQ takes it.
    public let curvePublic: [UInt8]

    /// Rebuilds keys from their two secrets, deriving the public keys; throws if either is not 32 bytes.
    public init(signingSecret: [UInt8], curveSecret: [UInt8]) throws {
        guard signingSecret.count == 32, curveSecret.count == 32 else { throw CryptoKitError.incorrectKeySize }
        let signing = try Curve25519.Signing.PrivateKey(rawRepresentation: signingSecret)
        let curve = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: curveSecret)
        self.signingSecret = signingSecret
        self.signingPublic = Array(signing.publicKey.rawRepresentation)
        self.curveSecret = curveSecret
        self.curvePublic = Array(curve.publicKey.rawRepresentation)
    }

    /// Fresh random keys.
    public static func generate() -> NodeKeys {
        let signing = Curve25519.Signing.PrivateKey()
        let curve = Curve25519.KeyAgreement.PrivateKey()
        // Both raw representations are 32 bytes, so this cannot fail.
        return try! NodeKeys(signingSecret: Array(signing.rawRepresentation), curveSecret: Array(curve.rawRepresentation))
    }

    /// The Ed25519 signing key.
    public var signingKey: Curve25519.Signing.PrivateKey {
        // Validated in `init`.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: signingSecret)
    }

    /// The CURVE key pair for `Socket` security options.
    public var curveKeyPair: CurveKeyPair { CurveKeyPair(publicKey: curvePublic, secretKey: curveSecret) }

    /// The public halves, as the topology lists them.
    public var publicKeys: NodePublicKeys { NodePublicKeys(signingKey: signingPublic, curveKey: curvePublic) }
}
