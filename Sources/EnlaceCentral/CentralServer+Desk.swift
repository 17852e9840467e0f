import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Foundation
import Synchronization

extension CentralServer {
    /// How long a desk session lasts: a working day.
    static let deskSessionMillis: Int64 = 8 * 3_600_000
    static let signInFailureLimit = SignInGate.failureLimit
    static let signInWindowMillis = SignInGate.windowMillis

    /// Sets an office user's desk password (`central user add --password-stdin`). Audited
    /// without the password or its hash.
    public func setPassword(user: String, password: String, by actor: String) async throws {
        if let weakness = PasswordHash.weakness(password) { throw Refusal.invalid(ValidationError(.invalidValue, field: "password", expected: weakness)) }
        let hash = try PasswordHash.make(password, logRounds: passwordLogRounds)
        let at = now()
        try await storage.transaction { transaction in
            guard try await transaction.setPassword(user: user, hash: hash, at: RFC3339.format(millis: at)) else {
                throw Refusal.notFound("no live office user named \(user)")
            }
            try await AuditLog.append("user.password", actor: actor, subject: user, at: at, in: transaction)
        }
    }

    /// What a sign-in attempt came to.
    public typealias SignIn = SignInGate.Outcome<DeskSession>

    /// Checks a name and password at the desk through the shared `SignInGate`: failures are
    /// counted in the store (shared by every central process) per name, audited once when a
    /// name starts failing and once when it is locked, so an invented name cannot fill the log.
    /// The caller slows its refusals down.
    public func signIn(user: String, password: String, client: String) async throws -> SignIn {
        let at = now()
        var login: DeskLogin?
        return try await signInGate.attempt(client: client, password: password, at: at, read: {
            let (found, failures) = try await storage.deskRead { reader in
                await (try reader.deskLogin(user: user, at: at, window: CentralServer.signInWindowMillis),
                 try reader.recentSignInFailures(user: user, at: at, window: CentralServer.signInWindowMillis))
            }
            login = found
            return (found?.passwordHash, failures)
        }, failed: {
            try await storage.transaction { transaction in
                let count = try await transaction.recordSignInFailure(user: user, at: at, window: CentralServer.signInWindowMillis,
                                                               keep: DeskLimits.maxFailureRows)
                if count == 1 { try await AuditLog.append("desk.signin.failed", actor: "desk", subject: user, at: at, in: transaction) }
                if count == CentralServer.signInFailureLimit {
                    try await AuditLog.append("desk.signin.throttled", actor: "desk", subject: user, at: at, in: transaction)
                }
            }
        }, open: {
            let token = WebToken.make()
            let session = DeskSession(tokenHash: WebToken.hash(token), user: login!.user, role: login!.role,
                                      csrf: WebToken.make(), expiresAt: at + CentralServer.deskSessionMillis)
            try await storage.transaction { transaction in
                try await transaction.clearSignInFailures(user: user)
                _ = try await transaction.deleteExpiredSessions(at: at)
                try await transaction.createSession(session)
                try await AuditLog.append("desk.signin", actor: user, subject: user, at: at, in: transaction)
            }
            return (token, session)
        })
    }

    /// The live session a desk cookie's token opens, if any.
    public func deskSession(token: String) async throws -> DeskSession? {
        let at = now()
        return try await storage.deskRead { try await $0.deskSession(tokenHash: WebToken.hash(token), at: at) }
    }

    /// Ends a desk session. Audited.
    public func signOut(_ session: DeskSession) async throws {
        let at = now()
        try await storage.transaction { transaction in
            try await transaction.deleteSession(tokenHash: session.tokenHash)
            try await AuditLog.append("desk.signout", actor: session.user, subject: session.user, at: at, in: transaction)
        }
    }
}

extension CentralServer {
    /// What the desk shows of one conflict: the conflict, each version's clock and department,
    /// the record's context, and which nodes holding the record received its resolution.
    public struct DeskConflict: Sendable {
        public let conflict: StoredConflict
        public let json: JSONValue
        /// The vector clock of each version's entry (and of the resolution's), by entry id.
        public let clocks: [String: String]
        /// Each node's department, from the directory.
        public let departments: [String: String]
        /// The record's current JSON.
        public let record: JSONValue?
        /// The nodes of the departments that hold the record, and whether each acknowledged
        /// the resolution's position (nil while unresolved).
        public let holders: [(node: String, department: String, received: Bool?, lastContact: Int64?)]
    }

