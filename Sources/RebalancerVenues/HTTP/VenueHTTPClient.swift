import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request to a venue.
public struct VenueHTTPRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The full URL, query included.
    public var url: URL
    /// Extra headers (`X-MBX-APIKEY`, `Content-Type`).
    public var headers: [String: String]
    /// The body, for `POST`.
    public var body: Data?

    /// Creates a request.
    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A venue's answer: status, headers (names lower-cased) and body.
public struct VenueHTTPResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Headers, names lower-cased.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A thin client over Foundation's `URLSession` with a per-request timeout. It sorts transport
/// failures and the statuses every venue shares into `VenueError`s: no answer in time is
/// `timeout`, 429 and 418 are `rateLimited` with the `Retry-After` (seconds) converted to ms,
/// 5xx and connection failures are `unavailable`. Any other status is returned for the adapter,
/// which knows its venue's error bodies.
public struct VenueHTTPClient: Sendable {
    /// The timeout of one request, ms.
    public let timeoutMs: Int64
    /// The wait assumed when a 429/418 carries no `Retry-After`, ms.
    public static let defaultRetryAfterMs: Int64 = 1_000
    private let session: URLSession

    /// A client whose requests give up after `timeoutMs`.
    public init(timeoutMs: Int64) {
        self.timeoutMs = timeoutMs
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = TimeInterval(timeoutMs) / 1000
        configuration.timeoutIntervalForResource = TimeInterval(timeoutMs) / 1000
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    /// Sends `request` once.
    public func send(_ request: VenueHTTPRequest) async throws(VenueError) -> VenueHTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: TimeInterval(timeoutMs) / 1000)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        for (name, value) in request.headers {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        let data: Data
        let response: URLResponse
        do {
            // A data task with a completion handler, not `data(for:)`: the caller's cancellation
            // never reaches URLSession (on Linux, cancelling a task suspended in `data(for:)` can
            // deadlock FoundationNetworking: its cancel handler waits on the session's queue while
            // that queue waits to resume the task, which hung a watcher's shutdown), and the
            // request leaves at once, with no hop to another task between signing and sending.
            // The request still ends by its timeout.
            let request = urlRequest
            (data, response) = try await withCheckedThrowingContinuation { continuation in
                session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }.resume()
            }
        } catch let error as URLError where error.code == .timedOut {
            throw .timeout(afterMs: timeoutMs)
        } catch {
            throw .unavailable("\(request.method) \(request.url.path): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw .unavailable("\(request.method) \(request.url.path): not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        let answer = VenueHTTPResponse(status: http.statusCode, headers: headers, body: data)
        switch http.statusCode {
        case 429, 418:
            throw .rateLimited(retryAfterMs: Self.retryAfterMs(headers["retry-after"]), status: http.statusCode)
        case 500...599:
            throw .unavailable("\(request.method) \(request.url.path): HTTP \(http.statusCode)")
        default:
            return answer
        }
    }

    /// `Retry-After` in seconds (integer or decimal) as ms; the default when absent or unreadable.
    static func retryAfterMs(_ header: String?) -> Int64 {
        guard let header, let seconds = Double(header.trimmingCharacters(in: .whitespaces)), seconds >= 0, seconds.isFinite else {
            return defaultRetryAfterMs
        }
        return Int64((seconds * 1000).rounded(.up))
    }
}
