import RebalancerWire

extension NodeKeys {
    /// The node's Ed25519 key as the wire module's signer.
    public func signer() throws -> SigningKey { try SigningKey(seed: signingSecret) }
}
