import RebalancerCore
import RebalancerNode

extension ComposeFile {
    /// Writes `text` to `path` atomically: a temporary file beside it (mode 0644), synced, then
    /// renamed over `path`; on any error `path` is left as it was and the temporary file removed.
    public static func write(_ text: String, to path: String) throws {
        try KeyStore.writeFile(text, to: path, mode: 0o644, overwrite: true)
    }
}
