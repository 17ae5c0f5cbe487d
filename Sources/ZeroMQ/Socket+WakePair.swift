import Foundation

extension Socket {
    /// Two connected inproc PAIR sockets in `context` (`inproc://<prefix>.<uuid>`): a thread
    /// blocked in `zmq_poll` on `receiver` is woken by a frame another thread sends on `sender`.
    /// Nil, with nothing left open, if either cannot be made; a caller then polls with a timeout.
    static func wakePair(in context: Context, prefix: String) -> (sender: Socket, receiver: Socket)? {
        let endpoint = "inproc://\(prefix).\(UUID().uuidString)"
        guard let receiver = try? Socket(context, .pair) else { return nil }
        guard (try? receiver.bind(endpoint)) != nil, let sender = try? Socket(context, .pair) else {
            receiver.close(linger: 0)
            return nil
        }
        guard (try? sender.connect(endpoint)) != nil else {
            sender.close(linger: 0)
            receiver.close(linger: 0)
            return nil
        }
        return (sender, receiver)
    }
}
