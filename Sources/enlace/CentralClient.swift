import ArgumentParser
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
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
        let answer: JSONClient.Answer
        do {
            answer = try JSONClient(baseURL: options.central, headers: [("Authorization", "Bearer \(options.token)")],
                                    configuration: configuration).call(method, path, json: body)
        } catch {
            throw CLIError.operational("central server \(options.central) unreachable: \(error.message)")
        }
        guard answer.isSuccess else {
            let message = "central server answered \(answer.status): " + (answer.json["error"]?.stringValue ?? answer.text)
            throw [401, 403].contains(answer.status) || answer.status >= 500 ? CLIError.operational(message) : CLIError.usage(message)
        }
        return answer.json
    }
}
