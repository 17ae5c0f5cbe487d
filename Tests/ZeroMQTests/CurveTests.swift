import Foundation
import Testing
import ZeroMQ

@Suite("CURVE and ZAP")
struct CurveTests {
    @Test func listedKeyIsAdmittedAndUnlistedIsRefused() throws {
        let server = try CurveKeyPair.generate()
        let listed = try CurveKeyPair.generate()
        let unlisted = try CurveKeyPair.generate()
        let decisions = Locked<[ZAPHandler.Decision]>([])
        try withContext { context in
            let zap = try ZAPHandler(context: context, allowedKeys: [listed.publicKey]) { decision in
                decisions.withLock { $0.append(decision) }
            }
            #expect(context.hasZAPHandler)
            let pull = try Socket(context, .pull)
            try pull.makeCurveServer(secretKey: server.secretKey, domain: "test-domain")
            let monitor = try pull.monitor(events: [.handshakeFailedAuth, .handshakeSucceeded])
            let endpoint = try bindEphemeral(pull)

            let good = try Socket(context, .push)
            try good.makeCurveClient(serverPublicKey: server.publicKey, publicKey: listed.publicKey, secretKey: listed.secretKey)
            try good.connect(endpoint)
            try good.send([b("from listed")])
            #expect(try receive(pull) == [b("from listed")])
            good.close()

            let bad = try Socket(context, .push)
            try bad.makeCurveClient(serverPublicKey: server.publicKey, publicKey: unlisted.publicKey, secretKey: unlisted.secretKey)
            try bad.connect(endpoint)
            try bad.send([b("from unlisted")])
            let refusal = try waitForEvent(.handshakeFailedAuth, on: monitor)
            #expect(refusal?.name == "HANDSHAKE_FAILED_AUTH")
            #expect(refusal?.value == 400)
            #expect(try receive(pull, within: 0.5) == nil)

            let seen = decisions.withLock { $0 }
            let admitted = seen.first { $0.publicKey == listed.publicKey }
            #expect(admitted?.allowed == true)
            #expect(admitted?.mechanism == "CURVE")
            #expect(admitted?.domain == "test-domain")
            #expect(admitted?.address == "127.0.0.1")
            let refused = seen.first { $0.publicKey == unlisted.publicKey }
            #expect(refused?.allowed == false)
            #expect(seen.allSatisfy { $0.allowed == ($0.publicKey == listed.publicKey) })
            bad.close()
            _ = zap
        }
    }

    @Test func curveServerRefusesClientsAfterZAPHandlerStops() throws {
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        try withContext { context in
            let zap = try ZAPHandler(context: context, allowedKeys: [client.publicKey])
            let pull = try Socket(context, .pull)
            try pull.makeCurveServer(secretKey: server.secretKey, domain: "d")
            let endpoint = try bindEphemeral(pull)
            zap.stop()
            let push = try Socket(context, .push)
            try push.makeCurveClient(serverPublicKey: server.publicKey, publicKey: client.publicKey, secretKey: client.secretKey)
            try push.connect(endpoint)
            try push.send([b("no handler")])
            // ZMQ_ZAP_ENFORCE_DOMAIN (set where libzmq has it): no handler means no admission.
            #expect(try receive(pull, within: 1) == nil)
        }
    }

    @Test func curveServerRequiresZAPHandler() throws {
        try withContext { context in
            let socket = try Socket(context, .router)
            let keys = try CurveKeyPair.generate()
            #expect(!context.hasZAPHandler)
            #expect(throws: ZMQError.self) { try socket.makeCurveServer(secretKey: keys.secretKey, domain: "d") }
        }
    }

    @Test func oneZAPHandlerPerContextAndStopDetaches() throws {
        try withContext { context in
            let first = try ZAPHandler(context: context, allowedKeys: [])
            #expect(throws: ZMQError.self) { _ = try ZAPHandler(context: context, allowedKeys: []) }
            first.stop()
            first.stop()
            #expect(!context.hasZAPHandler)
            let second = try ZAPHandler(context: context, allowedKeys: [])
            #expect(context.hasZAPHandler)
            _ = second  // terminate() stops it
        }
    }

    @Test func publicKeyDerivesFromSecret() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.count == 32 && pair.secretKey.count == 32)
        #expect(try CurveKeyPair(secretKey: pair.secretKey).publicKey == pair.publicKey)
        #expect(!pair.description.contains(Z85.encode(pair.secretKey)))
    }
}
