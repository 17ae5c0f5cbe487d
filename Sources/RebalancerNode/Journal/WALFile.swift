import Foundation

/// Writing ahead in a SQLite WAL file: zeros past its end, so later commits overwrite instead of
/// growing it (see `Store`).
enum WALFile {
    /// Appends zeros to the file at `path` until it is `size` bytes long, then syncs it (size
    /// included). Nothing when the file is missing (SQLite creates it) or already that long.
    static func extend(path: String, to size: Int) throws {
        let fd = open(path, O_RDWR)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var offset = Int(info.st_size)
        guard offset < size else { return }
        let zeros = [UInt8](repeating: 0, count: 64 * 1024)
        while offset < size {
            let written = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, min($0.count, size - offset), off_t(offset)) }
            guard written > 0 else {
                if written < 0, errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            offset += written
        }
        guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
