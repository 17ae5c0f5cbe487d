import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension KeyStore {
    /// Writes `text` to `path` through a temporary file created with `mode` from the start (never
    /// chmod-ed after the secret is in it), then moves it into place; without `overwrite` an existing
    /// file is left alone and reported.
    public static func writeFile(_ text: String, to path: String, mode: mode_t, overwrite: Bool) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw KeyStoreError.io(path: temporary, operation: "create", errno: errno) }
        defer { unlink(temporary) }
        do {
            defer { close(fd) }
            // The umask may only narrow `mode`; make a public file's mode exact before any byte is written.
            if mode & 0o044 != 0, fchmod(fd, mode) != 0 { throw KeyStoreError.io(path: temporary, operation: "fchmod", errno: errno) }
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { posixWrite(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { throw KeyStoreError.io(path: temporary, operation: "write", errno: errno) }
                written += count
            }
            guard fsync(fd) == 0 else { throw KeyStoreError.io(path: temporary, operation: "fsync", errno: errno) }
        }
        if overwrite {
            guard rename(temporary, path) == 0 else { throw KeyStoreError.io(path: path, operation: "rename", errno: errno) }
        } else {
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw KeyStoreError.exists(path: path) }
                throw KeyStoreError.io(path: path, operation: "link", errno: errno)
            }
        }
    }

    /// Reads a file; with `secret`, refuses one that is not a regular file private to its owner.
    static func readFile(_ path: String, secret: Bool) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (secret ? O_NOFOLLOW : 0))
        guard fd >= 0 else {
            if errno == ENOENT { throw KeyStoreError.missing(path: path) }
            throw KeyStoreError.io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw KeyStoreError.io(path: path, operation: "fstat", errno: errno) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw KeyStoreError.malformed(path: path, reason: "not a regular file") }
        if secret, status.st_mode & 0o077 != 0 { throw KeyStoreError.tooOpen(path: path, mode: UInt32(status.st_mode)) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw KeyStoreError.io(path: path, operation: "read", errno: errno) }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= 64 * 1024 else { throw KeyStoreError.malformed(path: path, reason: "too large for a key file") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw KeyStoreError.malformed(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    /// Creates `dir` (and its parents) private to the owner when it does not exist yet.
    static func makeDirectory(_ dir: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw KeyStoreError.cannotCreateDirectory(path: dir, reason: error.localizedDescription)
        }
    }
}

/// `write(2)`, out of reach of `KeyStore.write` in name lookup.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
