import Foundation

/// Splits a byte stream into newline-terminated lines, refusing lines longer than a limit
/// (an adapter writing without newlines cannot make the host buffer without bound).
struct LineBuffer {
    /// The longest line kept, in bytes.
    let limit: Int
    private var pending = Data()
    private var discarding = false

    init(limit: Int = 1 << 20) { self.limit = limit }

    /// Appends `bytes`; returns the complete lines (without the newline, CR trimmed) and how many
    /// over-long lines were dropped.
    mutating func append(_ bytes: Data) -> (lines: [Data], dropped: Int) {
        var lines: [Data] = []
        var dropped = 0
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: 0x0A) {
            let piece = rest[rest.startIndex..<newline]
            rest = rest[rest.index(after: newline)...]
            if discarding || pending.count + piece.count > limit {
                dropped += discarding ? 0 : 1
                discarding = false
                pending.removeAll()
                continue
            }
            var line = pending + piece
            pending.removeAll()
            if line.last == 0x0D { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
        }
        if !discarding {
            if pending.count + rest.count > limit {
                dropped += 1
                discarding = true
                pending.removeAll()
            } else {
                pending.append(contentsOf: rest)
            }
        }
        return (lines, dropped)
    }
}
