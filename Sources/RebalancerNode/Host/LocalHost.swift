import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which endpoints this machine can bind: loopback, wildcard, `ipc://` and `inproc://` endpoints,
/// and TCP endpoints naming one of this host's interface addresses, interface names or host name.
public struct LocalHost: Sendable {
    /// This host's interface addresses (numeric), interface names and host name.
    public let names: Set<String>

    /// The names of this machine, read from its interfaces (getifaddrs) and host name.
    public init() {
        var names: Set<String> = ["localhost", "*", "0.0.0.0", "::", "::1"]
        var buffer = [CChar](repeating: 0, count: 256)
        if gethostname(&buffer, buffer.count) == 0 { names.insert(Self.text(buffer)) }
        var list: UnsafeMutablePointer<ifaddrs>?
        if getifaddrs(&list) == 0 {
            var cursor = list
            while let entry = cursor {
                names.insert(String(cString: entry.pointee.ifa_name))
                if let address = entry.pointee.ifa_addr, let text = Self.numeric(address) { names.insert(text) }
                cursor = entry.pointee.ifa_next
            }
            freeifaddrs(list)
        }
        self.names = names
    }

    /// A host that answers to exactly `names` (and loopback), for tests.
    public init(names: Set<String>) { self.names = names }

    /// True when `endpoint` can be bound on this host.
    public func isLocal(endpoint: String) -> Bool {
        switch EndpointAddress(endpoint) {
        case .ipc, .inproc: return true
        case let .tcp(host, _):
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            if bare.hasPrefix("127.") || names.contains(bare) { return true }
            return resolve(bare).contains { $0.hasPrefix("127.") || names.contains($0) }
        case nil: return false
        }
    }

    /// The numeric addresses a host name resolves to (none when it does not).
    private func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0 else { return [] }
        defer { freeaddrinfo(result) }
        var addresses: [String] = []
        var cursor = result
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, let text = Self.numeric(address) { addresses.append(text) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// The text of a NUL-terminated C string buffer.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The numeric text of an IPv4 or IPv6 socket address, without an IPv6 zone.
    private static func numeric(_ address: UnsafeMutablePointer<sockaddr>) -> String? {
        let family = Int32(address.pointee.sa_family)
        guard family == AF_INET || family == AF_INET6 else { return nil }
        let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        return String(Self.text(text).prefix { $0 != "%" })
    }
}
