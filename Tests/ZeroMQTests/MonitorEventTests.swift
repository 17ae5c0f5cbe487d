import Testing
import ZeroMQ

@Suite("Monitor events")
struct MonitorEventTests {
    @Test func decodesVersion1Frames() throws {
        var header: [UInt8] = []
        withUnsafeBytes(of: UInt16(0x4000)) { header += $0 }
        withUnsafeBytes(of: UInt32(400)) { header += $0 }
        let event = try #require(MonitorEvent.decode([header, b("tcp://127.0.0.1:5555")]))
        #expect(event.kind == .handshakeFailedAuth)
        #expect(event.name == "HANDSHAKE_FAILED_AUTH")
        #expect(event.value == 400)
        #expect(event.address == "tcp://127.0.0.1:5555")
    }

    @Test func rejectsOtherShapes() {
        #expect(MonitorEvent.decode([[1, 2, 3]]) == nil)
        #expect(MonitorEvent.decode([[1, 2, 3], []]) == nil)
    }
}
