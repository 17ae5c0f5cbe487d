import RebalancerCore
import RebalancerWire
import Testing
import ZeroMQ
@testable import RebalancerNode

/// The frames a coordinator or verifier keeps unopened: the newest per venue, by arrival, and
/// every frame set aside unopened is reported so the shell counts it.
@Suite struct PendingStatesTests {
    static func frame(_ venue: String, seq: UInt64, arrival: Nanos) -> PendingStates.Frame {
        var wire = WireVenueState()
        wire.venue = venue
        wire.seq = seq
        let envelope = Envelope.sealing(payload: (try? wire.serializedBytes()) ?? [], type: .venueState, sender: "watcher-\(venue)", key: SigningKey())
        return PendingStates.Frame(bytes: envelope.bytes(), envelope: envelope, wire: wire, handle: SocketLoop.Handle(rawValue: 0), arrival: arrival)
    }

    @Test func theNewestFramePerVenueIsKeptAndEveryReplacedOneReported() {
        var pending = PendingStates()
        let first = pending.keep(Self.frame("v1", seq: 1, arrival: 10))
        let other = pending.keep(Self.frame("v2", seq: 1, arrival: 20))
        #expect(!first && !other)
        let replaced = pending.keep(Self.frame("v1", seq: 2, arrival: 30))
        #expect(replaced, "replaced unopened")
        // By arrival, not by the claimed sequence (not checked yet): a forged high one cannot keep honest frames out.
        let older = pending.keep(Self.frame("v1", seq: 1, arrival: 40))
        #expect(older)
        #expect(pending.frames["v1"]?.arrival == 40)
        let all = pending.takeAll()
        #expect(all.map(\.venue) == ["v2", "v1"], "oldest arrival first")
        #expect(pending.isEmpty)
        let none = pending.take("v1")
        #expect(none == nil)
    }
}
