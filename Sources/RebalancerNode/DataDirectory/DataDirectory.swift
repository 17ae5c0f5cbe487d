import Foundation
import RebalancerCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A node's data directory, opened for this process alone and for this deployment alone.
///
/// Opening takes an exclusive `flock` on `<dir>/lock` (held until `release()` or the process
/// exits, so a second process opening the same folder is refused and told the holder's pid), then
/// compares `<dir>/node.json` (topology id, node id, the node's public signing key) with the
/// deployment opening it: a directory recorded for another topology, node or key is refused, so a
/// new deployment never resumes an old one's journal. The record is written on first open.
public struct DataDirectory: Sendable {
    /// The directory.
    public let path: String
    /// Whose directory it is.
    public let identity: DataDirectoryIdentity
    /// True when the directory already held files but no record (made before records existed):
    /// it was recorded as this node's on this open.
    public let adopted: Bool
    private let lockDescriptor: Int32

    /// `<dir>/node.json`.
    public static func recordPath(_ dir: String) -> String { "\(dir)/node.json" }

    /// `<dir>/lock`.
    public static func lockPath(_ dir: String) -> String { "\(dir)/lock" }

    /// Creates the directory if needed (mode 0700), locks it for this process and checks or writes
    /// its identity record; throws `DataDirectoryError` and changes nothing when it is another
    /// process's, deployment's, node's or key's.
    public static func open(path: String, identity: DataDirectoryIdentity) throws -> DataDirectory {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DataDirectoryError.cannotCreate(path: path, reason: error.localizedDescription)
        }
        let fd = try lock(path)
        do {
            let adopted = try claim(path, for: identity)
            return DataDirectory(path: path, identity: identity, adopted: adopted, lockDescriptor: fd)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Gives the lock up (normally it is held until the process exits).
    public func release() {
        close(lockDescriptor)
    }

    /// Checks the record against `identity`, or writes it when there is none. True when the
    /// directory held other files but no record.
    private static func claim(_ path: String, for identity: DataDirectoryIdentity) throws -> Bool {
        let recordPath = recordPath(path)
        if let data = FileManager.default.contents(atPath: recordPath) {
            let recorded: DataDirectoryIdentity
            do {
                recorded = try JSONDecoder().decode(DataDirectoryIdentity.self, from: data)
            } catch {
                throw DataDirectoryError.unreadableRecord(path: recordPath, reason: "\(error)")
            }
            guard recorded == identity else {
                throw DataDirectoryError.belongsToAnother(path: path, recorded: recorded, opening: identity)
            }
            return false
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let adopted = existing.contains { $0 != "lock" && !$0.hasPrefix("node.json") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let text = String(decoding: try encoder.encode(identity), as: UTF8.self) + "\n"
        do {
            try KeyStore.writeFile(text, to: recordPath, mode: 0o600, overwrite: false)
        } catch {
            throw DataDirectoryError.cannotWriteRecord(path: recordPath, reason: "\(error)")
        }
        return adopted
    }

    /// Opens `<dir>/lock` and takes an exclusive lock without waiting; writes this pid into it.
    private static func lock(_ path: String) throws -> Int32 {
        let lockPath = lockPath(path)
        let fd = posixOpen(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw DataDirectoryError.io(path: lockPath, operation: "open", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = readPID(fd)
            close(fd)
            if failure == EWOULDBLOCK { throw DataDirectoryError.locked(path: path, holder: holder) }
            throw DataDirectoryError.io(path: lockPath, operation: "flock", errno: failure)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    /// The pid the lock holder wrote into the lock file, if readable.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// `open(2)`, out of reach of `DataDirectory.open` in name lookup.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
