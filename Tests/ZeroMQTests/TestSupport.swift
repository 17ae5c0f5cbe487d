import Foundation
import ZeroMQ

/// UTF-8 bytes of `text`.
func b(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs `body` with a fresh context and terminates it afterwards (sockets created in `body` are
/// released, hence closed, by then).
func withContext<T>(_ body: (Context) throws -> T) throws -> T {
    let context = try Context()
    defer { context.terminate() }
    return try body(context)
}

/// Binds `socket` to a random local TCP port and returns the concrete endpoint.
func bindEphemeral(_ socket: Socket) throws -> String {
    try socket.bind("tcp://127.0.0.1:*")
    return socket.lastEndpoint
}

/// A started loop receiving on a bound PULL socket, and a PUSH socket connected to it.
struct PushIntoLoop {
    let context: Context
    let loop: SocketLoop
    let pull: Socket
    let push: Socket
    let stream: AsyncStream<SocketLoop.Inbound>

    init(name: String, inboundCapacity: Int) throws {
        context = try Context()
        loop = SocketLoop(context: context, name: name, inboundCapacity: inboundCapacity)
        pull = try Socket(context, .pull)
        let endpoint = try bindEphemeral(pull)
        loop.register(pull, receive: true)
        push = try Socket(context, .push)
        try push.connect(endpoint)
        stream = loop.start()
    }
}

/// Receives one message, waiting at most `seconds`.
func receive(_ socket: Socket, within seconds: Double = 5) throws -> [[UInt8]]? {
    var poller = Poller()
    poller.add(socket)
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        if let frames = try socket.receive(dontWait: true) { return frames }
        _ = try poller.poll(timeoutMs: max(1, min(50, Int(deadline.timeIntervalSinceNow * 1000))))
    } while Date() < deadline
    return try socket.receive(dontWait: true)
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns its last value.
func waitUntil(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return try condition()
}

/// Waits for the first monitor event of `kind`, at most `seconds`.
func waitForEvent(_ kind: MonitorEvent.Kind, on monitor: Socket, within seconds: Double = 5) throws -> MonitorEvent? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        guard let frames = try receive(monitor, within: deadline.timeIntervalSinceNow) else { return nil }
        if let event = MonitorEvent.decode(frames), event.kind == kind { return event }
    }
    return nil
}

/// A value shared with callbacks on other threads.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked Sendable: every access to `value` goes through `lock`.
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&value) }
    }
}

struct TimedOut: Error {}

/// Runs `operation`, failing with `TimedOut` after `seconds`.
func withTimeout<T: Sendable>(
    _ seconds: Double, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
