import Testing
@testable import ZeroMQ

@Suite("ZAP request handling")
struct ZAPProtocolTests {
    let key = [UInt8](repeating: 9, count: 32)

    func request(mechanism: String, credentials: [[UInt8]], version: String = "1.0") -> [[UInt8]] {
        [b(version), b("req-7"), b("dom"), b("10.0.0.1"), b("id"), b(mechanism)] + credentials
    }

    @Test func listedCurveKeyGets200WithZ85UserID() throws {
        let result = try #require(ZAPHandler.ZAPProtocol.respond(to: request(mechanism: "CURVE", credentials: [key]), allowedKeys: [key]))
        #expect(result.reply == [b("1.0"), b("req-7"), b("200"), b("OK"), b(Z85.encode(key)), []])
        #expect(result.decision.allowed)
        #expect(result.decision.address == "10.0.0.1")
        #expect(result.decision.domain == "dom")
        #expect(result.decision.publicKey == key)
    }

    @Test(arguments: [
        ("CURVE", [[UInt8](repeating: 1, count: 32)]),
        ("NULL", []),
        ("PLAIN", [Array("user".utf8), Array("pass".utf8)]),
        ("CURVE", [[UInt8](repeating: 9, count: 31)]),
    ] as [(String, [[UInt8]])])
    func everythingElseGets400(mechanism: String, credentials: [[UInt8]]) throws {
        let result = try #require(ZAPHandler.ZAPProtocol.respond(to: request(mechanism: mechanism, credentials: credentials), allowedKeys: [key]))
        #expect(result.reply.count == 6)
        #expect(result.reply[1] == b("req-7"))
        #expect(result.reply[2] == b("400"))
        #expect(result.reply[4] == [])
        #expect(!result.decision.allowed)
        #expect(result.decision.mechanism == mechanism)
    }

    @Test func malformedRequestsAreRefusedOrIgnored() throws {
        let wrongVersion = try #require(ZAPHandler.ZAPProtocol.respond(to: request(mechanism: "CURVE", credentials: [key], version: "2.0"), allowedKeys: [key]))
        #expect(wrongVersion.reply[2] == b("500"))
        #expect(!wrongVersion.decision.allowed)
        let short = try #require(ZAPHandler.ZAPProtocol.respond(to: [b("1.0"), b("r"), b("dom")], allowedKeys: [key]))
        #expect(short.reply[2] == b("500"))
        #expect(ZAPHandler.ZAPProtocol.respond(to: [b("1.0")], allowedKeys: [key]) == nil)
    }
}
