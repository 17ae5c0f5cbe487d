import CZeroMQ
import Foundation

/// A CURVE (Curve25519) key pair, both keys raw 32 bytes.
public struct CurveKeyPair: Sendable, Hashable, CustomStringConvertible {
    /// Length in bytes of a raw CURVE key.
    public static let keyLength = 32

    /// The raw 32-byte public key.
    public let publicKey: [UInt8]
    /// The raw 32-byte secret key.
    public let secretKey: [UInt8]

    /// Pairs two raw keys (not checked against each other; see `init(secretKey:)`).
    public init(publicKey: [UInt8], secretKey: [UInt8]) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Derives the public key from a raw 32-byte secret key (zmq_curve_public).
    public init(secretKey: [UInt8]) throws {
        guard secretKey.count == Self.keyLength else {
            throw ZMQError(code: EINVAL, operation: "CURVE secret key must be \(Self.keyLength) bytes")
        }
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = Array(Z85.encode(secretKey).utf8CString)
        guard zmq_curve_public(&publicText, &secretText) == 0 else { throw ZMQError.last("zmq_curve_public") }
        guard let publicKey = Z85.decode(String(cBuffer: publicText)) else {
            throw ZMQError(code: EINVAL, operation: "zmq_curve_public returned bad Z85")
        }
        self.init(publicKey: publicKey, secretKey: secretKey)
    }

    /// Shows the public key only (Z85), so logging a key pair never leaks the secret.
    public var description: String {
        "CurveKeyPair(public: \(publicKey.count % 4 == 0 ? Z85.encode(publicKey) : "<\(publicKey.count) bytes>"))"
    }

    /// A fresh key pair from libsodium (zmq_curve_keypair).
    public static func generate() throws -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        guard let publicKey = Z85.decode(String(cBuffer: publicText)),
              let secretKey = Z85.decode(String(cBuffer: secretText))
        else { throw ZMQError(code: EINVAL, operation: "zmq_curve_keypair returned bad Z85") }
        return CurveKeyPair(publicKey: publicKey, secretKey: secretKey)
    }
}
