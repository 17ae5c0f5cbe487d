import Foundation

extension SocketLoop {
    /// What happened to the link of a connecting socket registered with `reconnect:`.
    public struct LinkEvent: Sendable, CustomStringConvertible {
        /// The kinds of link event.
        public enum Kind: Sendable, Equatable {
            /// The connection was dropped and libzmq did not start reconnecting on its own (for
            /// example after a frame above `ZMQ_MAXMSGSIZE`, a protocol error that ends the session
            /// for good); `reason` is the monitor event's name.
            case dropped(reason: String)
            /// The loop disconnected and connected the endpoint again (attempt number, from 1).
            case reconnecting(attempt: Int)
            /// A handshake succeeded again after a drop.
            case restored
        }

        /// The socket.
        public let handle: Handle
        /// The endpoint it connects to.
        public let endpoint: String
        /// What happened.
        public let kind: Kind

        /// A readable description.
        public var description: String { "\(kind) \(endpoint)" }
    }

    /// One endpoint of one registered socket.
    struct LinkKey: Hashable, Comparable {
        /// The socket's registration index.
        let offset: Int
        /// The endpoint's index among the socket's endpoints.
        let endpoint: Int

        static func < (a: LinkKey, b: LinkKey) -> Bool { (a.offset, a.endpoint) < (b.offset, b.endpoint) }
    }

    /// The link of one connecting socket, driven by its monitor's events: when a connection drops
    /// and libzmq does not announce a reconnect of its own within the grace period, the loop
    /// reconnects it, with a doubling backoff, until a handshake succeeds. Touched only by the loop thread.
    struct LinkWatch {
        /// How long libzmq gets to announce its own reconnect (CONNECT_DELAYED/RETRIED) after a drop.
        static let grace: UInt64 = 500_000_000
        /// The longest wait between two reconnect attempts.
        static let maxBackoff: UInt64 = 30_000_000_000
        /// The events the monitor reports.
        static let events: MonitorEvent.Kind = [
            .disconnected, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth,
            .connectDelayed, .connectRetried, .handshakeSucceeded,
        ]

        let endpoint: String
        private(set) var down = false
        private(set) var attemptAt: UInt64?
        private(set) var attempts = 0
        /// The monitor event that took the link down.
        private(set) var reason = ""
        private var backoff = grace

        init(endpoint: String) { self.endpoint = endpoint }

        /// Takes one monitor event at `now` (uptime ns); returns `.restored` when a link the loop
        /// had to reconnect is up again. A drop is reported only once it is clear that libzmq will
        /// not reconnect by itself (`reconnectDue`).
        mutating func on(_ event: MonitorEvent, now: UInt64) -> LinkEvent.Kind? {
            switch event.kind {
            case .disconnected, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth:
                attemptAt = now + backoff
                if !down { reason = event.name }
                down = true
                return nil
            case .connectDelayed, .connectRetried:
                // libzmq is connecting by itself: leave it be (a failed handshake re-arms the timer).
                attemptAt = nil
                return nil
            case .handshakeSucceeded:
                defer {
                    down = false
                    attemptAt = nil
                    attempts = 0
                    backoff = Self.grace
                }
                return down && attempts > 0 ? .restored : nil
            default:
                return nil
            }
        }

        /// True when the loop must reconnect now; it then counts the attempt and doubles the backoff.
        mutating func reconnectDue(now: UInt64) -> Bool {
            guard let at = attemptAt, now >= at else { return false }
            attemptAt = nil
            attempts += 1
            backoff = min(backoff * 2, Self.maxBackoff)
            return true
        }
    }
}

// MARK: - The loop thread's link upkeep

extension SocketLoop {
    /// Drains one reconnecting socket's monitor and reports what changed, per endpoint (the
    /// event's address; a socket with one endpoint takes every event as its own).
    func readMonitor(of offset: Int, entries: [Entry], links: inout [LinkKey: LinkWatch], observer: (@Sendable (LinkEvent) -> Void)?) {
        guard let link = entries[offset].link else { return }
        while let frames = try? link.monitor.receive(dontWait: true) {
            guard let event = MonitorEvent.decode(frames) else { continue }
            let index = link.endpoints.count == 1 ? 0 : link.endpoints.firstIndex { $0.address == event.address }
            guard let index, var watch = links[LinkKey(offset: offset, endpoint: index)] else { continue }
            let kind = watch.on(event, now: DispatchTime.now().uptimeNanoseconds)
            links[LinkKey(offset: offset, endpoint: index)] = watch
            if let kind { observer?(LinkEvent(handle: Handle(rawValue: offset), endpoint: watch.endpoint, kind: kind)) }
        }
    }

    /// How long the next poll may wait with nothing queued: until the next reconnect is due, at
    /// most `idlePollIntervalMs` (`pollIntervalMs` without a wake pair).
    static func pollTimeout(wakes: Bool, nextLinkCheck: UInt64?) -> Int {
        let bound = wakes ? idlePollIntervalMs : pollIntervalMs
        guard let due = nextLinkCheck else { return bound }
        let now = DispatchTime.now().uptimeNanoseconds
        return due <= now ? 0 : min(bound, Int((due - now) / 1_000_000) + 1)
    }

    /// The earliest time a dropped link is due to be reconnected by the loop; nil when none is.
    static func nextReconnect(_ links: [LinkKey: LinkWatch]) -> UInt64? {
        links.values.lazy.compactMap(\.attemptAt).min()
    }

    /// Reconnects every dropped link whose time has come: disconnect (whatever is left of the
    /// dead session) and connect again, with the endpoint's server key set first when it has its
    /// own; subscriptions and routing id are the socket's and carry over.
    func checkLinks(_ links: inout [LinkKey: LinkWatch], entries: [Entry], observer: (@Sendable (LinkEvent) -> Void)?) {
        let now = DispatchTime.now().uptimeNanoseconds
        for key in links.keys.sorted() {
            guard var watch = links[key], watch.reconnectDue(now: now), let link = entries[key.offset].link else { continue }
            let socket = entries[key.offset].socket
            try? socket.disconnect(watch.endpoint)
            let endpoint = link.endpoints[key.endpoint]
            let keySet = endpoint.curveServerKey.map { (try? socket.setCurveServerKey($0)) != nil } ?? true
            if !keySet || (try? socket.connect(watch.endpoint)) == nil {
                // Could not even start connecting: try again after the (doubled) backoff.
                _ = watch.on(MonitorEvent(event: MonitorEvent.Kind.disconnected.rawValue, value: 0, address: watch.endpoint), now: now)
            }
            links[key] = watch
            let handle = Handle(rawValue: key.offset)
            if watch.attempts == 1 { observer?(LinkEvent(handle: handle, endpoint: watch.endpoint, kind: .dropped(reason: watch.reason))) }
            observer?(LinkEvent(handle: handle, endpoint: watch.endpoint, kind: .reconnecting(attempt: watch.attempts)))
        }
    }
}
