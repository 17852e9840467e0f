#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// A flood of wrong-password sign-ins at the desk (each a 32 MiB scrypt) against a real central
/// server: it is refused at once past what the password checks take, and the sync rounds and
/// health checks beside it complete. Figures are printed, never asserted.
@Suite("Sign-in flood", .serialized)
struct SignInFloodTests {
    /// One wrong-password sign-in as a browser makes it: the form (its CSRF token and cookie),
    /// then the post. Returns the post's status.
    static func attempt(url: String, client: String, name: String) -> Int {
        var configuration = HTTPClientConfiguration()
        configuration.totalTimeoutMillis = 30_000
        guard let http = try? HTTPClient(configuration: configuration),
              let form = try? http.perform(HTTPRequest(url: url + "/oficina/entrar", headers: [("X-Forwarded-For", client)])),
              let cookie = form.headers.first(where: { $0.0.lowercased() == "set-cookie" })?.1.split(separator: ";").first,
              let range = form.text.range(of: #"name="csrf" value=""#)
        else { return -1 }
        let token = form.text[range.upperBound...].prefix { $0 != "\"" }
        let body = "csrf=\(token)&nombre=\(name)&contrasena=una-contrasena-equivocada"
        return (try? http.perform(HTTPRequest(
            method: "POST", url: url + "/oficina/entrar",
            headers: [("X-Forwarded-For", client), ("Cookie", String(cookie)), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8))).status) ?? -1
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    @Test("40 clients flooding the desk's sign-in are refused (503/429) at once while a node's sync rounds and /healthz complete")
    func floodRefusedWhileSyncGoesOn() async throws {
        let central = try await RunningCentral()
        // Behind a load balancer on loopback: the flood's 40 clients are told apart by it.
        try central.start(["--trusted-proxies", "127.0.0.1"])
        _ = try EnlaceBinary.run(["central", "user", "add", "--data", central.data, "--name", "coordinadora", "--role", "resolver", "--json"])
        let node = try central.node("c4-01", "C4")
        try node.start()
        #expect(try node.request("POST", "/v1/cases", ["intake_channel": "presencial"]).status == 201)
        func round() throws -> Double {
            let started = Date()
            #expect(try node.request("POST", "/v1/sync").status == 200)
            return Date().timeIntervalSince(started) * 1000
        }
        func health() throws -> Double {
            let started = Date()
            #expect(try central.request("GET", "/healthz", token: nil).status == 200)
            return Date().timeIntervalSince(started) * 1000
        }
        let quietRounds = try (0..<5).map { _ in try round() }
        let quietHealth = try (0..<5).map { _ in try health() }

        let statuses = FailureLog()
        let stop = Counter(), done = Counter()
        let url = central.url
        let flood = Thread {
            Workers.run(40) { index in
                while stop.current == 0 {
                    let status = SignInFloodTests.attempt(url: url, client: "10.0.0.\(index + 1)", name: index % 2 == 0 ? "coordinadora" : "nadie-\(index)")
                    statuses.record("\(status)")
                }
            }
            _ = done.next()
        }
        flood.start()
        // The flood is on once its first refusals come back.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, statuses.messages.count < 40 { usleep(10_000) }
        let floodRounds = try (0..<5).map { _ in try round() }
        let floodHealth = try (0..<5).map { _ in try health() }
        _ = stop.next()
        while done.current == 0 { usleep(10_000) }
        let seen = Dictionary(grouping: statuses.messages.compactMap { Int($0) }, by: { $0 }).mapValues(\.count)
        print("sign-in flood: answers \(seen.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))")
        print(String(format: "sign-in flood: sync round median %.1f ms quiet, %.1f ms during the flood; /healthz median %.1f ms quiet, %.1f ms during",
                     Self.median(quietRounds), Self.median(floodRounds), Self.median(quietHealth), Self.median(floodHealth)))
        #expect((seen[503] ?? 0) + (seen[429] ?? 0) > 0, "the flood was refused: \(seen)")
        #expect(seen.keys.allSatisfy { [401, 429, 503].contains($0) }, "no other answer: \(seen)")
    }
}