    /// One conflict for the desk, in one snapshot. The read is audited: it shows a woman's data.
    public func deskConflict(id: String, by user: String) async throws -> DeskConflict {
        let at = now()
        return try await storage.transaction { transaction in
            guard let conflict = try await transaction.conflict(id: id) else { throw Refusal.notFound("no conflict with id \(id)") }
            let json = try JSONValue.parse(conflict.json)
            let entries = try await transaction.entries(of: conflict.key)
            var clocks: [String: String] = [:]
            for entry in entries { clocks[entry.id.description] = entry.clock.description }
            let directory = try await transaction.directory()
            var departments: [String: String] = [:]
            for (node, member) in directory.members { departments[node.rawValue] = member.department ?? "" }
            let record = try await transaction.documentText(conflict.key).map(JSONValue.parse)
            // Who holds the record: for a case its scope; a certificate goes to every department.
            let holding: Set<String> = await conflict.key.type == .caseFile
                ? try transaction.scope(ofCase: conflict.key.id) : Set(departments.values)
            var position: Int64?
            if let entry = json["resolution"]?["entry"]?.stringValue, let entryID = EntryID(entry) {
                position = try await transaction.feedPosition(of: entryID)
            }
            let contacts = await Dictionary(try transaction.nodeContacts().map { ($0.node, $0) }, uniquingKeysWith: { a, _ in a })
            let holders = directory.members.filter { !$0.value.revoked && holding.contains($0.value.department ?? "") }
                .map { node, member in
                    let contact = contacts[node.rawValue]
                    return (node: node.rawValue, department: member.department ?? "",
                            received: position.map { position in (contact?.position ?? 0) >= position }, lastContact: contact?.at)
                }
                .sorted { ($0.department, $0.node) < ($1.department, $1.node) }
            try await AuditLog.append("conflict.read", actor: user, subject: conflict.key.id, detail: ["conflict": .string(id)], at: at, in: transaction)
            return DeskConflict(conflict: conflict, json: json, clocks: clocks, departments: departments, record: record, holders: holders)
        }
    }

    /// A conflict as the desk's list shows it: the record by its folio and the woman's name (a
    /// certificate by its holder and folio), every department involved, who decided and when.
    public struct DeskConflictRow: Sendable {
        public let conflict: StoredConflict
        public let recordTitle: String
        /// Every department whose node wrote a competing version (the office too, once it decided).
        public let departments: [String]
        public let versions: Int
        public let resolvedBy: String?
        public let resolvedAt: String?
    }

    /// The desk's list of conflicts: those `filter` keeps (at most `readLimit` read), in order,
    /// the first `showLimit` with their record and departments; how many matched; the open ones
    /// by department. Audited when it shows any: the titles carry women's names.
    public func deskConflictRows(_ filter: ConflictFilter, newestFirst: Bool, readLimit: Int, showLimit: Int, by user: String) async throws
        -> (rows: [DeskConflictRow], matched: Int, counts: [String: Int])
    {
        let at = now()
        return try await storage.transaction { transaction in
            var all: [StoredConflict] = []
            var after: String?
            repeat {
                let page = try await transaction.conflicts(filter, after: after, limit: 5000)
                all += page.items
                after = page.next
            } while after != nil && all.count < readLimit
            all.sort { newestFirst ? ($0.firstAt, $0.id) > ($1.firstAt, $1.id) : ($0.firstAt, $0.id) < ($1.firstAt, $1.id) }
            let directory = try await transaction.directory()
            var titles: [RecordKey: String] = [:]
            let rows = try await all.prefix(showLimit).asyncMap { conflict -> DeskConflictRow in
                let json = try JSONValue.parse(conflict.json)
                if titles[conflict.key] == nil {
                    titles[conflict.key] = CentralServer.title(of: conflict.key, document: try await transaction.documentText(conflict.key).map(JSONValue.parse))
                }
                let versions = json["versions"]?.arrayValue ?? []
                var departments = versions.compactMap { version -> String? in
                    version["node_id"]?.stringValue.flatMap(NodeID.init).map { node in node == .central ? "CENTRAL" : directory.department(of: node) ?? "" }
                }
                if json["resolution"]?["by"] != nil { departments.append("CENTRAL") }
                var seen: Set<String> = []
                departments = departments.filter { !$0.isEmpty && seen.insert($0).inserted }
                return DeskConflictRow(conflict: conflict, recordTitle: titles[conflict.key] ?? conflict.key.id, departments: departments,
                                       versions: versions.count, resolvedBy: json["resolution"]?["by"]?.stringValue,
                                       resolvedAt: json["resolution"]?["at"]?.stringValue)
            }
            if !rows.isEmpty {
                try await AuditLog.append("conflicts.list", actor: user, subject: "\(rows.count)",
                                    detail: ["records": .array(Array(Set(rows.map(\.conflict.key.id))).sorted().map(JSONValue.string)), "via": "desk"],
                                    at: at, in: transaction)
            }
            return (rows, all.count, try await transaction.openConflictsByDepartment())
        }
    }

