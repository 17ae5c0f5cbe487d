import Foundation
import Testing
import ZeroMQ

/// An actor whose executor is a socket loop: it records whether each of its steps ran on the loop thread.
private actor OnLoop {
    let loop: SocketLoop
    private(set) var onLoop: [Bool] = []
    private(set) var received: [[[UInt8]]] = []

    init(loop: SocketLoop) { self.loop = loop }

    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    /// Whether this step runs on the loop thread.
    func onLoopThread() -> Bool { loop.isLoopThread }

    /// Takes `count` messages off the loop's stream, on this actor, answering each on `reply`.
    func echo(_ stream: AsyncStream<SocketLoop.Inbound>, count: Int, reply: SocketLoop.Handle) async {
        for await inbound in stream {
            received.append(loop.resolve(inbound).frames)
            onLoop.append(loop.isLoopThread)
            loop.send(inbound.frames, on: reply)
            if received.count == count { return }
        }
    }
}

@Suite struct SocketLoopExecutorTests {
    @Test func anActorOnTheLoopHandlesAndAnswersOnTheLoopThreadAndRunsBeforeStartAndAfterStop() async throws {
        let context = try Context()
        let loop = SocketLoop(context: context, name: "executor")
        let inbound = try Socket(context, .pull)
        let inboundEndpoint = try bindEphemeral(inbound)
        loop.register(inbound, receive: true)
        let replies = try Socket(context, .pull)
        let repliesEndpoint = try bindEphemeral(replies)
        let outbound = try Socket(context, .push)
        try outbound.connect(repliesEndpoint)
        let reply = loop.register(outbound, receive: false)
        let actor = OnLoop(loop: loop)

        // Not started: the actor still runs (on a serial queue), not on a loop thread.
        #expect(await actor.onLoopThread() == false)

        let stream = loop.start()
        let push = try Socket(context, .push)
        try push.connect(inboundEndpoint)
        async let echoed: Void = actor.echo(stream, count: 3, reply: reply)
        for index in 0..<3 { try push.send([b("\(index)")], dontWait: false) }
        // Awaited before the blocking receives: no thread of the pool is held meanwhile.
        await echoed
        for index in 0..<3 { #expect(try receive(replies) == [b("\(index)")]) }
        #expect(await actor.received == [[b("0")], [b("1")], [b("2")]])
        #expect(await actor.onLoop == [true, true, true])
        #expect(await actor.onLoopThread())

        await loop.shutdown(linger: 0)
        // Stopped: the actor still runs, off the (finished) loop thread.
        #expect(await actor.onLoopThread() == false)
        push.close()
        replies.close()
        context.terminate()
    }
}
