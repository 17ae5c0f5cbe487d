import Yams

extension YAMLFieldReader {
    /// An Ed25519 public key: 64 hex characters.
    func signingKey(_ node: Node, at path: String) -> [UInt8]? {
        guard let text = string(node, at: path) else { return nil }
        guard let key = KeyText.signingKey(text) else {
            fail(path, node, "not 64 hex characters")
            return nil
        }
        return key
    }

    /// A CURVE public key: 40 characters of Z85.
    func curveKey(_ node: Node, at path: String) -> [UInt8]? {
        guard let text = string(node, at: path) else { return nil }
        guard let key = KeyText.curveKey(text) else {
            fail(path, node, "not 40 characters of Z85")
            return nil
        }
        return key
    }
}