    /// How the desk names a record: a case by its folio and the woman's name, a certificate by
    /// its holder, standard and folio — never by its id.
    public static func title(of key: RecordKey, document: JSONValue?) -> String {
        guard let document else { return key.type == .caseFile ? "Caso sin datos" : "Certificado sin datos" }
        if key.type == .caseFile {
            let folio = document["folio"]?.stringValue ?? "sin folio"
            if document["erased"] != nil { return "\(folio) · datos cancelados" }
            return [folio, document["person"]?["full_name"]?.stringValue].compactMap { $0 }.joined(separator: " · ")
        }
        return [document["holder_name"]?.stringValue, [document["standard_code"]?.stringValue, document["folio"]?.stringValue]
            .compactMap { $0 }.joined(separator: " ")].compactMap { $0 }.joined(separator: " · ")
    }

    /// What the desk's record page shows: the record, its history, and each node's department
    /// (to name who wrote each entry).
    public struct DeskRecord: Sendable {
        public let record: JSONValue
        /// `RecordHistory`'s JSON; nil for an erased case, whose entries are gone.
        public let history: JSONValue?
        public let departments: [String: String]
        /// The other cases of the same woman (`person_ref`): their ids and folios.
        public let siblings: [(id: String, folio: String)]
    }

    /// A record and its history for the desk's record page, in one snapshot; audited once.
    public func deskRecord(_ key: RecordKey, by user: String) async throws -> DeskRecord {
        let at = now()
        return try await storage.transaction { transaction in
            guard let text = try await transaction.documentText(key) else { throw Refusal.notFound("no \(key.type.rawValue) with id \(key.id)") }
            let history = await RecordHistory.json(key, entries: try transaction.entries(of: key))
            var departments: [String: String] = [:]
            for (node, member) in try await transaction.directory().members { departments[node.rawValue] = member.department ?? "" }
            let record = try JSONValue.parse(text)
            var siblings: [(id: String, folio: String)] = []
            if key.type == .caseFile, let ref = record["person_ref"]?.stringValue {
                for id in try await storage.cases(ofPerson: ref) where id != key.id {
                    let folio = try await transaction.documentText(RecordKey(.caseFile, id)).flatMap { try JSONValue.parse($0)["folio"]?.stringValue }
                    siblings.append((id, folio ?? "sin folio"))
                }
            }
            try await AuditLog.append("\(key.type.rawValue).read", actor: user, subject: key.id, detail: ["via": "desk"], at: at, in: transaction)
            return DeskRecord(record: record, history: history, departments: departments, siblings: siblings)
        }
    }

    /// The audit log's chain, checked from where the last check stopped.
    func checkAuditChain() async throws -> AuditChainCheck.Outcome {
        try await auditChain.check(storage)
    }

    /// Every node the directory knows, with its last contact, the clock skew it last showed and
    /// how many of its entries the central server keeps quarantined.
    public func deskNodes() async throws
        -> [(node: String, department: String, revoked: Bool, contact: NodeContact?, skew: Int64?, quarantined: Int)]
    {
        let directory = try await storage.read { try await $0.directory() }
        let since = now().subtractingReportingOverflow(86_400_000).partialValue
        let (contacts, held, skews) = try await storage.deskRead { reader in
            (try await reader.nodeContacts(), try await reader.quarantinedByOrigin(), try await reader.clocksOff(since: since))
        }
        let byNode = Dictionary(contacts.map { ($0.node, $0) }, uniquingKeysWith: { a, _ in a })
        return directory.members.map { node, member in
            (node: node.rawValue, department: member.department ?? "", revoked: member.revoked, contact: byNode[node.rawValue],
             skew: skews[node.rawValue].map { $0.skew } ?? byNode[node.rawValue]?.skew, quarantined: held[node.rawValue] ?? 0)
        }.sorted { ($0.department, $0.node) < ($1.department, $1.node) }
    }
}

