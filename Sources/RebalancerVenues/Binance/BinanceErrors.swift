/// Sorting Binance's error answers (4xx with `{"code","msg"}`) into `VenueError`s.
public enum BinanceErrors {
    /// Codes that mean the credentials were refused: -1022 bad signature, -2014 malformed API
    /// key, -2015 unknown key, IP not allowed or missing permission, -1002 unauthorized.
    public static let unauthorizedCodes: Set<Int> = [-1002, -1022, -2014, -2015]

    /// The error for a non-200 answer.
    public static func error(for response: VenueHTTPResponse) -> VenueError {
        guard let body = try? VenueJSON.decode(BinanceResponses.APIError.self, from: response.body) else {
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            if response.status == 401 || response.status == 403 {
                return .unauthorized(code: response.status, message: text)
            }
            return .rejected(code: response.status, message: text)
        }
        if unauthorizedCodes.contains(body.code) || response.status == 401 || response.status == 403 {
            return .unauthorized(code: body.code, message: body.msg)
        }
        return .rejected(code: body.code, message: body.msg)
    }
}
