import ZeroMQ

/// The text forms of keys in topology and key files: Ed25519 keys as 64 lowercase hex characters,
/// CURVE keys as 40 characters of Z85 (the form libzmq itself prints).
public enum KeyText {
    /// Lowercase hex of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a hex string (either case); nil if its length is odd or a character is not hex.
    public static func bytes(hex text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Z85 text of a 32-byte key (40 characters).
    public static func z85(_ bytes: [UInt8]) -> String { Z85.encode(bytes) }

    /// A 32-byte Ed25519 key from exactly 64 hex characters.
    public static func signingKey(_ text: String) -> [UInt8]? {
        guard text.utf8.count == 64 else { return nil }
        return bytes(hex: text)
    }

    /// A 32-byte CURVE key from exactly 40 characters of Z85.
    public static func curveKey(_ text: String) -> [UInt8]? {
        guard text.utf8.count == 40, let bytes = Z85.decode(text), bytes.count == 32 else { return nil }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
