import Foundation
import VenueFixtures

extension Cluster {
    /// Writes the Binance fixture's API key and secret into the cluster's directory, mode 0600 from
    /// the start (as an operator keeps them); returns their paths for the adapter's parameters.
    func writeBinanceCredentials() throws -> (keyFile: String, secretFile: String) {
        let keyFile = directory + "/binance.key", secretFile = directory + "/binance.secret"
        for (path, text) in [(keyFile, FixtureVenue.apiKey), (secretFile, FixtureVenue.apiSecret)] {
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ClusterError("cannot write \(path)")
            }
        }
        return (keyFile, secretFile)
    }
}
