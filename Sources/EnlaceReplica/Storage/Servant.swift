/// A public servant with an account at her department's node, for the ventanilla: who signs in
/// there, and whom every entry she writes names as its author (`servant_id`).
public struct Servant: Sendable, Equatable {
    /// What she may do at the ventanilla: `captura` records (opens cases, registers attentions
    /// and referrals, answers referrals); `consulta` only reads.
    public enum Role: String, Sendable, CaseIterable {
        case captura, consulta
    }

    /// Her servant id, as attentions name her (`attentions.*.servant_id`) and as she signs in.
    public let id: String
    /// Her full name, as the pages greet her.
    public let name: String
    public let role: Role
    /// The folio of her competence certificate in the roster, when she is linked to one.
    public let certificationFolio: String?
    /// Her password (`PasswordHash` text); nil once revoked.
    public let passwordHash: String?
    public let createdAt: String
    /// When her account was revoked; she can no longer sign in.
    public let revokedAt: String?

    public init(id: String, name: String, role: Role, certificationFolio: String?, passwordHash: String?, createdAt: String,
                revokedAt: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.certificationFolio = certificationFolio
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Longest servant id (as `attentions.*.servant_id` allows) and name.
    public static let maxIDLength = 64, maxNameLength = 200
}

/// A servant's session at the ventanilla: the hash of its cookie's token, the CSRF token its
/// forms carry, and when it ends unless used again (it slides: every page moves it).
public struct ServantSession: Sendable, Equatable {
    public let tokenHash: String
    public let servantID: String
    public let csrf: String
    public let expiresAt: Int64

    public init(tokenHash: String, servantID: String, csrf: String, expiresAt: Int64) {
        self.tokenHash = tokenHash
        self.servantID = servantID
        self.csrf = csrf
        self.expiresAt = expiresAt
    }
}
