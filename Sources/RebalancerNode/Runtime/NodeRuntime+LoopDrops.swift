extension NodeRuntime {
    /// Copies the socket loop's own drop counts into the counters (`loop.dropped_inbound`: messages
    /// discarded because the handler fell behind and the inbound buffer was full; `loop.conflated`:
    /// older states replaced by a newer one of the same topic), and logs the discarded ones each
    /// time their number grows: at most once a tick, so an overload never floods the log.
    public func recordLoopDrops() {
        let discarded = Int64(transport.droppedInbound)
        let before = counters["loop.dropped_inbound"]
        counters.set("loop.dropped_inbound", discarded)
        counters.set("loop.conflated", Int64(transport.conflatedInbound))
        if discarded > before {
            logger.warning("dropped messages: inbound buffer full, this node is falling behind", metadata: [
                "reason": "inbound_buffer_full", "count": "\(discarded - before)", "total": "\(discarded)",
            ])
        }
    }
}
