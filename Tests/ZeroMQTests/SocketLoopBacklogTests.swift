import Foundation
import Testing
import ZeroMQ

/// Issue 14: a consumer can tell that more messages wait behind the one it handles (the
/// coordinator plans once on a burst of states rather than once per state).
@Suite("SocketLoop backlog")
struct SocketLoopBacklogTests {
    @Test func countsEntriesNotResolvedYetAndNeverMoreThanTheBufferHolds() async throws {
        let sockets = try PushIntoLoop(name: "backlog", inboundCapacity: 4)
        let (context, loop, push, stream) = (sockets.context, sockets.loop, sockets.push, sockets.stream)
        #expect(loop.backlog == 0)
        for index in 0..<3 { try push.send([b("\(index)")], dontWait: false) }
        #expect(waitUntil { loop.backlog == 3 })
        let first = try await withTimeout(5) {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        #expect(loop.resolve(try #require(first)).frames == [b("0")])
        #expect(loop.backlog == 2)
        // Past the buffer's capacity the oldest entries make room: they are never resolved, so not counted.
        for index in 3..<10 { try push.send([b("\(index)")], dontWait: false) }
        #expect(waitUntil { loop.droppedInbound == 5 })
        #expect(loop.backlog == 4)
        loop.stop(linger: 0)
        push.close()
        context.terminate()
    }
}
