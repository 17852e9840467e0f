/// A signed-in office user's session at the desk. The store keeps the hash of the cookie's
/// token, never the token; the CSRF token goes into every form the session is shown.
public struct DeskSession: Sendable, Equatable {
    /// SHA-256 of the cookie's token (hex).
    public let tokenHash: String
    public let user: String
    public let role: Principal.Role
    /// What every form of this session carries back.
    public let csrf: String
    /// Epoch milliseconds after which the session is over.
    public let expiresAt: Int64

    public init(tokenHash: String, user: String, role: Principal.Role, csrf: String, expiresAt: Int64) {
        self.tokenHash = tokenHash
        self.user = user
        self.role = role
        self.csrf = csrf
        self.expiresAt = expiresAt
    }
}
