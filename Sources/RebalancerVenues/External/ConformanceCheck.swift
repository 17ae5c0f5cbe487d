/// The result of one conformance check.
public struct ConformanceCheck: Sendable, Equatable {
    /// The check's name (`handshake`, `snapshot.fields`, ...).
    public var name: String
    /// Whether the adapter passed it.
    public var passed: Bool
    /// What was seen (why it failed, or a short note).
    public var detail: String

    /// Creates a result.
    public init(_ name: String, passed: Bool, _ detail: String = "") {
        self.name = name
        self.passed = passed
        self.detail = detail
    }

    /// `ok name: detail` or `FAIL name: detail`, the line `rebalancer adapter test` prints.
    public var line: String {
        (passed ? "ok " : "FAIL ") + name + (detail.isEmpty ? "" : ": " + detail)
    }
}
