import Foundation
import RebalancerCore
import RebalancerWire
import Testing

/// Sealing and verifying: any change to a signed field breaks the signature.
@Suite("Envelope signing")
struct EnvelopeSigningTests {
    let key = TestKeys.key("watcher-a")

    @Test("a sealed envelope verifies under its sender's key and no other")
    func sealVerifies() {
        let envelope = Fixtures.sealedState()
        #expect(envelope.isSigned(by: key.publicKey))
        #expect(!envelope.isSigned(by: TestKeys.key("watcher-b").publicKey))
    }

    @Test("the signature covers the payload bytes exactly as sent")
    func coversBytes() throws {
        let envelope = Fixtures.sealedState()
        #expect(envelope.digest == WireDigest.envelope(type: Int32(MessageType.venueState.rawValue), sender: "watcher-a", payload: envelope.payload))
        let decoded = try Envelope(serializedBytes: envelope.bytes())
        #expect(decoded.isSigned(by: key.publicKey))
    }

    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case flipPayloadBit, appendPayloadByte, truncatePayload, emptyPayload
        case otherSender, senderCase, otherType, unrecognizedType
        case flipSignatureBit, shortSignature, emptySignature
        var testDescription: String { rawValue }
    }

    @Test("tampering breaks verification", arguments: Tamper.allCases)
    func tampered(_ tamper: Tamper) {
        var envelope = Fixtures.sealedState()
        switch tamper {
        case .flipPayloadBit: envelope.payload[envelope.payload.startIndex + 3] ^= 0x01
        case .appendPayloadByte: envelope.payload.append(0)
        case .truncatePayload: envelope.payload = envelope.payload.dropLast()
        case .emptyPayload: envelope.payload = Data()
        case .otherSender: envelope.sender = "watcher-b"
        case .senderCase: envelope.sender = "Watcher-a"
        case .otherType: envelope.type = .heartbeat
        case .unrecognizedType: envelope.type = .UNRECOGNIZED(99)
        case .flipSignatureBit: envelope.signature[envelope.signature.startIndex + 10] ^= 0x80
        case .shortSignature: envelope.signature = envelope.signature.dropLast()
        case .emptySignature: envelope.signature = Data()
        }
        #expect(!envelope.isSigned(by: key.publicKey))
    }

    @Test("the envelope digest separates fields and domains")
    func digestSeparation() {
        let base = WireDigest.envelope(type: 1, sender: "ab", payload: [0x63])
        #expect(base != WireDigest.envelope(type: 1, sender: "a", payload: Array("bc".utf8)))
        #expect(base != WireDigest.envelope(type: 2, sender: "ab", payload: [0x63]))
        #expect(base != WireDigest.envelope(type: -1, sender: "ab", payload: [0x63]))
        #expect(base.count == 32)
        // An envelope digest never equals a plan digest with the same tail bytes (different tags).
        #expect(WireDigest.envelopeTag != WireDigest.planTag)
    }

    @Test("a signature over a plan digest is not a valid envelope signature")
    func crossDomain() {
        let plan = Fixtures.plan()
        let signature = key.sign(WireDigest.plan(plan))
        let payload: [UInt8] = (try? plan.wire.serializedBytes()) ?? []
        #expect(!SignatureCheck.isValid(signature, of: WireDigest.envelope(type: 2, sender: "watcher-a", payload: payload), publicKey: key.publicKey))
    }

    @Test("malformed public keys never verify")
    func badKeys() {
        let digest = WireDigest.envelope(type: 1, sender: "x", payload: [])
        let signature = key.sign(digest)
        #expect(SignatureCheck.isValid(signature, of: digest, publicKey: key.publicKey))
        #expect(!SignatureCheck.isValid(signature, of: digest, publicKey: []))
        #expect(!SignatureCheck.isValid(signature, of: digest, publicKey: Array(key.publicKey.dropLast())))
        #expect(!SignatureCheck.isValid(signature + [0], of: digest, publicKey: key.publicKey))
    }
}
