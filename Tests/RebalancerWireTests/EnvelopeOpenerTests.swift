import Foundation
import RebalancerCore
import RebalancerWire
import Testing

/// EnvelopeOpener accepts only well-formed envelopes of an allowed type from a known sender with
/// a valid signature, and names the reason for everything else.
@Suite("EnvelopeOpener")
struct EnvelopeOpenerTests {
    let opener = EnvelopeOpener(
        senders: ["watcher-a": TestKeys.key("watcher-a").publicKey, "watcher-b": TestKeys.key("watcher-b").publicKey],
        types: [.venueState]
    )

    private func reason(_ bytes: [UInt8]) -> DropReason? {
        if case let .failure(reason) = opener.open(bytes) { return reason }
        return nil
    }

    @Test("a valid envelope opens, with its digest and a decodable payload")
    func opensValid() throws {
        let envelope = Fixtures.sealedState()
        let opened = try opener.open(envelope.bytes()).get()
        #expect(opened.sender == "watcher-a")
        #expect(opened.type == .venueState)
        #expect(opened.digest == envelope.digest)
        let state = try #require(opened.decode(WireVenueState.self))
        #expect(VenueState(wire: state) == Fixtures.venueState())
    }

    @Test("garbage bytes are a malformed envelope", arguments: [
        [0xFF, 0xFF, 0xFF, 0xFF],            // field 31, wire type 7: no such wire type
        [0x0F],                              // wire type 7
        [0x08],                              // a varint key with no value
        [0x08, 0x80, 0x80],                  // unterminated varint
        [0x12, 0x05, 0x61],                  // sender declares 5 bytes, 1 present
        [0x12, 0x02, 0xC3, 0x28],            // sender is not valid UTF-8
        Array(repeating: 0xFF, count: 64),
    ] as [[UInt8]])
    func garbage(_ bytes: [UInt8]) {
        #expect(reason(bytes) == .malformedEnvelope)
    }

    @Test("a truncated envelope is malformed")
    func truncated() {
        let bytes = Fixtures.sealedState().bytes()
        // Cut inside the signature, the last length-delimited field.
        #expect(reason(Array(bytes.dropLast())) == .malformedEnvelope)
        #expect(reason(Array(bytes.dropLast(40))) == .malformedEnvelope)
    }

    @Test("an empty frame decodes as an empty envelope, whose unspecified type is refused")
    func emptyFrame() {
        #expect(reason([]) == .unexpectedType)
    }

    @Test("an unknown sender is dropped")
    func unknownSender() {
        #expect(reason(Fixtures.sealedState(sender: "watcher-z").bytes()) == .unknownSender)
    }

    @Test("a type the socket does not accept is dropped", arguments: [MessageType.heartbeat, .vote, .unspecified, .UNRECOGNIZED(77)])
    func wrongType(_ type: MessageType) {
        #expect(reason(Fixtures.sealedState(type: type).bytes()) == .unexpectedType)
    }

    @Test("a signature by another node's key is a bad signature")
    func signedByOther() {
        var envelope = Fixtures.sealedState(sender: "watcher-b")
        envelope.sender = "watcher-a"
        #expect(reason(envelope.bytes()) == .badSignature)
    }

    @Test("a tampered payload, a flipped signature bit, a short or missing signature are bad signatures")
    func badSignatures() {
        var payload = Fixtures.sealedState()
        payload.payload[payload.payload.startIndex] ^= 0x01
        #expect(reason(payload.bytes()) == .badSignature)
        var flipped = Fixtures.sealedState()
        flipped.signature[flipped.signature.startIndex] ^= 0x01
        #expect(reason(flipped.bytes()) == .badSignature)
        var short = Fixtures.sealedState()
        short.signature = short.signature.prefix(63)
        #expect(reason(short.bytes()) == .badSignature)
        var missing = Fixtures.sealedState()
        missing.signature = Data()
        #expect(reason(missing.bytes()) == .badSignature)
    }

    @Test("a signed payload that does not decode as its type opens, and decode returns nil (the caller drops it as malformed_payload)")
    func undecodablePayload() throws {
        let key = TestKeys.key("watcher-a")
        for payload in [[0xFF], [0x0A, 0x09, 0x61], [0x0A, 0x01, 0xFF]] as [[UInt8]] {
            let envelope = Envelope.sealing(payload: payload, type: .venueState, sender: "watcher-a", key: key)
            let opened = try opener.open(envelope.bytes()).get()
            #expect(opened.decode(WireVenueState.self) == nil)
        }
        #expect(DropReason.malformedPayload.rawValue == "malformed_payload")
    }

    @Test("the opener checks the bytes as received: unknown fields are kept and covered")
    func unknownFieldsInPayload() throws {
        var wire = Fixtures.venueState().wire
        wire.topologyID = "demo"
        // A future field 99 (varint 1) appended to an otherwise valid VenueState.
        let payload: [UInt8] = try wire.serializedBytes() + [0x98, 0x06, 0x01]
        let envelope = Envelope.sealing(payload: payload, type: .venueState, sender: "watcher-a", key: TestKeys.key("watcher-a"))
        let opened = try opener.open(envelope.bytes()).get()
        #expect(opened.decode(WireVenueState.self)?.venue == "venue-a")
        #expect(opened.digest == WireDigest.envelope(type: 1, sender: "watcher-a", payload: payload))
    }

    @Test("drop reasons have stable metric names")
    func reasonNames() {
        #expect(DropReason.allCases.map(\.rawValue) == [
            "malformed_envelope", "unknown_sender", "bad_signature", "unexpected_type", "malformed_payload", "bad_framing", "stale",
            "transport_mismatch",
        ])
    }
}
