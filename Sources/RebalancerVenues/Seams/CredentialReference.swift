import Foundation

/// Where a secret comes from: a file (mode 0600, owned by the user) or an environment variable.
/// A topology only ever names the reference; the secret itself is never in it.
public enum CredentialReference: Sendable, Equatable {
    /// A file holding the secret (surrounding whitespace trimmed); refused unless mode 0600 or stricter.
    case file(String)
    /// An environment variable holding the secret.
    case environment(String)

    /// Why a secret could not be loaded.
    public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, naming the file or variable.
        public var description: String
    }

    /// Reads the secret now. `environment` is passed in so tests and callers control it.
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(LoadError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw LoadError(description: "environment variable \(name) is not set")
            }
            return value
        case .file(let path):
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                throw LoadError(description: "cannot read credential file \(path)")
            }
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
            guard mode & 0o077 == 0 else {
                throw LoadError(description: "credential file \(path) has mode \(String(mode, radix: 8)); it must be 0600 (chmod 600 \(path))")
            }
            guard let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
            else {
                throw LoadError(description: "credential file \(path) is empty or not UTF-8")
            }
            return text
        }
    }
}
