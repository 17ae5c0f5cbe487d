import Foundation
import Testing
import ZeroMQ

/// Issue 14: on a loop with bulk intake (a conflating socket: every watcher's state), a message of
/// any other socket (the decision path: a proposal, a vote) is handed over ahead of the bulk
/// entries queued before it, and nothing is lost or reordered within either kind.
@Suite("SocketLoop priority")
struct SocketLoopPriorityTests {
    /// A started loop with a conflating PULL (bulk, keyed by first frame) and a plain PULL (urgent).
    private struct Loop {
        let context: Context
        let loop: SocketLoop
        let bulk: Socket
        let urgent: Socket
        let stream: AsyncStream<SocketLoop.Inbound>

        init(name: String, inboundCapacity: Int = 10_000) throws {
            context = try Context()
            loop = SocketLoop(context: context, name: name, inboundCapacity: inboundCapacity)
            let bulkIn = try Socket(context, .pull)
            let bulkEndpoint = try bindEphemeral(bulkIn)
            loop.register(bulkIn, receive: true, conflateByTopic: true)
            let urgentIn = try Socket(context, .pull)
            let urgentEndpoint = try bindEphemeral(urgentIn)
            loop.register(urgentIn, receive: true)
            bulk = try Socket(context, .push)
            try bulk.connect(bulkEndpoint)
            urgent = try Socket(context, .push)
            try urgent.connect(urgentEndpoint)
            stream = loop.start()
        }

        /// Takes `count` entries and resolves each, as a role's consumer does.
        func take(_ count: Int) async throws -> [[[UInt8]]] {
            let stream = stream, loop = loop
            return try await withTimeout(5) {
                var taken: [[[UInt8]]] = []
                for await entry in stream {
                    taken.append(loop.resolve(entry).frames)
                    if taken.count == count { break }
                }
                return taken
            }
        }

        func close() {
            loop.stop(linger: 0)
            bulk.close()
            urgent.close()
            context.terminate()
        }
    }

    @Test func aVoteIsHandedOverBeforeStatesQueuedAheadOfItAndEveryStateStillArrives() async throws {
        let loop = try Loop(name: "priority")
        defer { loop.close() }
        for venue in ["v1", "v2", "v3"] { try loop.bulk.send([b(venue), b("state of \(venue)")], dontWait: false) }
        #expect(waitUntil { loop.loop.backlog == 3 })
        try loop.urgent.send([b("vote 1")], dontWait: false)
        try loop.urgent.send([b("vote 2")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 5 })
        let taken = try await loop.take(5)
        #expect(taken == [[b("vote 1")], [b("vote 2")], [b("v1"), b("state of v1")], [b("v2"), b("state of v2")], [b("v3"), b("state of v3")]])
        #expect(loop.loop.backlog == 0)
    }

    @Test func aStateWhoseTurnAVoteTookStillResolvesToItsNewestFrames() async throws {
        let loop = try Loop(name: "priority-newest")
        defer { loop.close() }
        try loop.bulk.send([b("v1"), b("first")], dontWait: false)
        try loop.bulk.send([b("v2"), b("only")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 2 })
        try loop.urgent.send([b("vote")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 3 })
        // Replaces v1's frames while its entry waits: still one entry, now the newest frames.
        try loop.bulk.send([b("v1"), b("second")], dontWait: false)
        #expect(waitUntil { loop.loop.conflatedInbound == 1 })
        let taken = try await loop.take(3)
        #expect(taken == [[b("vote")], [b("v1"), b("second")], [b("v2"), b("only")]])
    }

    @Test func votesAfterStatesAlreadyHandledKeepTheirOrderAndTheStatesBehindThemTheirs() async throws {
        let loop = try Loop(name: "priority-order")
        defer { loop.close() }
        try loop.bulk.send([b("v1"), b("a")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 1 })
        #expect(try await loop.take(1) == [[b("v1"), b("a")]])
        try loop.bulk.send([b("v2"), b("b")], dontWait: false)
        try loop.bulk.send([b("v3"), b("c")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 2 })
        try loop.urgent.send([b("vote")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 3 })
        try loop.bulk.send([b("v4"), b("d")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 4 })
        #expect(try await loop.take(4) == [[b("vote")], [b("v2"), b("b")], [b("v3"), b("c")], [b("v4"), b("d")]])
    }

    @Test func aTopicWhoseEntryAFullStreamDroppedQueuesAgain() async throws {
        let loop = try Loop(name: "dropped-topic", inboundCapacity: 2)
        defer { loop.close() }
        for venue in ["v1", "v2", "v3"] { try loop.bulk.send([b(venue), b("old")], dontWait: false) }
        #expect(waitUntil { loop.loop.droppedInbound == 1 })
        // v1's entry made room; its next state must queue an entry of its own, not wait forever.
        try loop.bulk.send([b("v1"), b("new")], dontWait: false)
        #expect(waitUntil { loop.loop.backlog == 2 && loop.loop.droppedInbound == 2 })
        #expect(try await loop.take(2) == [[b("v3"), b("old")], [b("v1"), b("new")]])
        try loop.bulk.send([b("v2"), b("again")], dontWait: false)
        #expect(try await loop.take(1) == [[b("v2"), b("again")]])
    }

    @Test func aVoteWhoseSlotAFullStreamDroppedLeavesNothingOwed() async throws {
        let loop = try Loop(name: "dropped-vote", inboundCapacity: 2)
        defer { loop.close() }
        for vote in ["vote 1", "vote 2", "vote 3"] { try loop.urgent.send([b(vote)], dontWait: false) }
        #expect(waitUntil { loop.loop.droppedInbound == 1 })
        #expect(try await loop.take(2) == [[b("vote 2")], [b("vote 3")]])
        try loop.bulk.send([b("v1"), b("state")], dontWait: false)
        #expect(try await loop.take(1) == [[b("v1"), b("state")]])
        #expect(loop.loop.backlog == 0)
    }
}
