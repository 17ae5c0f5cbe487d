import Foundation

/// One started adapter child that passed the handshake: requests go out with fresh ids and
/// wait for the reply with the same id, or for the per-request timeout, or for the child's exit.
public final class AdapterSession: Sendable {
    /// What the adapter announced.
    public let hello: AdapterProtocol.Hello
    private let child: AdapterProcess
    private let ids: IDCounter

    /// Starts `command` and performs the handshake; a version other than
    /// `AdapterProtocol.version` is refused with a clear `unsupported` error and the child stopped.
    public static func start(command: [String], timeoutMs: Int64) async throws(VenueError) -> AdapterSession {
        let child = try AdapterProcess(command: command)
        let ids = IDCounter()
        let outcome = await Self.exchange(child, id: ids.next(), method: AdapterProtocol.Method.hello.rawValue, params: ["protocol_version": AdapterProtocol.version], timeoutMs: timeoutMs)
        do throws(VenueError) {
            guard case .reply(let reply) = outcome else {
                if case .failure(let error) = outcome { throw error }
                throw .unavailable("no handshake")
            }
            if let version = try? JSONDecoder().decode(VersionOnly.self, from: reply.line).result?.protocolVersion, version != AdapterProtocol.version {
                throw .unsupported("adapter speaks protocol version \(version); this host speaks version \(AdapterProtocol.version)")
            }
            guard let hello = try reply.result(AdapterProtocol.Hello.self) else {
                throw .malformed(field: "result", detail: "hello answered null")
            }
            return AdapterSession(hello: hello, child: child, ids: ids)
        } catch {
            child.stop(graceMs: 500)
            // A slow or dead child may do better on the next start; a wrong answer will not.
            if error.isRetryable { throw error }
            throw .unsupported("handshake with \(command.joined(separator: " ")) failed: \(error)")
        }
    }

    private init(hello: AdapterProtocol.Hello, child: AdapterProcess, ids: IDCounter) {
        self.hello = hello
        self.child = child
        self.ids = ids
    }

    /// Sends `method` with `params` and waits for its reply.
    public func call(_ method: String, params: (any Encodable & Sendable)?, timeoutMs: Int64) async -> AdapterOutcome {
        await Self.exchange(child, id: ids.next(), method: method, params: params, timeoutMs: timeoutMs)
    }

    /// Sends `method` under a chosen `id` (the conformance suite checks ids are echoed).
    public func call(id: Int, _ method: String, params: (any Encodable & Sendable)?, timeoutMs: Int64) async -> AdapterOutcome {
        await Self.exchange(child, id: id, method: method, params: params, timeoutMs: timeoutMs)
    }

    /// Sends a raw line and waits for the reply with `id` (nil: the next reply with a null id).
    public func sendRaw(_ line: String, replyID: Int?, timeoutMs: Int64) async -> AdapterOutcome {
        await Self.wait(child, id: replyID, line: Data(line.utf8), timeoutMs: timeoutMs)
    }

    /// Lines from the child that were not well-formed replies (dropped and counted).
    public var malformedLines: Int { child.inbox.malformedLines }
    /// Replies that matched no waiting request.
    public var unmatchedReplies: Int { child.inbox.unmatchedReplies }
    /// Why the child is gone, or nil while it runs.
    public var exitReason: VenueError? { child.inbox.closed }
    /// The child's process id.
    public var pid: Int32 { child.pid }

    /// Closes the child's stdin and kills it if it has not exited after `graceMs`.
    public func stop(graceMs: Int = 2_000) { child.stop(graceMs: graceMs) }

    /// Closes the child's stdin and waits (up to `graceMs`) for it to exit; whether it did.
    public func stopAndWait(graceMs: Int) async -> Bool {
        child.stop(graceMs: graceMs + 1_000)
        for _ in 0..<max(1, graceMs / 20) {
            if !child.isRunning { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !child.isRunning
    }

    private static func exchange(_ child: AdapterProcess, id: Int, method: String, params: (any Encodable & Sendable)?, timeoutMs: Int64) async -> AdapterOutcome {
        let request = Request(id: id, method: method, params: params.map { AnyEncodable($0) })
        guard let line = try? JSONEncoder().encode(request) else { return .failure(.malformed(field: "params", detail: "not encodable")) }
        return await wait(child, id: id, line: line, timeoutMs: timeoutMs)
    }

    private static func wait(_ child: AdapterProcess, id: Int?, line: Data, timeoutMs: Int64) async -> AdapterOutcome {
        await withCheckedContinuation { continuation in
            child.inbox.register(id, continuation)
            guard child.send(line) else {
                child.inbox.close(child.inbox.closed ?? .unavailable("adapter no longer reads its stdin"))
                return
            }
            let inbox = child.inbox
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeoutMs))) {
                if let id { inbox.fail(id, .timeout(afterMs: timeoutMs)) } else { inbox.failNullID(.timeout(afterMs: timeoutMs)) }
            }
        }
    }

    private struct Request: Encodable {
        var id: Int
        var method: String
        var params: AnyEncodable?
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    private struct VersionOnly: Decodable {
        struct Version: Decodable {
            var protocolVersion: Int?
            enum CodingKeys: String, CodingKey { case protocolVersion = "protocol_version" }
        }
        var result: Version?
    }
}

/// Request ids, increasing from 1, shared by concurrent callers.
/// `@unchecked Sendable`: `last` is read and written only under `lock`.
final class IDCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0  // guarded by lock

    func next() -> Int { lock.withLock { last += 1; return last } }
}
