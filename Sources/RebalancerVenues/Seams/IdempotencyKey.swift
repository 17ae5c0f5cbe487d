/// The key a transfer is submitted under: derived from (topology id, planSeq, transfer index),
/// so the same approved transfer always carries the same key, across restarts and executors.
///
/// Rendered as `rb-<topology>-<planSeq>-<index>`, keeping only `[A-Za-z0-9-]` and at most 64
/// characters, which every venue's client-order or withdraw-order id field accepts (Binance's
/// `withdrawOrderId` allows letters, digits and `-`, up to 64 characters in practice here). A
/// topology id longer than the space left is replaced by a stable FNV-1a hash of it.
public struct IdempotencyKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The rendered key.
    public let rawValue: String

    /// The key of transfer `index` of plan `planSeq` in topology `topologyID`.
    public init(topologyID: String, planSeq: UInt64, index: Int) {
        let suffix = "-\(planSeq)-\(index)"
        var topology = String(topologyID.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }.map(Character.init))
        let room = 64 - 3 - suffix.count
        if topology.count > room || topology.isEmpty {
            topology = Self.fnv1a(topologyID)
        }
        rawValue = "rb-" + topology + suffix
    }

    /// A key as the venue returned it.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    private static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
