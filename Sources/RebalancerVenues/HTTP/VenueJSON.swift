import Foundation

/// Decoding of venue answers: JSON into the documented response types, and the string-encoded
/// decimals venues use for money into cents. Anything missing, of the wrong type or not a
/// number is `VenueError.malformed` naming the field; nothing defaults to zero.
public enum VenueJSON {
    /// Decodes `data` as `T`; the error names the field path (`marginSummary.accountValue`).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(VenueError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformed(field: path(context.codingPath + [key]), detail: "missing")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .malformed(field: path(context.codingPath), detail: "null where a value is required")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .malformed(field: path(context.codingPath), detail: "not a \(expected)")
        } catch let DecodingError.dataCorrupted(context) {
            throw .malformed(field: path(context.codingPath), detail: context.codingPath.isEmpty ? "not JSON" : context.debugDescription)
        } catch {
            throw .malformed(field: "(body)", detail: "\(error)")
        }
    }

    /// A decimal as the venues write it (`"13109.482328"`, `"-0.5"`), exactly, or `malformed`.
    public static func decimal(_ text: String, field: String) throws(VenueError) -> Decimal {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard isPlainDecimal(trimmed), let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX")) else {
            throw .malformed(field: field, detail: "\"\(text)\" is not a decimal number")
        }
        return value
    }

    /// A USD amount as cents, rounded to the nearest cent (halves away from zero).
    public static func cents(_ text: String, field: String) throws(VenueError) -> Int64 {
        try cents(decimal(text, field: field), field: field)
    }

    /// A decimal amount of USD as cents, rounded to the nearest cent (halves away from zero).
    public static func cents(_ value: Decimal, field: String) throws(VenueError) -> Int64 {
        var scaled = value * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded.magnitude < Decimal(Int64.max / 2) else {
            throw .malformed(field: field, detail: "\(value) is out of range")
        }
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    /// A decimal as a `Double` (prices and sizes, which are not money).
    public static func double(_ text: String, field: String) throws(VenueError) -> Double {
        NSDecimalNumber(decimal: try decimal(text, field: field)).doubleValue
    }

    /// Cents as the decimal text venues take for amounts (`12345` -> `"123.45"`).
    public static func amountText(cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private static func isPlainDecimal(_ text: String) -> Bool {
        var digits = 0
        var dots = 0
        for (offset, character) in text.enumerated() {
            switch character {
            case "-" where offset == 0, "+" where offset == 0: continue
            case ".": dots += 1
            case "0"..."9": digits += 1
            default: return false
            }
        }
        return digits > 0 && dots <= 1
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out.isEmpty ? "(body)" : out
    }
}
