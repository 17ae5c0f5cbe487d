import CZeroMQ

/// The ZeroMQ socket patterns this wrapper supports.
public enum SocketType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Publisher: fans every message out to matching subscribers.
    case pub
    /// Subscriber: receives messages whose first frame starts with a subscribed prefix.
    case sub
    /// Router: prefixes inbound messages with the peer's routing id and routes outbound ones by it.
    case router
    /// Dealer: load-balances outbound messages, fair-queues inbound ones.
    case dealer
    /// Exclusive pair: one peer, both directions.
    case pair
    /// Pipeline producer.
    case push
    /// Pipeline consumer.
    case pull

    /// The pattern's name, as in an error's operation (`zmq_send(router)`).
    public var description: String { rawValue }

    /// The libzmq constant (`ZMQ_PUB`, ...).
    var zmqType: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pair: ZMQ_PAIR
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        }
    }
}
