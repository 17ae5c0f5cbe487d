import Foundation

/// One reply line from an adapter, parsed just enough to route it: its id, and whether it
/// carries a result or an error. The line itself is kept for decoding the result by type.
public struct AdapterReply: Sendable {
    /// The request id it answers; nil when the adapter answered `"id": null` (a request it could not parse).
    public var id: Int?
    /// The whole line.
    public var line: Data
    /// Whether the line has a `result` member (which may be null).
    public var hasResult: Bool
    /// The `error` member, when present and well-formed.
    public var error: AdapterProtocol.ErrorBody?

    /// Parses a line; nil when it is not a JSON object with an integer or null `id` and exactly
    /// one of `result` and a well-formed `error`.
    public init?(line: Data) {
        guard let head = try? JSONDecoder().decode(Head.self, from: line) else { return nil }
        id = head.id
        self.line = line
        hasResult = head.hasResult
        error = head.error
    }

    /// The `result`, decoded as `R`; nil when it is JSON null. An error reply throws its typed error.
    public func result<R: Decodable>(_ type: R.Type) throws(VenueError) -> R? {
        if let error { throw error.venueError }
        do {
            return try JSONDecoder().decode(ResultLine<R>.self, from: line).result
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformed(field: Self.path(context.codingPath + [key]), detail: "missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .malformed(field: Self.path(context.codingPath), detail: context.debugDescription)
        } catch let DecodingError.valueNotFound(_, context) {
            throw .malformed(field: Self.path(context.codingPath), detail: "null")
        } catch let DecodingError.dataCorrupted(context) {
            throw .malformed(field: Self.path(context.codingPath), detail: context.debugDescription)
        } catch {
            throw .malformed(field: "result", detail: "\(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().replacingOccurrences(of: ".[", with: "[").trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// The routing part of a reply: `id` present (integer or null), and exactly one of `result` and `error`.
    private struct Head: Decodable {
        var id: Int?
        var hasResult: Bool
        var error: AdapterProtocol.ErrorBody?

        enum CodingKeys: String, CodingKey { case id, result, error }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.contains(.id) else { throw DecodingError.keyNotFound(CodingKeys.id, .init(codingPath: [], debugDescription: "no id")) }
            id = try container.decodeNil(forKey: .id) ? nil : container.decode(Int.self, forKey: .id)
            hasResult = container.contains(.result)
            error = try container.decodeIfPresent(AdapterProtocol.ErrorBody.self, forKey: .error)
            guard hasResult != (error != nil) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "needs exactly one of result and error"))
            }
        }
    }
    private struct ResultLine<R: Decodable>: Decodable { var result: R? }
}
