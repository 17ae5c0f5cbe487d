import Foundation
import RebalancerVenues
import Testing

@Suite("Adapter parameters")
struct AdapterParametersTests {
    static let hlAddress = "0x0123456789abcdef0123456789abcdef01234567"
    static let dydxAddress = "dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art"

    private func error(_ make: () throws -> Void) -> String? {
        do {
            try make()
            return nil
        } catch let error as AdapterParameterError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func goodParametersAreAccepted() throws {
        let hl = try HyperliquidReader(parameters: ["address": Self.hlAddress, "unified": "true", "timeout_ms": "2000"])
        #expect(hl.unified && hl.settings.timeoutMs == 2_000 && hl.settings.baseURL.absoluteString == "https://api.hyperliquid.xyz")
        let binance = try BinanceUSDMReader(parameters: ["api_key_env": "BINANCE_KEY", "api_secret_file": "/etc/rb/secret", "base_url": "https://testnet.binancefuture.com/"])
        #expect(binance.signer.apiKey == .environment("BINANCE_KEY") && binance.signer.secretKey == .file("/etc/rb/secret"))
        #expect(binance.settings.baseURL.absoluteString == "https://testnet.binancefuture.com")
        let dydx = try DYDXReader(parameters: ["address": Self.dydxAddress, "subaccount_number": "2"])
        #expect(dydx.subaccountNumber == 2)
    }

    @Test func badParametersNameTheField() {
        #expect(error { _ = try HyperliquidReader(parameters: [:]) } == "adapter.address: is required")
        #expect(error { _ = try HyperliquidReader(parameters: ["address": "0x12"]) } == "adapter.address: must be a 0x-prefixed 40-hex-digit address, got \"0x12\"")
        #expect(error { _ = try HyperliquidReader(parameters: ["address": Self.hlAddress, "unified": "maybe"]) } == "adapter.unified: must be true or false, got \"maybe\"")
        #expect(error { _ = try HyperliquidReader(parameters: ["address": Self.hlAddress, "adress": "x"]) } == "adapter.adress: unknown parameter")
        #expect(error { _ = try HyperliquidReader(parameters: ["address": Self.hlAddress, "timeout_ms": "0"]) }?.hasPrefix("adapter.timeout_ms: must be an integer") == true)
        // Under a second, URLSession on Linux fails every other request on a kept-alive connection.
        #expect(error { _ = try HyperliquidReader(parameters: ["address": Self.hlAddress, "timeout_ms": "500"]) }?.contains("1000") == true)
        #expect(error { _ = try HyperliquidReader(parameters: ["address": Self.hlAddress, "base_url": "ftp://x"]) }?.hasPrefix("adapter.base_url:") == true)
        #expect(error { _ = try DYDXReader(parameters: ["address": Self.hlAddress]) }?.hasPrefix("adapter.address: must be a dydx1") == true)
        #expect(error { _ = try DYDXReader(parameters: ["address": Self.dydxAddress, "subaccount_number": "-1"]) }?.hasPrefix("adapter.subaccount_number:") == true)
    }

    @Test func secretsOnlyByReference() {
        #expect(error { _ = try BinanceUSDMReader(parameters: ["api_key": "abc", "api_secret_env": "S"]) }?.hasPrefix("adapter.api_key: secrets are never written in the topology") == true)
        #expect(error { _ = try BinanceUSDMReader(parameters: ["api_secret_env": "S"]) } == "adapter.api_key_file: is required (or api_key_env)")
        #expect(error { _ = try BinanceUSDMReader(parameters: ["api_key_env": "K", "api_key_file": "/k", "api_secret_env": "S"]) } == "adapter.api_key_env: give either api_key_file or api_key_env, not both")
        #expect(error { _ = try BinanceWithdrawGateway(parameters: ["api_key_env": "K", "api_secret_env": "not a name"]) }?.hasPrefix("adapter.api_secret_env: must be an environment variable name") == true)
    }

    @Test func aMissingSecretIsUnauthorizedAtReadTimeAndSendsNothing() async throws {
        let reader = try BinanceUSDMReader(parameters: ["api_key_env": "RB_TEST_UNSET_KEY", "api_secret_env": "RB_TEST_UNSET_SECRET", "base_url": "http://127.0.0.1:9"], environment: { [:] })
        await #expect(throws: VenueError.unauthorized(code: 0, message: "environment variable RB_TEST_UNSET_KEY is not set")) {
            try await reader.snapshot()
        }
    }

    @Test func aSecretFileMustBeMode0600() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rb-secret-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("s3cret\n".utf8), attributes: [.posixPermissions: 0o644]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try BinanceUSDMReader(parameters: ["api_key_env": "K", "api_secret_file": path, "base_url": "http://127.0.0.1:9"], environment: { ["K": "key"] })
        do throws(VenueError) {
            _ = try await reader.snapshot()
            Issue.record("read with a world-readable secret")
        } catch {
            #expect(error.code == "unauthorized")
            #expect(error.description.contains("must be 0600"))
        }
    }
}
