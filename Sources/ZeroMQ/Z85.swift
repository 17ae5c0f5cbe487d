/// Z85 (ZeroMQ RFC 32): 4 bytes <-> 5 printable characters; the text form of CURVE keys.
public enum Z85 {
    private static let alphabet = Array(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8
    )
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// Encodes `bytes`, whose count must be a multiple of 4 (a 32-byte key gives 40 characters).
    public static func encode(_ bytes: [UInt8]) -> String {
        precondition(bytes.count % 4 == 0, "Z85 encodes whole 4-byte groups")
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 4 * 5)
        var index = 0
        while index < bytes.count {
            var value = UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16
            value |= UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
            var group = [UInt8](repeating: 0, count: 5)
            for position in stride(from: 4, through: 0, by: -1) {
                group[position] = alphabet[Int(value % 85)]
                value /= 85
            }
            out += group
            index += 4
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes Z85 text; nil unless its length is a multiple of 5 and every character is in the alphabet
    /// and every group fits in 32 bits.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 5 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count / 5 * 4)
        var index = 0
        while index < characters.count {
            var value: UInt64 = 0
            for offset in 0..<5 {
                let digit = decodeTable[Int(characters[index + offset])]
                guard digit != 0xFF else { return nil }
                value = value * 85 + UInt64(digit)
            }
            guard value <= UInt64(UInt32.max) else { return nil }
            out += [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            index += 5
        }
        return out
    }
}
