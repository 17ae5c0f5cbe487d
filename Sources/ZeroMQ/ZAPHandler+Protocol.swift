extension ZAPHandler {
    /// The ZAP (RFC 27) request/reply logic, apart from sockets so it can be tested alone.
    enum ZAPProtocol {
        /// The only ZAP version this handler speaks.
        static let version: [UInt8] = Array("1.0".utf8)

        /// The reply frames (without the ROUTER envelope) for the request frames `request` (also
        /// without envelope: version, request id, domain, address, identity, mechanism,
        /// credentials...), and the decision to report. A request too broken to carry a request
        /// id gets no reply (libzmq would not accept one).
        static func respond(to request: [[UInt8]], allowedKeys: Set<[UInt8]>) -> (reply: [[UInt8]], decision: Decision)? {
            guard request.count >= 2 else { return nil }
            let requestID = request[1]
            func text(_ index: Int) -> String {
                index < request.count ? String(decoding: request[index], as: UTF8.self) : ""
            }
            let mechanism = text(5)
            let credentials = request.count > 6 ? Array(request[6...]) : []
            let publicKey = mechanism == "CURVE" ? (credentials.first ?? []) : []
            let wellFormed = request[0] == version && request.count >= 6
            let allowed = wellFormed && mechanism == "CURVE" && credentials.count == 1
                && publicKey.count == CurveKeyPair.keyLength && allowedKeys.contains(publicKey)
            let decision = Decision(
                address: text(3), domain: text(2), mechanism: mechanism, publicKey: publicKey, allowed: allowed
            )
            let status: (code: String, text: String, user: String)
            if !wellFormed {
                status = ("500", "malformed ZAP request", "")
            } else if allowed {
                status = ("200", "OK", Z85.encode(publicKey))
            } else if mechanism == "CURVE" {
                status = ("400", "unknown CURVE key", "")
            } else {
                status = ("400", "mechanism \(mechanism) not allowed", "")
            }
            let reply: [[UInt8]] = [
                version, requestID, Array(status.code.utf8), Array(status.text.utf8), Array(status.user.utf8), [],
            ]
            return (reply, decision)
        }
    }
}
