import Foundation

/// Runs the conformance checks of docs/adapters.md against an adapter command: the handshake,
/// snapshots (fields, types, invariants), ids echoed, concurrent requests, typed errors for an
/// unknown method and a malformed request, transfer lookups, and (only when asked, since it moves
/// money) one transfer submitted twice under one key. Every check runs; the list says which failed.
public struct ConformanceSuite: Sendable {
    /// The transfer to submit when the suite is asked to check `transfer.submit`.
    public struct TransferProbe: Sendable {
        /// Amount, cents.
        public var amountCents: Int64
        /// Asset.
        public var asset: String
        /// Destination address (must be allow-listed at the venue).
        public var destination: String
        /// Network, if the venue needs one.
        public var network: String?

        /// Creates a probe.
        public init(amountCents: Int64, asset: String, destination: String, network: String? = nil) {
            self.amountCents = amountCents
            self.asset = asset
            self.destination = destination
            self.network = network
        }
    }

    /// The adapter command.
    public var command: [String]
    /// Per-request timeout, ms.
    public var timeoutMs: Int64
    /// When set, `transfer.submit` is exercised with this transfer (it really moves it).
    public var transfer: TransferProbe?

    /// A suite for `command`.
    public init(command: [String], timeoutMs: Int64 = 10_000, transfer: TransferProbe? = nil) {
        self.command = command
        self.timeoutMs = timeoutMs
        self.transfer = transfer
    }

    /// Runs every check, in order.
    public func run() async -> [ConformanceCheck] {
        var checks: [ConformanceCheck] = []
        let session: AdapterSession
        do {
            session = try await AdapterSession.start(command: command, timeoutMs: max(timeoutMs, 30_000))
        } catch {
            return [ConformanceCheck("handshake", passed: false, "\(error)")]
        }
        defer { session.stop(graceMs: 500) }
        let hello = session.hello
        checks.append(ConformanceCheck("handshake", passed: !hello.capabilities.isEmpty && !hello.adapter.isEmpty,
                                       "protocol \(hello.protocolVersion), adapter \(hello.adapter), capabilities \(hello.capabilities.map(\.rawValue).joined(separator: ","))"))
        let canRead = hello.capabilities.contains(.read)
        let canTransfer = hello.capabilities.contains(.transfer)

        if canRead {
            checks += await snapshotChecks(session)
        }
        checks.append(await idsEchoed(session, method: canRead ? "snapshot" : "hello"))
        checks.append(await concurrent(session, method: canRead ? "snapshot" : "hello"))
        checks.append(await expectError(session, "unknown-method", method: "no.such.method", params: nil, code: "unsupported"))
        checks.append(await malformedRequest(session))
        checks.append(await expectError(session, "missing-params", method: "transfer.find", params: [String: String](), code: canTransfer ? "invalid_request" : "unsupported"))
        if canTransfer {
            checks += await transferChecks(session)
        } else {
            checks.append(await expectError(session, "transfer.unsupported", method: "transfer.find", params: ["key": "rb-conformance-0-0"], code: "unsupported"))
        }
        checks.append(ConformanceCheck("no-garbage-output", passed: session.malformedLines == 0 && session.unmatchedReplies == 0,
                                       "\(session.malformedLines) malformed line(s), \(session.unmatchedReplies) unmatched repl(ies) on stdout"))
        let exited = await session.stopAndWait(graceMs: 5_000)
        checks.append(ConformanceCheck("shutdown", passed: exited, exited ? "exited when its stdin closed" : "still running 5 s after its stdin closed"))
        return checks
    }

    private func snapshotChecks(_ session: AdapterSession) async -> [ConformanceCheck] {
        var checks: [ConformanceCheck] = []
        var first: AdapterProtocol.Snapshot?
        switch await session.call("snapshot", params: nil, timeoutMs: timeoutMs) {
        case .failure(let error):
            return [ConformanceCheck("snapshot.fields", passed: false, "\(error)")]
        case .reply(let reply):
            do throws(VenueError) {
                guard let snapshot = try reply.result(AdapterProtocol.Snapshot.self) else { throw .malformed(field: "result", detail: "null") }
                first = snapshot
                checks.append(ConformanceCheck("snapshot.fields", passed: true, "equity \(snapshot.equityCents) MM \(snapshot.maintenanceMarginCents) IM \(snapshot.initialMarginCents) withdrawable \(snapshot.withdrawableCents) \(snapshot.asset) cents, \(snapshot.positions.count) position(s), margin \(snapshot.marginSource.rawValue)"))
                let violation = snapshot.violation()
                checks.append(ConformanceCheck("snapshot.invariants", passed: violation == nil, violation.map { "\($0)" } ?? "non-negative margins, withdrawable <= equity, positions well-formed"))
            } catch {
                return [ConformanceCheck("snapshot.fields", passed: false, "\(error)")]
            }
        }
        switch await session.call("snapshot", params: nil, timeoutMs: timeoutMs) {
        case .reply(let reply):
            if let second = try? reply.result(AdapterProtocol.Snapshot.self), let first {
                checks.append(ConformanceCheck("snapshot.sequence", passed: second.venueSequence >= first.venueSequence, "venue_sequence \(first.venueSequence) then \(second.venueSequence)"))
            } else {
                checks.append(ConformanceCheck("snapshot.sequence", passed: false, "second snapshot not decodable"))
            }
        case .failure(let error):
            checks.append(ConformanceCheck("snapshot.sequence", passed: false, "second snapshot: \(error)"))
        }
        return checks
    }

