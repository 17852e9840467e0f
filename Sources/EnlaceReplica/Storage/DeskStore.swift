import EnlaceModel

/// What the office desk (`/oficina/`) keeps in the store, so that every central process
/// sharing it sees the same sessions, passwords, sign-in throttling and node contacts.
public protocol DeskTransaction: DeskReading {
    /// Sets a live office user's password hash (PasswordHash); false when no live user has
    /// that name.
    func setPassword(user: String, hash: String, at time: String) async throws -> Bool
    /// Counts a failed sign-in for `user` at `millis`; failures older than `window` ms before
    /// it no longer count, and are forgotten. At most `keep` names are remembered (the oldest
    /// failures go first), however many names are invented. Returns the failures that count now.
    func recordSignInFailure(user: String, at millis: Int64, window: Int64, keep: Int) async throws -> Int
    /// Forgets a user's failed sign-ins (after a good one).
    func clearSignInFailures(user: String) async throws
    /// Keeps a new session.
    func createSession(_ session: DeskSession) async throws
    /// Ends a session (signing out); ending an unknown one does nothing.
    func deleteSession(tokenHash: String) async throws
    /// Ends every session that expired at or before `millis`; returns how many.
    func deleteExpiredSessions(at millis: Int64) async throws -> Int
    /// Records that `node` pulled after `position` (it holds everything up to it) at `millis`,
    /// reporting `version`, its clock `skew` ms from the central server's; the position never
    /// moves back.
    func recordNodeContact(_ node: String, position: Int64, at millis: Int64, version: String?, skew: Int64?) async throws
    /// Records that a signed request of `node` was refused at `millis` because its clock was
    /// `skew` ms off (its time minus the central server's), for the office.
    func recordClockOff(_ node: String, skew: Int64, at millis: Int64) async throws
}

/// The desk's reads, on a reader connection.
/// Bounds of the desk's state in the store.
public enum DeskLimits {
    /// Names whose failed sign-ins are remembered at once, at most.
    public static let maxFailureRows = 10_000
}

public protocol DeskReading {
    /// A live office user's sign-in material: role, password hash (nil: none set) and the
    /// failed sign-ins that count at `millis` within `window` ms.
    func deskLogin(user: String, at millis: Int64, window: Int64) async throws -> DeskLogin?
    /// The failed sign-ins with `user` that count at `millis` within `window` ms, whether or not
    /// such a user exists: every name is throttled alike.
    func recentSignInFailures(user: String, at millis: Int64, window: Int64) async throws -> Int
    /// The session with this token hash, when it has not expired at `millis` and its user is
    /// still live (a revoked user's sessions end with the revocation).
    func deskSession(tokenHash: String, at millis: Int64) async throws -> DeskSession?
    /// Every node's last contact.
    func nodeContacts() async throws -> [NodeContact]
    /// One node's last contact.
    func nodeContact(_ node: String) async throws -> NodeContact?
    /// The nodes whose requests were refused for a wrong clock at or after `millis`: how far off
    /// and when (the latest refusal of each).
    func clocksOff(since millis: Int64) async throws -> [String: (skew: Int64, at: Int64)]
    /// How many entries of each origin node are kept in quarantine.
    func quarantinedByOrigin() async throws -> [String: Int]
    /// The feed position of a stored entry (nil when the central server does not hold it).
    func feedPosition(of id: EntryID) async throws -> Int64?
}

/// A live office user as the sign-in form needs them.
public struct DeskLogin: Sendable, Equatable {
    public let user: String
    public let role: Principal.Role
    /// The stored PasswordHash text; nil when no password was set.
    public let passwordHash: String?
    /// Failed sign-ins that count now.
    public let recentFailures: Int

    public init(user: String, role: Principal.Role, passwordHash: String?, recentFailures: Int) {
        self.user = user
        self.role = role
        self.passwordHash = passwordHash
        self.recentFailures = recentFailures
    }
}

/// A node's last sync contact: what it acknowledged holding and what it runs.
public struct NodeContact: Sendable, Equatable {
    public let node: String
    /// The feed position it pulled after: it holds every entry up to it.
    public let position: Int64
    /// When (epoch milliseconds, central server's clock).
    public let at: Int64
    /// The software version it reported.
    public let version: String?
    /// Its clock minus the central server's at that contact (milliseconds).
    public let skew: Int64?

    public init(node: String, position: Int64, at: Int64, version: String?, skew: Int64? = nil) {
        self.node = node
        self.position = position
        self.at = at
        self.version = version
        self.skew = skew
    }
}
