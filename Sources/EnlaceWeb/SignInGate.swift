import Hummingbird
import Synchronization

/// The one sign-in algorithm of every page that takes a password (the desk's, the
/// ventanilla's). Admitted first, before anything is read or hashed: one attempt at a time and
/// a few a minute per client (`SignInLimit`), and a place among the password checks
/// (`PasswordChecks`), else refused at once. Every name, known or not, takes the same path:
/// failures are counted per name in the store, a name with too many is refused whether or not
/// it exists, and an unknown name costs the same scrypt as a known one.
public struct SignInGate: Sendable {
    /// Failed sign-ins that count, and for how long: after the fifth within 15 minutes, the
    /// name is refused until the window has passed.
    public static let failureLimit = 5
    public static let windowMillis: Int64 = 15 * 60_000

    public let limit: SignInLimit
    public let checks: PasswordChecks
    /// A hash no password matches in practice, checked for unknown names; made at the cost of
    /// the real ones, on first use (on the checks' threads).
    private let decoy: Decoy

    public init(limit: SignInLimit, checks: PasswordChecks, logRounds: Int = PasswordHash.logRounds) {
        self.limit = limit
        self.checks = checks
        decoy = Decoy(logRounds: logRounds)
    }

    private final class Decoy: Sendable {
        let logRounds: Int
        let hash = Mutex<String?>(nil)
        init(logRounds: Int) { self.logRounds = logRounds }
        var value: String {
            hash.withLock { hash in
                if let hash { return hash }
                let made = (try? PasswordHash.make(WebToken.make(), logRounds: logRounds)) ?? ""
                hash = made
                return made
            }
        }
    }

    /// What a sign-in attempt came to.
    public enum Outcome<Session: Sendable>: Sendable {
        /// Signed in: the cookie's token (shown once) and the session.
        case session(token: String, Session)
        /// Wrong name or password (the same answer for both).
        case refused
        /// Too many failures with this name, known or not: refused without checking, until the
        /// window passes.
        case throttled
        /// Too many sign-ins are being checked at once (each takes 32 MiB and a tenth of a
        /// second): try again in a moment.
        case busy
        /// This client has a sign-in in flight, or made its minute's share of attempts.
        case clientLimited
    }

    /// Runs one attempt by `client`: `read` gives the name's stored hash (nil: no such name, or
    /// no password) and its recent failures; `failed` records a failure; `open` makes the
    /// session of a matching password and returns it with its cookie's token.
    public func attempt<Session: Sendable>(
        client: String, password: String, at millis: Int64,
        read: () async throws -> (hash: String?, failures: Int),
        failed: () async throws -> Void,
        open: () async throws -> (token: String, session: Session)
    ) async throws -> Outcome<Session> {
        guard limit.admit(client, at: millis) else { return .clientLimited }
        defer { limit.release(client) }
        let (stored, failures) = try await read()
        if failures >= SignInGate.failureLimit { return .throttled }
        let decoy = self.decoy
        guard let matches = await checks.run({ PasswordHash.verify(password, against: stored ?? decoy.value) }) else { return .busy }
        guard stored != nil, matches else {
            try await failed()
            return .refused
        }
        let (token, session) = try await open()
        return .session(token: token, session)
    }

    /// The page a sign-in answers with: `signedIn` with the cookie's token, or `refused` with
    /// the status and the Spanish problem — after `delay` when the refusal is to be slowed down,
    /// with `Retry-After` when there is a time to wait.
    public static func respond<Session>(
        _ outcome: Outcome<Session>, delay: Duration,
        signedIn: (String) -> Response, refused: (HTTPResponse.Status, String) -> Response
    ) async throws -> Response {
        if case .session(let token, _) = outcome { return signedIn(token) }
        guard let answer = answer(outcome) else { preconditionFailure("every outcome but a session has an answer") }
        if answer.slow { try await Task.sleep(for: delay) }
        var response = refused(.init(code: answer.status), answer.problem)
        if let seconds = answer.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// A refused attempt as its page tells it: status, the Spanish problem, and the seconds
    /// after which to retry (nil: at once). `slow` says whether the answer is to wait first.
    public static func answer<Session>(_ outcome: Outcome<Session>) -> (status: Int, problem: String, retryAfter: Int?, slow: Bool)? {
        switch outcome {
        case .session: nil
        case .refused: (401, "Nombre o contraseña incorrectos.", nil, true)
        case .busy: (503, "Hay muchas personas entrando al mismo tiempo. Inténtalo de nuevo en unos segundos.", 2, false)
        case .clientLimited: (429, "Espera un momento antes de volver a intentarlo.", 5, false)
        case .throttled: (429, "Demasiados intentos fallidos con este nombre. Espera 15 minutos o pide ayuda a una administradora.",
                          Int(windowMillis / 1000), true)
        }
    }
}
