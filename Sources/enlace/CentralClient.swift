import ArgumentParser
import EnlaceHTTP
import EnlaceModel
import Foundation

/// `--central URL --token TOKEN [--ca-file FILE]`, for commands that talk to the central server.
struct CentralOptions: ParsableArguments {
    @Option(help: "The central server's URL.") var central: String
    @Option(help: "An office user's token.") var token: String
    @Option(help: "CA bundle that verifies the central server's certificate.") var caFile: String?

    func validate() throws {
        if let problem = TransportPolicy.problem(centralURL: central) { throw ValidationError("--central: \(problem)") }
    }
}

/// Talks to the central server's office paths with a bearer token.
struct CentralClient {
    let options: CentralOptions

    func call(_ method: String, _ path: String, json body: JSONValue? = nil) throws -> JSONValue {
        var configuration = HTTPClientConfiguration()
        configuration.caFile = options.caFile
        configuration.totalTimeoutMillis = 60_000
        var headers = [("Authorization", "Bearer \(options.token)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let base = options.central.hasSuffix("/") ? String(options.central.dropLast()) : options.central
        let response: HTTPResponse
        do {
            response = try HTTPClient(configuration: configuration).perform(HTTPRequest(
                method: method, url: base + path, headers: headers, body: body.map { Array($0.canonicalText.utf8) }))
        } catch {
            throw CLIError.operational("central server \(options.central) unreachable: \(error.message)")
        }
        let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .null
        guard (200..<300).contains(response.status) else {
            let message = "central server answered \(response.status): " + (value["error"]?.stringValue ?? response.text)
            throw [401, 403].contains(response.status) || response.status >= 500 ? CLIError.operational(message) : CLIError.usage(message)
        }
        return value
    }
}
