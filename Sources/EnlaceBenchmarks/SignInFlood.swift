import EnlaceHTTP
import Foundation
import Synchronization

/// A sign-in flood on the central server's desk: `connections` threads, each on its own
/// connection, fetch the sign-in page and post a wrong password, again and again, until
/// `stop()`. What the server must do is admit or refuse each attempt before it costs anything;
/// the sync benchmark times rounds meanwhile. The flood comes from `127.0.0.2`, another client
/// than the nodes on `127.0.0.1`: the server's share of connections per client is part of what
/// it admits.
final class SignInFlood: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let attempts = Atomic<Int>(0)
    private let finished = DispatchGroup()

    init(baseURL: String, connections: Int) throws {
        for index in 0..<connections {
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                var configuration = HTTPClientConfiguration()
                configuration.sourceAddress = "127.0.0.2"
                guard let client = try? HTTPClient(configuration: configuration) else { return }
                let name = "coordinadora-\(index)"
                while !stopped.load(ordering: .relaxed) {
                    guard let page = try? client.perform(HTTPRequest(url: baseURL + "/oficina/entrar")),
                          let token = SignInFlood.cookie(in: page) else {
                        usleep(1_000)  // closed at once past the client's share: try again
                        continue
                    }
                    let form = "csrf=\(token)&nombre=\(name)&contrasena=equivocada-\(index)"
                    _ = try? client.perform(HTTPRequest(
                        method: "POST", url: baseURL + "/oficina/entrar",
                        headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "enlace_oficina_entrada=\(token)")],
                        body: Array(form.utf8)))
                    attempts.add(1, ordering: .relaxed)
                }
            }
            thread.start()
        }
    }

    /// Stops the flood and waits for its threads; how many sign-ins were attempted.
    func stop() -> Int {
        stopped.store(true, ordering: .relaxed)
        finished.wait()
        return attempts.load(ordering: .relaxed)
    }

    /// The sign-in form's token, from the page's `Set-Cookie`.
    static func cookie(in response: HTTPResponse) -> String? {
        let prefix = "enlace_oficina_entrada="
        for (name, value) in response.headers where name == "set-cookie" && value.hasPrefix(prefix) {
            return String(value.dropFirst(prefix.count).prefix { $0 != ";" })
        }
        return nil
    }
}
