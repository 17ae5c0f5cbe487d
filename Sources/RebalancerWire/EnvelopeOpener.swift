import Foundation
import RebalancerCore
import SwiftProtobuf

/// Why an inbound message was dropped. Each reason is a metrics counter and a log field.
public enum DropReason: String, Error, Sendable, CaseIterable {
    /// The bytes are not an envelope.
    case malformedEnvelope = "malformed_envelope"
    /// The sender is not a node of the topology, or not one allowed to send this type here.
    case unknownSender = "unknown_sender"
    /// The signature does not verify under the sender's key.
    case badSignature = "bad_signature"
    /// The envelope's type is not one this socket accepts.
    case unexpectedType = "unexpected_type"
    /// The payload does not decode as its declared type.
    case malformedPayload = "malformed_payload"
    /// The frames are not shaped as the socket expects.
    case badFraming = "bad_framing"
    /// The message is well formed and signed but refers to another topology or is out of date.
    case stale = "stale"
    /// Validly signed by one node but received over a connection authenticated as another.
    case transportMismatch = "transport_mismatch"
}

/// An envelope whose signature has been checked against the topology's key for its sender.
public struct OpenedEnvelope: Sendable {
    /// The envelope as received.
    public let envelope: Envelope
    /// The digest its signature covers.
    public let digest: [UInt8]

    /// The sender node.
    public var sender: NodeID { envelope.sender }
    /// The payload kind.
    public var type: MessageType { envelope.type }

    /// Decodes the payload as `M`, or nil if it does not decode.
    public func decode<M: SwiftProtobuf.Message>(_: M.Type) -> M? {
        try? M(serializedBytes: envelope.payload)
    }
}

/// Opens inbound envelopes: decodes, checks the sender is allowed and the signature is valid.
///
/// Signatures are checked over the payload bytes as received, never over a re-encoding.
public struct EnvelopeOpener: Sendable {
    /// Signing public keys of the senders this socket accepts, by node id.
    public let senders: [NodeID: [UInt8]]
    /// Message kinds this socket accepts.
    public let types: Set<MessageType>

    /// Creates an opener for the given senders and kinds.
    public init(senders: [NodeID: [UInt8]], types: Set<MessageType>) {
        self.senders = senders
        self.types = types
    }

    /// Opens one envelope frame.
    public func open(_ bytes: [UInt8]) -> Result<OpenedEnvelope, DropReason> {
        guard let envelope = try? Envelope(serializedBytes: bytes) else { return .failure(.malformedEnvelope) }
        guard types.contains(envelope.type) else { return .failure(.unexpectedType) }
        guard let key = senders[envelope.sender] else { return .failure(.unknownSender) }
        let digest = envelope.digest
        guard SignatureCheck.isValid(Array(envelope.signature), of: digest, publicKey: key) else {
            return .failure(.badSignature)
        }
        return .success(OpenedEnvelope(envelope: envelope, digest: digest))
    }
}
