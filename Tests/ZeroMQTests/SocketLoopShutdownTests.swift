import Foundation
import Testing
import ZeroMQ

/// `SocketLoop.shutdown`: the awaited stop. The loop thread closes the sockets and terminates
/// the context; the caller's task only awaits.
@Suite("SocketLoop shutdown")
struct SocketLoopShutdownTests {
    @Test func shutdownSendsWhatIsQueuedFinishesTheStreamAndTerminatesTheContext() async throws {
        let context = try Context()
        let loop = SocketLoop(context: context, name: "shutdown")
        let push = try Socket(context, .push)
        let peerContext = try Context()
        let pull = try Socket(peerContext, .pull)
        let endpoint = try bindEphemeral(pull)
        try push.connect(endpoint)
        let handle = loop.register(push, receive: false)
        let stream = loop.start()
        loop.send([b("last words")], on: handle)

        await loop.shutdown(linger: 1_000, terminating: context)

        #expect(try receive(pull) == [b("last words")], "what was queued before shutdown is sent")
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == nil, "the stream has finished")
        loop.send([b("too late")], on: handle)
        #expect(loop.failedSends == 1, "a send after shutdown is counted, not queued")
        // Idempotent, and the synchronous stop returns at once afterwards.
        await loop.shutdown(linger: 0)
        loop.stop(linger: 0)
        pull.close(linger: 0)
        peerContext.terminate()
    }

    @Test func shutdownOfALoopNeverStartedClosesItsSockets() async throws {
        let context = try Context()
        let loop = SocketLoop(context: context, name: "never-started")
        let router = try Socket(context, .router)
        _ = try bindEphemeral(router)
        loop.register(router, receive: true)
        // zmq_ctx_term would block forever on an open socket: returning proves it was closed.
        await loop.shutdown(linger: 0, terminating: context)
        var iterator = loop.start().makeAsyncIterator()
        #expect(await iterator.next() == nil, "a loop shut down before start never runs")
    }
}
