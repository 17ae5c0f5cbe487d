/// A first-in first-out queue of inbound messages for `SocketLoop.resolve`: appends at the back,
/// takes from the front in O(1) (amortised), and gives its storage back once drained.
struct InboundQueue {
    private var items: [SocketLoop.Inbound] = []
    private var head = 0

    /// True when nothing waits.
    var isEmpty: Bool { head == items.count }

    /// Queues `item` at the back.
    mutating func append(_ item: SocketLoop.Inbound) { items.append(item) }

    /// Takes the oldest item, if any.
    mutating func popFirst() -> SocketLoop.Inbound? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
