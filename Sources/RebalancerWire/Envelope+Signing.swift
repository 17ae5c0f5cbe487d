import Foundation
import RebalancerCore
import SwiftProtobuf

/// Generated envelope type, named for use in the rest of the system.
public typealias Envelope = Rebalancer_V1_Envelope
/// Generated message kinds.
public typealias MessageType = Rebalancer_V1_MessageType

extension Envelope {
    /// Seals a payload: encodes it, signs the envelope digest of those exact bytes.
    public static func seal(_ message: some SwiftProtobuf.Message, type: MessageType, sender: NodeID, key: SigningKey) throws -> Envelope {
        let payload = try message.serializedBytes() as [UInt8]
        return sealing(payload: payload, type: type, sender: sender, key: key)
    }

    /// Seals payload bytes as they are.
    public static func sealing(payload: [UInt8], type: MessageType, sender: NodeID, key: SigningKey) -> Envelope {
        var envelope = Envelope()
        envelope.type = type
        envelope.sender = sender
        envelope.payload = Data(payload)
        envelope.signature = Data(key.sign(WireDigest.envelope(type: Int32(type.rawValue), sender: sender, payload: payload)))
        return envelope
    }

    /// The digest the envelope's signature covers.
    public var digest: [UInt8] { WireDigest.envelope(type: Int32(type.rawValue), sender: sender, payload: payload) }

    /// True when the signature verifies under `publicKey`.
    public func isSigned(by publicKey: [UInt8]) -> Bool {
        SignatureCheck.isValid(Array(signature), of: digest, publicKey: publicKey)
    }

    /// The envelope as bytes for a socket frame.
    public func bytes() -> [UInt8] { (try? serializedBytes()) ?? [] }
}
