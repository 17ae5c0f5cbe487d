import Foundation
import Testing
import ZeroMQ

@Suite("SocketLoop")
struct SocketLoopTests {
    @Test func roundTripFromAsyncCodeAndStopFinishesStream() async throws {
        let context = try Context()
        let loop = SocketLoop(context: context, name: "round-trip")
        let router = try Socket(context, .router)
        try router.setRouterMandatory(true)
        let endpoint = try bindEphemeral(router)
        let handle = loop.register(router, receive: true)
        let stream = loop.start()

        let dealer = try Socket(context, .dealer)
        try dealer.setRoutingID(b("peer"))
        try dealer.connect(endpoint)
        try dealer.send([b("hello")])

        let inbound = try await withTimeout(5) {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        #expect(inbound?.handle == handle)
        #expect(inbound?.frames == [b("peer"), b("hello")])

        loop.send([b("peer"), b("world")], on: handle)
        #expect(try receive(dealer) == [b("world")])

        // Unknown peer with ROUTER_MANDATORY: counted and dropped, the loop carries on.
        loop.send([b("ghost"), b("boo")], on: handle)
        #expect(waitUntil { loop.failedSends == 1 })
        loop.send([b("peer"), b("still here")], on: handle)
        #expect(try receive(dealer) == [b("still here")])

        loop.stop(linger: 0)
        loop.stop(linger: 0)
        let end = try await withTimeout(5) {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        #expect(end == nil)
        #expect(!router.isOpen)
        dealer.close()
        context.terminate()
    }

    @Test func fullBufferKeepsNewestAndCountsDrops() async throws {
        let sockets = try PushIntoLoop(name: "drops", inboundCapacity: 2)
        let (context, loop, push, stream) = (sockets.context, sockets.loop, sockets.push, sockets.stream)
        for index in 0..<10 { try push.send([b("\(index)")], dontWait: false) }
        #expect(waitUntil { loop.droppedInbound == 8 })
        loop.stop(linger: 0)
        let kept = try await withTimeout(5) {
            var frames: [[[UInt8]]] = []
            for await inbound in stream { frames.append(inbound.frames) }
            return frames
        }
        #expect(kept == [[b("8")], [b("9")]])
        push.close()
        context.terminate()
    }

    @Test func sendFromManyTasksAllArrive() async throws {
        let context = try Context()
        let loop = SocketLoop(context: context, name: "fan-in")
        let push = try Socket(context, .push)
        let pull = try Socket(context, .pull)
        let endpoint = try bindEphemeral(pull)
        try push.connect(endpoint)
        let handle = loop.register(push, receive: false)
        _ = loop.start()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for index in 0..<25 { loop.send([b("\(task)-\(index)")], on: handle) }
                }
            }
        }
        var received = Set<[[UInt8]]>()
        while received.count < 100, let frames = try receive(pull) { received.insert(frames) }
        #expect(received.count == 100)
        #expect(loop.failedSends == 0)
        loop.stop()
        pull.close()
        context.terminate()
    }
}
