import Foundation

/// Fans dashboard events out to every open event stream, and keeps what a page that opens later
/// needs to catch up: the deployment, each venue's recent history, the latest plans, transfers and
/// alerts. Bounded everywhere; a slow page loses its oldest unsent events, never the process's memory.
/// `@unchecked Sendable`: every mutable field is read and written only under `lock`; `window`
/// is immutable and the stream continuations are thread-safe.
public final class DashboardHub: @unchecked Sendable {
    /// How far back venue histories go.
    public let window: Duration
    private let lock = NSLock()
    // Everything below is guarded by `lock`.
    private var hello: DashboardEvent?
    private var history: [String: [DashboardEvent.VenuePoint]] = [:]
    private var recent: [DashboardEvent] = []
    private var streams: [UUID: AsyncStream<DashboardEvent>.Continuation] = [:]
    private var finished = false

    /// Creates a hub whose venue histories reach back `window`.
    public init(window: Duration = .seconds(300)) {
        self.window = window
    }

    /// Publishes an event to every stream and to the catch-up state.
    public func publish(_ event: DashboardEvent) {
        let targets = lock.withLock { () -> [AsyncStream<DashboardEvent>.Continuation] in
            switch event {
            case .hello: hello = event
            case let .venue(point):
                var points = history[point.venue, default: []]
                points.append(point)
                let horizon = point.observedAtMs - Double(window.components.seconds) * 1000
                points.removeAll { $0.observedAtMs < horizon }
                if points.count > 2000 { points.removeFirst(points.count - 2000) }
                history[point.venue] = points
            case .plan, .transfer, .alert:
                recent.append(event)
                if recent.count > 200 { recent.removeFirst(recent.count - 200) }
            }
            return Array(streams.values)
        }
        for stream in targets { stream.yield(event) }
    }

    /// A new stream: the catch-up state first, then every event as it is published, until the
    /// hub finishes or the consumer goes away.
    public func subscribe() -> AsyncStream<DashboardEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<DashboardEvent>.makeStream(bufferingPolicy: .bufferingNewest(5000))
        lock.withLock {
            if let hello { continuation.yield(hello) }
            for points in history.values { for point in points { continuation.yield(.venue(point)) } }
            for event in recent { continuation.yield(event) }
            if finished { continuation.finish() } else { streams[id] = continuation }
        }
        continuation.onTermination = { [weak self] _ in
            self?.lock.withLock { _ = self?.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// Number of open streams.
    public var subscribers: Int { lock.withLock { streams.count } }

    /// Ends every stream (shutdown); later subscribers get the catch-up state and an end.
    public func finish() {
        let targets = lock.withLock { () -> [AsyncStream<DashboardEvent>.Continuation] in
            finished = true
            defer { streams.removeAll() }
            return Array(streams.values)
        }
        for stream in targets { stream.finish() }
    }
}
