/// Text that came from the network, made safe for a log line: a field nobody authenticated (or a
/// free-text payload field) must never start a line of its own or drive a terminal.
public enum LogText {
    /// Longest untrusted text logged, in characters, before it is cut with "...".
    public static let maxLength = 64

    /// `text` with every control character (newline, carriage return, ESC, DEL, C1, line and
    /// paragraph separators) escaped as `\n`, `\r`, `\t` or `\u{XX}`, backslashes doubled, quotes
    /// escaped, and cut to `limit` characters of the original.
    public static func untrusted(_ text: String, limit: Int = maxLength) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "..."
                break
            }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `untrusted` in quotes, or `-` when there is nothing: a log field that cannot be mistaken
    /// for the end of the line or for another field.
    public static func quoted(_ text: String?, limit: Int = maxLength) -> String {
        guard let text else { return "-" }
        return "\"\(untrusted(text, limit: limit))\""
    }
}