    private static func resultIsNull(_ reply: AdapterReply) -> Bool {
        ((try? JSONSerialization.jsonObject(with: reply.line)) as? [String: Any])?["result"] is NSNull
    }

    private func idsEchoed(_ session: AdapterSession, method: String) async -> ConformanceCheck {
        for id in [7_000_001, 42] {
            guard case .reply(let reply) = await session.call(id: id, method, params: nil, timeoutMs: timeoutMs), reply.id == id else {
                return ConformanceCheck("ids-echoed", passed: false, "no reply carrying id \(id)")
            }
        }
        return ConformanceCheck("ids-echoed", passed: true, "chosen ids come back")
    }

    private func concurrent(_ session: AdapterSession, method: String) async -> ConformanceCheck {
        let count = 8
        let timeoutMs = timeoutMs
        let answered = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<count {
                group.addTask {
                    let id = 9_000 + index
                    guard case .reply(let reply) = await session.call(id: id, method, params: nil, timeoutMs: timeoutMs * 2) else { return false }
                    return reply.id == id && reply.error == nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        return ConformanceCheck("concurrent-requests", passed: answered == count, "\(answered) of \(count) \(method) requests in flight at once answered under their ids")
    }

    private func expectError(_ session: AdapterSession, _ name: String, method: String, params: (any Encodable & Sendable)?, code: String) async -> ConformanceCheck {
        switch await session.call(method, params: params, timeoutMs: timeoutMs) {
        case .failure(let error):
            return ConformanceCheck(name, passed: false, "no reply: \(error)")
        case .reply(let reply):
            guard let error = reply.error else { return ConformanceCheck(name, passed: false, "answered with a result, expected error \(code)") }
            let known = AdapterProtocol.errorCodes.contains(error.code)
            return ConformanceCheck(name, passed: known && error.code == code, "error \(error.code): \(error.message)")
        }
    }

    private func malformedRequest(_ session: AdapterSession) async -> ConformanceCheck {
        let outcome = await session.sendRaw("{this is not json", replyID: nil, timeoutMs: timeoutMs)
        guard case .reply(let reply) = outcome, let error = reply.error else {
            return ConformanceCheck("malformed-request", passed: false, "expected an error reply with id null, got \(outcome)")
        }
        guard case .reply = await session.call("hello", params: ["protocol_version": AdapterProtocol.version], timeoutMs: timeoutMs) else {
            return ConformanceCheck("malformed-request", passed: false, "adapter stopped answering after a malformed request")
        }
        return ConformanceCheck("malformed-request", passed: error.code == "invalid_request", "error \(error.code), still answering")
    }

    private func transferChecks(_ session: AdapterSession) async -> [ConformanceCheck] {
        var checks: [ConformanceCheck] = []
        let unknown = "rb-conformance-\(UInt32.random(in: 1...UInt32.max))-0"
        switch await session.call("transfer.find", params: AdapterProtocol.KeyParams(key: unknown), timeoutMs: timeoutMs) {
        case .reply(let reply) where reply.error == nil && Self.resultIsNull(reply):
            checks.append(ConformanceCheck("transfer.find-unknown", passed: true, "null for an unknown key"))
        case let outcome:
            checks.append(ConformanceCheck("transfer.find-unknown", passed: false, "expected result null, got \(outcome)"))
        }
        checks.append(await expectError(session, "transfer.status-unknown", method: "transfer.status", params: AdapterProtocol.KeyParams(key: unknown), code: "not_found"))
        guard let probe = transfer else {
            checks.append(ConformanceCheck("transfer.submit-idempotent", passed: true, "skipped (no --transfer: it would move money)"))
            return checks
        }
        let key = "rb-conformance-\(UInt32.random(in: 1...UInt32.max))-1"
        let params = AdapterProtocol.SubmitParams(TransferRequest(key: IdempotencyKey(rawValue: key), from: "conformance", to: "conformance", amount: probe.amountCents, asset: probe.asset, destination: probe.destination, network: probe.network))
        var results: [AdapterProtocol.Transfer] = []
        for attempt in 1...2 {
            switch await session.call("transfer.submit", params: params, timeoutMs: timeoutMs) {
            case .reply(let reply):
                do throws(VenueError) {
                    guard let transfer = try reply.result(AdapterProtocol.Transfer.self) else { throw .malformed(field: "result", detail: "null") }
                    results.append(transfer)
                } catch {
                    checks.append(ConformanceCheck("transfer.submit-idempotent", passed: false, "submit \(attempt): \(error)"))
                    return checks
                }
            case .failure(let error):
                checks.append(ConformanceCheck("transfer.submit-idempotent", passed: false, "submit \(attempt): no reply: \(error)"))
                return checks
            }
        }
        let same = results[0].key == key && results[1].key == key && results[0].venueId != nil && results[0].venueId == results[1].venueId && results[1].state != .failed
        checks.append(ConformanceCheck("transfer.submit-idempotent", passed: same, "twice under \(key): venue ids \(results[0].venueId ?? "null") and \(results[1].venueId ?? "null"), state \(results[1].state.rawValue)"))
        for method in ["transfer.find", "transfer.status"] {
            let outcome = await session.call(method, params: AdapterProtocol.KeyParams(key: key), timeoutMs: timeoutMs)
            if case .reply(let reply) = outcome, let found = try? reply.result(AdapterProtocol.Transfer.self), found.key == key, found.venueId == results[0].venueId {
                checks.append(ConformanceCheck(method + "-submitted", passed: true, "state \(found.state.rawValue)"))
            } else {
                checks.append(ConformanceCheck(method + "-submitted", passed: false, "expected the submitted transfer, got \(outcome)"))
            }
        }
        return checks
    }
}
