import Foundation
import Logging

/// How a node writes its log lines to standard error: `text` (the swift-log stream layout with a
/// millisecond UTC timestamp) or `json` (one object per line: `timestamp` with microseconds,
/// `level`, `node`, `message`, then the line's metadata such as `plan_seq`, `venue` or `peer`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-11-28T09:35:29.123Z info coordinator : plan_seq=3 [RebalancerNode] approved`
    case text
    /// `{"timestamp":"2026-11-28T09:35:29.123456Z","level":"info","node":"coordinator","message":"approved","plan_seq":"3"}`
    case json
}

/// A `LogHandler` writing one line per message to standard error in a `LogFormat`.
public struct NodeLogHandler: LogHandler {
    /// The logger's label: the node id.
    public let label: String
    /// The line layout.
    public let format: LogFormat
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    private let write: @Sendable (String) -> Void

    /// A handler for the logger `label`, writing `format` lines to standard error (or to `write`).
    public init(label: String, format: LogFormat, write: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.format = format
        self.write = write ?? { line in
            // One write(2) per line: lines of concurrent tasks never interleave.
            var line = line
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }

    /// One metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { merged["error"] = "\(error)" }
        write(Self.line(format: format, at: Self.now(), level: event.level, label: label, message: "\(event.message)", metadata: merged, source: event.source))
    }

    /// The current time as seconds and microseconds since the epoch.
    static func now() -> (seconds: Int, micros: Int) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (Int(ts.tv_sec), Int(ts.tv_nsec) / 1000)
    }

    /// `2026-11-28T09:35:29` plus `.` and `fraction` digits of the microseconds, and `Z`.
    static func timestamp(_ time: (seconds: Int, micros: Int), digits: Int) -> String {
        var seconds = time_t(time.seconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &parts)
        let base = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fraction = String(String(format: "%06d", time.micros).prefix(digits))
        return "\(base).\(fraction)Z"
    }

    /// One formatted line, newline included.
    static func line(format: LogFormat, at time: (seconds: Int, micros: Int), level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, source: String) -> String {
        switch format {
        case .text:
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let meta = fields.isEmpty ? "" : " " + fields.joined(separator: " ")
            return "\(timestamp(time, digits: 3)) \(level) \(label) :\(meta) [\(source)] \(message)\n"
        case .json:
            var fields: [(String, String)] = [
                ("timestamp", timestamp(time, digits: 6)), ("level", level.rawValue), ("node", label), ("message", message),
            ]
            let reserved = Set(fields.map(\.0))
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                // A metadata key that names a fixed field keeps its value under `meta_<key>`.
                fields.append((reserved.contains(key) ? "meta_\(key)" : key, "\(value)"))
            }
            return "{" + fields.map { "\(jsonString($0.0)):\(jsonString($0.1))" }.joined(separator: ",") + "}\n"
        }
    }

    /// `text` as a JSON string literal, every control character escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
