import Foundation
import RebalancerCore
import RebalancerSimulation
import RebalancerVenues
import RebalancerWire
import ZeroMQ

/// The simulated market (`rebalancer venues`) as a `TransferGateway`: a submit sends the signed
/// `TransferOrder` on the executor's `orders` DEALER, as before, and waits for the market's
/// first `OrderReceipt` (submitted or failed). The receipts, still read by the executor's receipt
/// handler, are handed to `receive(_:)`, which keeps a status table by key; `status(of:)` and
/// `find(_:)` answer from it.
///
/// The market accepts a transfer id at most once, so resubmitting after a restart (when the table
/// is empty) moves nothing again: the market's `duplicate-transfer-id` refusal of a key this
/// gateway resubmitted means the transfer was already accepted, and is reported as `submitted`.
/// `@unchecked Sendable`: the three tables are read and written only under `lock`; the runtime
/// and the socket handle are thread-safe (sends are queued to the socket loop) and immutable.
public final class SimulatedTransferGateway: TransferGateway, @unchecked Sendable {
    /// The adapter kind.
    public var kind: String { VenueAdapter.simulatedKind }
    /// How long a submit waits for the market's receipt before its outcome counts as unknown.
    public let receiptTimeoutMs: Int64

    private let runtime: NodeRuntime
    private let orders: SocketLoop.Handle
    private let lock = NSLock()
    // Guarded by lock.
    private var table: [IdempotencyKey: TransferStatus] = [:]
    private var keys: [String: IdempotencyKey] = [:]
    private var waiting: [IdempotencyKey: [CheckedContinuation<TransferStatus?, Never>]] = [:]

    /// A gateway sending on `orders`, a DEALER connected to the `venues` node.
    public init(runtime: NodeRuntime, orders: SocketLoop.Handle, receiptTimeoutMs: Int64 = 5_000) {
        self.runtime = runtime
        self.orders = orders
        self.receiptTimeoutMs = receiptTimeoutMs
    }

    /// The market's transfer id of a key: its last two `-` separated parts are planSeq and index
    /// (`IdempotencyKey(topologyID:planSeq:index:)` renders `rb-<topology>-<planSeq>-<index>`).
    public static func transferID(of key: IdempotencyKey) -> String? {
        let parts = key.rawValue.split(separator: "-")
        guard parts.count >= 3, let planSeq = UInt64(parts[parts.count - 2]), let index = Int(parts[parts.count - 1]) else { return nil }
        return Transfer.id(planSeq: planSeq, index: index)
    }

    public func submit(_ request: TransferRequest) async throws(VenueError) -> TransferStatus {
        guard request.amount > 0 else { throw .rejected(code: 0, message: "amount must be positive, got \(request.amount) cents") }
        guard let id = Self.transferID(of: request.key), let planSeq = Transfer.parseID(id)?.planSeq else {
            throw .unsupported("key \(request.key) names no plan transfer")
        }
        let known: TransferStatus? = lock.withLock {
            keys[id] = request.key
            return table[request.key]
        }
        if let known { return known }
        var order = WireTransferOrder()
        order.transferID = id
        order.planSeq = planSeq
        order.transfer.from = request.from
        order.transfer.to = request.to
        order.transfer.amount = request.amount
        guard let envelope = runtime.seal(order, type: .transferOrder) else { throw .unavailable("cannot sign the order") }
        let timeout = receiptTimeoutMs
        let answer: TransferStatus? = await withCheckedContinuation { continuation in
            lock.withLock { waiting[request.key, default: []].append(continuation) }
            runtime.send(envelope, on: orders)
            Task {
                try? await Task.sleep(for: .milliseconds(timeout))
                self.resume(request.key, with: nil)
            }
        }
        guard let answer else { throw .timeout(afterMs: timeout) }
        return answer
    }

    public func status(of key: IdempotencyKey) async throws(VenueError) -> TransferStatus {
        guard let found = try await find(key) else { throw .notFound }
        return found
    }

    public func find(_ key: IdempotencyKey) async throws(VenueError) -> TransferStatus? {
        lock.withLock { table[key] }
    }

    /// Expects receipts for `id` (a transfer submitted before a restart) under `key`.
    public func track(_ key: IdempotencyKey, id: String) {
        lock.withLock { keys[id] = key }
    }

    /// A receipt from the market: the key and new status of the transfer it is about, or nil when
    /// it names no transfer this gateway submitted. Wakes a submit waiting for it.
    public func receive(_ receipt: WireOrderReceipt) -> TransferStatus? {
        let status: TransferStatus? = lock.withLock {
            guard let key = keys[receipt.transferID] else { return nil }
            var status: TransferStatus
            switch receipt.state {
            case .submitted: status = TransferStatus(key: key, state: .submitted, reason: receipt.detail)
            case .settled: status = TransferStatus(key: key, state: .settled, reason: receipt.detail)
            case .failed where receipt.detail == Market.TransferRejection.duplicateTransferID(receipt.transferID).code:
                // Resubmitted after a restart: the market already holds it.
                status = TransferStatus(key: key, state: .submitted, reason: "already accepted by the market")
            case .failed: status = TransferStatus(key: key, state: .failed, reason: receipt.detail)
            default: return nil
            }
            if table[key]?.state == .settled || table[key]?.state == .failed { status = table[key]! }
            table[key] = status
            return status
        }
        if let status { resume(status.key, with: status) }
        return status
    }

    private func resume(_ key: IdempotencyKey, with status: TransferStatus?) {
        let continuations = lock.withLock { waiting.removeValue(forKey: key) ?? [] }
        for continuation in continuations { continuation.resume(returning: status) }
    }
}
