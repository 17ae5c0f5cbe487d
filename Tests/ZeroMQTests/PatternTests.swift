import Foundation
import Testing
import ZeroMQ

@Suite("Socket patterns")
struct PatternTests {
    @Test func pubSubDeliversOnlySubscribedTopic() throws {
        try withContext { context in
            let pub = try Socket(context, .pub)
            let sub = try Socket(context, .sub)
            let endpoint = try bindEphemeral(pub)
            try sub.subscribe("news")
            try sub.connect(endpoint)
            // Subscriptions travel asynchronously: publish until the first one lands.
            var received: [[[UInt8]]] = []
            let deadline = Date().addingTimeInterval(5)
            while received.isEmpty && Date() < deadline {
                try pub.send([b("weather"), b("rain")])
                try pub.send([b("news"), b("hello")])
                if let frames = try receive(sub, within: 0.05) { received.append(frames) }
            }
            while let frames = try receive(sub, within: 0.1) { received.append(frames) }
            #expect(!received.isEmpty)
            #expect(received.allSatisfy { $0 == [b("news"), b("hello")] })
        }
    }

    @Test func routerAndDealerBothDirections() throws {
        try withContext { context in
            let router = try Socket(context, .router)
            try router.setRouterMandatory(true)
            let endpoint = try bindEphemeral(router)
            let dealer = try Socket(context, .dealer)
            try dealer.setRoutingID(b("dealer-1"))
            try dealer.connect(endpoint)

            try dealer.send([b("ping")])
            #expect(try receive(router) == [b("dealer-1"), b("ping")])

            #expect(try router.send([b("dealer-1"), b("pong")]))
            #expect(try receive(dealer) == [b("pong")])
        }
    }

    @Test func routerMandatoryRejectsUnknownPeer() throws {
        try withContext { context in
            let router = try Socket(context, .router)
            try router.setRouterMandatory(true)
            _ = try bindEphemeral(router)
            let error = #expect(throws: ZMQError.self) { try router.send([b("nobody"), b("x")]) }
            #expect(error?.hostUnreachable == true)
        }
    }

    @Test func pairOverInproc() throws {
        try withContext { context in
            let endpoint = "inproc://pair-\(UUID().uuidString)"
            let a = try Socket(context, .pair)
            try a.bind(endpoint)
            let b2 = try Socket(context, .pair)
            try b2.connect(endpoint)
            try a.send([b("to b")])
            #expect(try receive(b2) == [b("to b")])
            try b2.send([b("to a")])
            #expect(try receive(a) == [b("to a")])
        }
    }

    @Test func pushPullMultipartWithEmptyFrame() throws {
        try withContext { context in
            let pull = try Socket(context, .pull)
            let endpoint = try bindEphemeral(pull)
            let push = try Socket(context, .push)
            try push.connect(endpoint)
            let frames: [[UInt8]] = [[1], [], [2, 3], [4, 5, 6]]
            try push.send(frames)
            #expect(try receive(pull) == frames)
        }
    }

    @Test func fourMebibyteMessageArrivesIntact() throws {
        try withContext { context in
            let receiver = try Socket(context, .pair)
            let endpoint = try bindEphemeral(receiver)
            let sender = try Socket(context, .pair)
            try sender.connect(endpoint)
            // Every byte value, in an order a dropped or repeated chunk would break (a 64-bit LCG,
            // its high byte; drawing 4 MiB from the system generator cost 1.5 s of CPU).
            var x: UInt64 = 0x9E37_79B9_7F4A_7C15
            let payload = (0..<(4 * 1024 * 1024)).map { _ -> UInt8 in
                x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: x >> 56)
            }
            try sender.send([b("head"), payload])
            let frames = try receive(receiver)
            #expect(frames?.count == 2)
            #expect(frames?.last?.count == payload.count)
            #expect(frames?.last == payload)
        }
    }

    @Test func nothingReadyGivesNil() throws {
        try withContext { context in
            let pull = try Socket(context, .pull)
            _ = try bindEphemeral(pull)
            #expect(try pull.receive(dontWait: true) == nil)
            pull.close()
            #expect(throws: ZMQError.self) { try pull.receive() }
        }
    }

    @Test func maxMessageSizeDropsOversizedPeer() throws {
        try withContext { context in
            let pull = try Socket(context, .pull)
            try pull.setMaxMessageSize(1024)
            let monitor = try pull.monitor(events: .disconnected)
            let endpoint = try bindEphemeral(pull)

            let big = try Socket(context, .push)
            try big.connect(endpoint)
            try big.send([[UInt8](repeating: 7, count: 4096)])
            // libzmq drops the connection that carried the oversized message.
            #expect(try waitForEvent(.disconnected, on: monitor) != nil)
            #expect(try receive(pull, within: 0.3) == nil)
            big.close()

            let small = try Socket(context, .push)
            try small.connect(endpoint)
            try small.send([[UInt8](repeating: 1, count: 512)])
            #expect(try receive(pull) == [[UInt8](repeating: 1, count: 512)])
        }
    }
}
