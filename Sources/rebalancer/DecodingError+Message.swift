import Foundation

extension DecodingError {
    /// One line for a person: where in `data` (the file that was decoded), what was expected.
    /// For a syntax error, the line and column (JSONDecoder gives no position on Linux, so the
    /// text is parsed again with JSONSerialization, which gives a character offset); for a missing
    /// field or a wrong type, the field's path in the file's own snake_case spelling.
    func userMessage(in data: Data) -> String {
        switch self {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "not valid JSON: " + Self.syntaxProblem(in: data)
            }
            return "\(Self.path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing field \(Self.path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "\(Self.path(context.codingPath)): expected \(Self.name(of: type))"
        case .valueNotFound(let type, let context):
            return "\(Self.path(context.codingPath)): expected \(Self.name(of: type)), found null"
        @unknown default:
            return "\(self)"
        }
    }

    /// `venues[2].maintenance_margin` (snake_case, as the file spells it).
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + snakeCase(key.stringValue)
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    private static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type, is UInt32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// `line 3, column 14: Invalid value`, from JSONSerialization's "Invalid value around character 28."
    static func syntaxProblem(in data: Data) -> String {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "the file is empty" }
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "the text is JSON but not a JSON object"
        } catch {
            detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        }
        guard let range = detail.range(of: "around character "),
              let offset = Int(detail[range.upperBound...].prefix { $0.isNumber })
        else { return detail }
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        let words = detail[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        return "line \(line), column \(column): \(words.isEmpty ? "unexpected text" : words)"
    }
}
