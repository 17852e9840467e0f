import EnlaceModel
import EnlaceStore
import EnlaceWeb

extension FieldNode {
    /// Adds a servant's account (`node user add`): her id as attentions name her, her name, her
    /// role and password; `certification` (a folio, or a holder's name, from the roster this node
    /// holds) links her to her competence certificate. Returns the stored account.
    public func addServant(id: String, name: String, role: Servant.Role, certification: String?, password: String,
                           logRounds: Int = PasswordHash.logRounds) async throws -> Servant {
        let id = id.trimmingCharacters(in: .whitespaces), name = name.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, id.utf8.count <= Servant.maxIDLength, !id.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw Refusal.invalid(ValidationError(.invalidValue, field: "servant_id", expected: "1 to \(Servant.maxIDLength) bytes on one line"))
        }
        guard !name.isEmpty, name.utf8.count <= Servant.maxNameLength, !name.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw Refusal.invalid(ValidationError(.invalidValue, field: "name", expected: "1 to \(Servant.maxNameLength) bytes on one line"))
        }
        if let weakness = PasswordHash.weakness(password) { throw Refusal.invalid(ValidationError(.invalidValue, field: "password", expected: weakness)) }
        var folio: String?
        if let certification { folio = try await certificationFolio(matching: certification) }
        let servant = Servant(id: id, name: name, role: role, certificationFolio: folio,
                              passwordHash: try PasswordHash.make(password, logRounds: logRounds), createdAt: RFC3339.format(millis: clock()))
        guard try await store.addServant(servant) else { throw ServantAccountError.idTaken(id) }
        return servant
    }

    /// Sets a live servant's password; her open sessions end.
    public func setServantPassword(id: String, password: String, logRounds: Int = PasswordHash.logRounds) async throws {
        if let weakness = PasswordHash.weakness(password) { throw Refusal.invalid(ValidationError(.invalidValue, field: "password", expected: weakness)) }
        guard try await store.setServantPassword(id: id, hash: try PasswordHash.make(password, logRounds: logRounds)) else {
            throw ServantAccountError.noAccount(id)
        }
    }

    /// Revokes a servant's account at once: she cannot sign in, and her open sessions end.
    public func revokeServant(id: String) async throws {
        guard try await store.revokeServant(id: id, at: RFC3339.format(millis: clock())) else {
            throw ServantAccountError.noAccount(id)
        }
    }

    /// Every certification this node holds, as JSON (the roster is small: one per certified servant).
    public func certifications() async throws -> [JSONValue] {
        var documents: [JSONValue] = []
        var after: String?
        repeat {
            let page = try await list(.certification, after: after, limit: 500)
            documents += try page.items.map { try JSONValue.parse($0) }
            after = page.next
        } while after != nil
        return documents
    }

    /// The folio of the one certification whose folio, or holder's name, is `text` (case and
    /// accents as written in the roster, spaces trimmed); refused when none or several match.
    func certificationFolio(matching text: String) async throws -> String {
        let wanted = text.trimmingCharacters(in: .whitespaces).lowercased()
        let all = try await certifications()
        if let exact = all.first(where: { $0["folio"]?.stringValue?.lowercased() == wanted }), let folio = exact["folio"]?.stringValue {
            return folio
        }
        let byName = all.filter { $0["holder_name"]?.stringValue?.trimmingCharacters(in: .whitespaces).lowercased() == wanted }
        guard byName.count == 1, let folio = byName[0]["folio"]?.stringValue else {
            throw byName.isEmpty ? ServantAccountError.certificateNotFound(text) : ServantAccountError.certificateAmbiguous(text, byName.count)
        }
        return folio
    }
}

/// Why a servant's account could not be made or changed.
public enum ServantAccountError: Error, Equatable, CustomStringConvertible {
    /// Another account has this servant id.
    case idTaken(String)
    /// No live account has this servant id.
    case noAccount(String)
    /// No certificate in the node's roster has this folio or holder's name.
    case certificateNotFound(String)
    /// Several certificates name this holder: the folio tells them apart.
    case certificateAmbiguous(String, Int)

    public var description: String {
        switch self {
        case .idTaken(let id): "a servant with id \(id) already has an account at this node"
        case .noAccount(let id): "no live servant account with id \(id) at this node"
        case .certificateNotFound(let text): "no certification in this node's roster has folio or holder name \(text)"
        case .certificateAmbiguous(let text, let count): "\(count) certifications name \(text) as holder: give the folio"
        }
    }

    /// The same, in Spanish, for the person at the terminal.
    public var spanish: String {
        switch self {
        case .idTaken(let id): "ya hay una cuenta con el identificador \(id) en este nodo"
        case .noAccount(let id): "no hay una cuenta activa con el identificador \(id) en este nodo"
        case .certificateNotFound(let text): "--certification «\(text)»: ningún certificado del padrón de este nodo tiene ese folio ni ese nombre (¿ya se importó el padrón y se sincronizó el nodo?)"
        case .certificateAmbiguous(let text, let count): "--certification «\(text)»: \(count) certificados del padrón llevan ese nombre; da el folio"
        }
    }
}

/// Where a servant's competence certificate stands today, from the roster the node holds.
public struct CertificateStanding: Sendable, Equatable {
    public let folio: String
    public let standard: String
    public let status: String
    public let validUntil: String?
    /// `vigente`, and not past its date in León.
    public let current: Bool

    /// In a sentence, as the ventanilla and `node user list` show it: "EC0539 vigente hasta el 30 jun 2027".
    public var spanish: String {
        let standard = self.standard == "OTRO" ? "Certificado" : self.standard
        if current { return "\(standard) vigente" + (validUntil.map { " hasta el \(LeonTime.formatDate($0))" } ?? "") }
        if status == "vigente", let validUntil { return "\(standard) vencido el \(LeonTime.formatDate(validUntil))" }
        return "\(standard) \(DisplayVocabulary.value(status, in: .certificationStatus).lowercased())"
    }
}

extension FieldNode {
    /// Where the certificate with `folio` stands today; nil when the roster holds no such folio.
    public func certificateStanding(folio: String) async throws -> CertificateStanding? {
        guard let certificate = try await certifications().first(where: { $0["folio"]?.stringValue == folio }) else { return nil }
        return FieldNode.standing(of: certificate, today: LeonTime.day(millis: clock()))
    }

    static func standing(of certificate: JSONValue, today: String) -> CertificateStanding {
        let status = certificate["status"]?.stringValue ?? "vigente"
        let validUntil = certificate["valid_until"]?.stringValue
        return CertificateStanding(folio: certificate["folio"]?.stringValue ?? "", standard: certificate["standard_code"]?.stringValue ?? "OTRO",
                                   status: status, validUntil: validUntil, current: status == "vigente" && (validUntil.map { $0 >= today } ?? true))
    }
}
