import Testing
import ZeroMQ

@Suite("Z85")
struct Z85Tests {
    @Test func rfc32TestVector() {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(Z85.encode(bytes) == "HelloWorld")
        #expect(Z85.decode("HelloWorld") == bytes)
    }

    @Test func keyRoundTrip() throws {
        let key = try CurveKeyPair.generate().publicKey
        let text = Z85.encode(key)
        #expect(text.count == 40)
        #expect(Z85.decode(text) == key)
    }

    @Test(arguments: ["Hello", "HelloWorl", "Hello~orld", "%%%%%"])
    func badInputDecodesToNil(text: String) {
        // "Hello" alone is valid; the others are short, use a foreign character or overflow 32 bits.
        if text == "Hello" {
            #expect(Z85.decode(text)?.count == 4)
        } else {
            #expect(Z85.decode(text) == nil)
        }
    }
}
