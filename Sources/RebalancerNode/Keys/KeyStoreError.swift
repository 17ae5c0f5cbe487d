#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a key file could not be written or read.
public enum KeyStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case missing(path: String)
    /// The file exists and overwriting was not asked for.
    case exists(path: String)
    /// A secret key file that group or others may access.
    case tooOpen(path: String, mode: UInt32)
    /// The file's content is not a valid key file for the node.
    case malformed(path: String, reason: String)
    /// The key directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)

    /// A one-line explanation naming the file.
    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path): no such key file"
        case .exists(let path):
            return "\(path): already exists (refusing to replace a key)"
        case .tooOpen(let path, let mode):
            let octal = String(mode & 0o777, radix: 8)
            return "\(path): permissions 0\(octal) are too open; a secret key file must be private to its owner (chmod 600 \(path))"
        case .malformed(let path, let reason):
            return "\(path): \(reason)"
        case .cannotCreateDirectory(let path, let reason):
            return "\(path): cannot create directory: \(reason)"
        case .io(let path, let operation, let errno):
            return "\(path): \(operation) failed: \(String(cString: strerror(errno)))"
        }
    }
}
