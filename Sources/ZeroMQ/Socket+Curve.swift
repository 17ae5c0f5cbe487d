import CZeroMQ
import Foundation

extension Socket {
    /// `ZMQ_ZAP_ENFORCE_DOMAIN` (draft API in libzmq 4.3): fail handshakes when no ZAP handler answers.
    private static let zapEnforceDomain: Int32 = 93

    /// Makes this socket a CURVE server. Throws unless context.hasZAPHandler: a CURVE server without a ZAP handler admits anyone, so this wrapper never allows it. Sets ZMQ_ZAP_DOMAIN to `domain`.
    ///
    /// Call before bind. `secretKey` is the raw 32-byte server secret key.
    public func makeCurveServer(secretKey: [UInt8], domain: String) throws {
        guard context.hasZAPHandler else {
            throw ZMQError(
                code: EACCES,
                operation: "makeCurveServer: no ZAPHandler runs on this context (a CURVE server without one admits any client)"
            )
        }
        try Self.checkKey(secretKey, "secretKey")
        try setOption(ZMQ_ZAP_DOMAIN, bytes: Array(domain.utf8), name: "ZMQ_ZAP_DOMAIN")
        // Where libzmq was built with the draft API, refuse clients if the handler ever goes away.
        // Elsewhere the option is unknown (EINVAL) and ZAPHandler.stop documents the caveat.
        try? setOption(Self.zapEnforceDomain, Int32(1), name: "ZMQ_ZAP_ENFORCE_DOMAIN")
        try setOption(ZMQ_CURVE_SERVER, Int32(1), name: "ZMQ_CURVE_SERVER")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: secretKey, name: "ZMQ_CURVE_SECRETKEY")
    }

    /// Makes this socket a CURVE client of the server whose raw 32-byte public key is `serverPublicKey`.
    ///
    /// Call before connect. All three keys are raw 32-byte keys.
    public func makeCurveClient(serverPublicKey: [UInt8], publicKey: [UInt8], secretKey: [UInt8]) throws {
        try Self.checkKey(serverPublicKey, "serverPublicKey")
        try Self.checkKey(publicKey, "publicKey")
        try Self.checkKey(secretKey, "secretKey")
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: serverPublicKey, name: "ZMQ_CURVE_SERVERKEY")
        try setOption(ZMQ_CURVE_PUBLICKEY, bytes: publicKey, name: "ZMQ_CURVE_PUBLICKEY")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: secretKey, name: "ZMQ_CURVE_SECRETKEY")
    }

    /// Sets the server key a CURVE client expects from the next endpoint it connects to (libzmq
    /// takes the socket's options at each `connect`, so one SUB can hear servers with different keys).
    public func setCurveServerKey(_ serverPublicKey: [UInt8]) throws {
        try Self.checkKey(serverPublicKey, "serverPublicKey")
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: serverPublicKey, name: "ZMQ_CURVE_SERVERKEY")
    }

    private static func checkKey(_ key: [UInt8], _ name: String) throws {
        guard key.count == CurveKeyPair.keyLength else {
            throw ZMQError(code: EINVAL, operation: "CURVE \(name) must be \(CurveKeyPair.keyLength) raw bytes, got \(key.count)")
        }
    }
}
