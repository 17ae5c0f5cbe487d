import Crypto
import Foundation

/// A node's Ed25519 signing key.
///
/// `@unchecked Sendable`: the wrapped key is an immutable value that swift-crypto does not mark
/// Sendable; nothing mutates it after initialisation.
public struct SigningKey: @unchecked Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// A fresh random key.
    public init() { key = Curve25519.Signing.PrivateKey() }

    /// A key from its 32-byte seed.
    public init(seed: [UInt8]) throws { key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed) }

    /// The 32-byte seed: secret, written only to 0600 files.
    public var seed: [UInt8] { Array(key.rawRepresentation) }

    /// The 32-byte public key that verifies this key's signatures.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// Signs a digest.
    public func sign(_ digest: [UInt8]) -> [UInt8] {
        // Ed25519 signing fails only on an invalid key, which the initialisers rule out.
        (try? Array(key.signature(for: digest))) ?? []
    }
}

/// Verifies Ed25519 signatures.
public enum SignatureCheck {
    /// True when `signature` is a valid Ed25519 signature of `digest` under `publicKey`.
    public static func isValid(_ signature: [UInt8], of digest: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: digest)
    }
}
