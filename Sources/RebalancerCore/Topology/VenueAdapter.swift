/// How a watcher reads a venue and an executor moves capital out of it: the adapter's kind and
/// its parameters exactly as the topology gives them (`venues[i].adapter`). The node layer
/// validates the parameters of each kind; credentials appear here only by reference (a file path
/// or an environment variable name), never inline.
public struct VenueAdapter: Sendable, Equatable, Codable {
    /// The adapter kind: `simulated`, `hyperliquid`, `binance-usdm`, `dydx-v4` or `external`.
    public var kind: String
    /// Every other field of the adapter mapping, as text.
    public var parameters: [String: String]

    /// The built-in simulated market (`rebalancer venues`): the default when a venue names no adapter.
    public static let simulatedKind = "simulated"

    /// Creates an adapter description.
    public init(kind: String, parameters: [String: String] = [:]) {
        self.kind = kind
        self.parameters = parameters
    }

    /// Whether this is the built-in simulated market.
    public var isSimulated: Bool { kind == Self.simulatedKind }
}
