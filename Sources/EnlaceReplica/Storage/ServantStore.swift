/// A node's servant accounts and their ventanilla sessions (`JournalStore` implements it).
/// Nothing here is replicated: accounts and sessions belong to the machine.
public protocol ServantStore: Sendable {
    /// Every account, revoked ones too, by id.
    func servants() async throws -> [Servant]
    func servant(id: String) async throws -> Servant?
    /// Adds an account; false when the id is taken.
    func addServant(_ servant: Servant) async throws -> Bool
    /// Sets a live account's password and ends its sessions; false when there is no live
    /// account with that id.
    func setServantPassword(id: String, hash: String) async throws -> Bool
    /// Revokes a live account and ends its sessions; false when there is none.
    func revokeServant(id: String, at time: String) async throws -> Bool
    /// A live account's password hash (nil when unknown or revoked) and the failed sign-ins
    /// with `id` since `millis - window`.
    func servantSignIn(id: String, at millis: Int64, window: Int64) async throws -> (hash: String?, failures: Int)
    /// Counts a failed sign-in with `id` (windowed; at most `keep` names remembered); returns
    /// the count within the window.
    func recordServantFailure(id: String, at millis: Int64, window: Int64, keep: Int) async throws -> Int
    /// Stores a new session, forgets the name's failures and every expired session.
    func openServantSession(_ session: ServantSession, at millis: Int64) async throws
    /// The live session with `tokenHash` and its live account; the session then lasts until
    /// `millis + idle` (idle sessions end).
    func useServantSession(tokenHash: String, at millis: Int64, idle: Int64) async throws -> (ServantSession, Servant)?
    func endServantSession(tokenHash: String) async throws
}
