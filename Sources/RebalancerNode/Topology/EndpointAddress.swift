/// A ZeroMQ endpoint the topology accepts: `tcp://host:port`, `ipc://path` or `inproc://name`.
public enum EndpointAddress: Sendable, Equatable {
    /// `tcp://host:port`, port 1-65535; host may be `*`, a name, an address or `[ipv6]`.
    case tcp(host: String, port: Int)
    /// `ipc://path`.
    case ipc(path: String)
    /// `inproc://name`.
    case inproc(name: String)

    /// Parses an endpoint string; nil if it is none of the accepted forms.
    public init?(_ text: String) {
        if let rest = text.strippingPrefix("tcp://") {
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            let host = String(rest[..<colon])
            let portText = rest[rest.index(after: colon)...]
            guard !host.isEmpty, !host.contains("/"), host.allSatisfy({ !$0.isWhitespace }),
                  !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), portText.count <= 5,
                  let port = Int(portText), (1...65535).contains(port)
            else { return nil }
            if host.contains(":") && !(host.hasPrefix("[") && host.hasSuffix("]")) { return nil }
            self = .tcp(host: host, port: port)
        } else if let rest = text.strippingPrefix("ipc://"), !rest.isEmpty {
            self = .ipc(path: String(rest))
        } else if let rest = text.strippingPrefix("inproc://"), !rest.isEmpty {
            self = .inproc(name: String(rest))
        } else {
            return nil
        }
    }
}

extension String {
    fileprivate func strippingPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