extension CentralServer {
    /// The AVGM compliance report for `period`. It reads every case's attentions to count them
    /// (counts only leave the server): audited once, with its period.
    public func complianceReport(_ period: ComplianceReport.Period, by user: String, download table: String? = nil) async throws -> ComplianceReport {
        let at = now()
        return try await storage.transaction { transaction in
            func all(_ type: RecordType) async throws -> [JSONValue] {
                var documents: [JSONValue] = []
                var after: String?
                repeat {
                    let page = try await transaction.records(of: type, after: after, limit: 1000)
                    documents += try page.items.map(JSONValue.parse)
                    after = page.next
                } while after != nil
                return documents
            }
            let report = ComplianceReport(certifications: try await all(.certification), cases: try await all(.caseFile), period: period)
            var detail: JSONValue = ["from": .string(period.from), "until": .string(period.until)]
            if let table { detail = ["from": .string(period.from), "until": .string(period.until), "table": .string(table)] }
            try await AuditLog.append(table == nil ? "report.compliance" : "report.download", actor: user, subject: "avgm", detail: detail,
                                at: at, in: transaction)
            return report
        }
    }
}

extension CentralServer {
    /// An audit row as the desk's log shows it: what it was about, named as people know it (a
    /// case by its folio, a node by its department, a report by its period) — never a woman's name.
    public struct DeskAuditRow: Sendable {
        public let row: AuditRow
        public let subject: String
    }

    /// One page of the audit log for the desk: the rows `filter` keeps before `position`, newest
    /// first, each with its subject in words.
    public func deskAuditRows(_ filter: AuditFilter, before position: Int64?, limit: Int) async throws -> [DeskAuditRow] {
        let rows = try await storage.auditRows(filter, before: position, limit: limit)
        return try await storage.read { reader in
            let directory = try await reader.directory()
            var folios: [RecordKey: String?] = [:]
            func folio(_ key: RecordKey) async throws -> String? {
                if let known = folios[key] { return known }
                let found = try await reader.documentText(key).flatMap { try JSONValue.parse($0)["folio"]?.stringValue }
                folios[key] = found
                return found
            }
            return try await rows.asyncMap { row in
                let detail = (try? JSONValue.parse(row.detail)) ?? .object([:])
                let family = row.action.split(separator: ".").first.map(String.init) ?? ""
                var subject = row.subject
                switch family {
                case _ where row.action == "conflict.resolve":
                    // Its subject is the conflict: named by the case's folio and the field's label.
                    if let conflict = try await reader.conflict(id: row.subject) {
                        let record = try await folio(conflict.key).map { (conflict.key.type == .caseFile ? "caso " : "certificado ") + $0 }
                            ?? "un registro ya cancelado"
                        subject = "\(record) · «\(DisplayVocabulary.fieldLabel(conflict.field, of: conflict.key.type))»"
                    }
                case "case", "conflict":
                    if let found = try await folio(RecordKey(.caseFile, row.subject)) {
                        subject = "caso \(found)"
                    } else if let found = try await folio(RecordKey(.certification, row.subject)) {
                        subject = "certificado \(found)"
                    } else {
                        subject = "un registro ya cancelado"
                    }
                case "certification":
                    subject = try await folio(RecordKey(.certification, row.subject)).map { "certificado \($0)" } ?? "un certificado"
                case "conflicts": subject = row.subject == "1" ? "1 conflicto" : "\(row.subject) conflictos"
                case "node", "credential":
                    if let node = NodeID(row.subject), let department = directory.department(of: node) {
                        subject = "equipo \(row.subject) (\(DisplayVocabulary.departmentShort(department)))"
                    }
                case "report":
                    if let from = detail["from"]?.stringValue, let until = detail["until"]?.stringValue {
                        subject = "periodo del \(LeonTime.formatDate(from)) al \(LeonTime.formatDate(until))"
                    } else {
                        subject = "informe AVGM"
                    }
                case "person": subject = "expediente de una mujer"
                default: break
                }
                return DeskAuditRow(row: row, subject: subject)
            }
        }
    }
}
