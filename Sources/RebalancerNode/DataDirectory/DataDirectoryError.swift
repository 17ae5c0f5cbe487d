#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a node's data directory could not be opened.
public enum DataDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the directory's lock.
    case locked(path: String, holder: Int32?)
    /// The directory is recorded as another deployment's, node's or key's.
    case belongsToAnother(path: String, recorded: DataDirectoryIdentity, opening: DataDirectoryIdentity)
    /// The directory could not be created.
    case cannotCreate(path: String, reason: String)
    /// `node.json` exists but cannot be read.
    case unreadableRecord(path: String, reason: String)
    /// `node.json` could not be written.
    case cannotWriteRecord(path: String, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)

    /// A one-line explanation naming the directory and what to do.
    public var description: String {
        switch self {
        case let .locked(path, holder):
            let who = holder.map { "process \($0)" } ?? "another process"
            return "data directory \(path) is in use by \(who); two processes must never share one (stop it, or give this one its own --data-dir)"
        case let .belongsToAnother(path, recorded, opening):
            let what = recorded.topologyID != opening.topologyID ? "another deployment" : recorded.node != opening.node ? "another node" : "another key"
            return "data directory \(path) holds the state of \(what) (\(recorded)), not of \(opening); refusing to open it: "
                + "give this node its own --data-dir, or move \(path) away if that state is no longer wanted"
        case let .cannotCreate(path, reason):
            return "data directory \(path) cannot be created: \(reason)"
        case let .unreadableRecord(path, reason):
            return "\(path): not a readable data directory record (\(reason)); refusing to guess whose state the directory holds"
        case let .cannotWriteRecord(path, reason):
            return "\(path): cannot record the data directory's owner: \(reason)"
        case let .io(path, operation, errno):
            return "\(path): \(operation) failed: \(String(cString: strerror(errno)))"
        }
    }
}
