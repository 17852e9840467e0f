import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceWeb
import Foundation
import Hummingbird

/// The office's own pages: the nodes and whether they sync, the audit log, and the AVGM report.
extension DeskController {
    /// Rows per page of the audit log.
    static let auditPageRows = 100

    func nodesPage(_ session: DeskSession) async throws -> Response {
        let server = self.server
        let now = server.now()
        let nodes = try await server.deskNodes()
        let status = try await server.status()
        let head = try await server.storage.feedLag(at: now).head
        let rows: [[String: Any]] = nodes.sorted {
            (DisplayVocabulary.departmentShort($0.department), $0.node) < (DisplayVocabulary.departmentShort($1.department), $1.node)
        }.map { node in
            let silent = !node.revoked && (node.contact.map { now - $0.at > silentAfterMillis } ?? true)
            let behind = node.contact.map { max(0, head - $0.position) }
            let state = node.revoked ? "Dado de baja"
                : node.contact == nil ? "Nunca se ha conectado"
                : silent ? "Sin conectarse \(WebPage.ago(node.contact!.at, now: now))"
                : behind == 0 ? "Al día" : "Conectado"
            return [
                "node": node.node, "department": DisplayVocabulary.departmentShort(node.department),
                "lastContact": node.contact.map { "\(WebPage.readable($0.at)) (\(WebPage.ago($0.at, now: now)))" } ?? "nunca",
                "behind": behind.map { "\($0)" } ?? "—",
                "clock": node.skew.map(DeskController.clockText) ?? "—", "version": node.contact?.version ?? "—",
                "quarantined": node.quarantined, "state": state, "silent": silent,
            ]
        }
        let silentCount = rows.filter { $0["silent"] as? Bool == true }.count
        return html(.ok, "nodes", [
            "title": "Equipos de los departamentos", "session": sessionView(session), "nodes": rows,
            "silentAfter": DeskController.duration(silentAfterMillis),
            "silentCount": { (count: Int) -> Any? in count == 0 ? nil : count }(silentCount) as Any,
            "silentText": silentCount == 1 ? "1 equipo lleva demasiado tiempo sin conectarse." : "\(silentCount) equipos llevan demasiado tiempo sin conectarse.",
            "quarantinedTotal": status.quarantinedEntries,
        ])
    }

    /// A node's clock against the central server's, in words: within two seconds it is on time.
    static func clockText(_ skew: Int64) -> String {
        let seconds = abs(skew) / 1000
        guard seconds >= 2 else { return "en hora" }
        let amount = seconds < 120 ? "\(seconds) s" : seconds < 7200 ? "\(seconds / 60) min" : "\(seconds / 3600) h"
        return skew > 0 ? "adelantado \(amount)" : "atrasado \(amount)"
    }

    func auditPage(_ request: Request, _ session: DeskSession) async throws -> Response {
        guard session.role == .admin else { throw WebRefusal(.forbidden, "La bitácora es solo para administradoras y administradores.") }
        let query = request.uri.queryParameters
        func parameter(_ name: String) -> String { query.get(name).map { "\($0)" }?.trimmingCharacters(in: .whitespaces) ?? "" }
        var filter = AuditFilter()
        let actor = parameter("persona"), action = parameter("accion"), from = parameter("desde"), until = parameter("hasta")
        if !actor.isEmpty {
            guard actor.utf8.count <= 200 else { throw WebRefusal(.badRequest, "El nombre de la persona es demasiado largo.") }
            filter.actor = actor
        }
        if !action.isEmpty {
            guard DisplayVocabulary.auditActions[action] != nil else { throw WebRefusal(.badRequest, "Esa acción no existe en la bitácora.") }
            filter.action = action
        }
        if !from.isEmpty {
            guard let start = DeskController.leonMidnight(from) else { throw WebRefusal(.badRequest, "La fecha «desde» no es una fecha válida.") }
            filter.from = RFC3339.format(millis: start)
        }
        if !until.isEmpty {
            guard let end = DeskController.leonMidnight(until) else { throw WebRefusal(.badRequest, "La fecha «hasta» no es una fecha válida.") }
            filter.until = RFC3339.format(millis: end + 86_400_000)
        }
        if !from.isEmpty, !until.isEmpty, from > until { throw WebRefusal(.badRequest, "La fecha «desde» va después de «hasta».") }
        let before = parameter("antes")
        var position: Int64?
        if !before.isEmpty {
            guard let value = Int64(before), value > 0 else { throw WebRefusal(.badRequest, "La página pedida no existe.") }
            position = value
        }
        let server = self.server
        let chosen = filter, page = position
        let outcome = try await server.checkAuditChain()
        let rows = try await server.deskAuditRows(chosen, before: page, limit: DeskController.auditPageRows + 1)
        let shown = rows.prefix(DeskController.auditPageRows)
        var older: String?
        if rows.count > DeskController.auditPageRows, let last = shown.last {
            var items = ["antes=\(last.row.position)"]
            for (name, value) in [("persona", actor), ("accion", action), ("desde", from), ("hasta", until)] where !value.isEmpty {
                items.append("\(name)=\(DeskController.queryEscaped(value))")
            }
            older = "/oficina/bitacora?" + items.joined(separator: "&")
        }
        let chain: String
        switch outcome {
        case .intact(let count):
            chain = "La bitácora está íntegra: ninguna de sus \(count) filas se modificó ni se quitó. Cada visita verifica las filas nuevas."
        case .broken(let at, let reason):
            let what = reason.contains("link") ? "falta una fila o se insertó una" : "una fila se modificó"
            chain = "La bitácora fue alterada: en la fila \(at) \(what). Avisa a sistemas; nadie debe corregirla a mano."
        }
        let actions = DisplayVocabulary.auditActions.sorted { $0.value < $1.value }.map { option($0.key, $0.value, selected: action) }
        return html(.ok, "audit", [
            "title": "Bitácora", "session": sessionView(session), "chain": chain,
            "chainClass": { if case .intact = outcome { return "integra" } else { return "roto" } }(),
            "actor": actor, "actions": actions, "from": from, "until": until, "older": older as Any,
            "rows": shown.map { item -> [String: Any] in
                ["at": item.row.at, "atText": WebPage.readable(item.row.at),
                 "actor": DisplayVocabulary.actor(JournalSentence.displayAuthor(item.row.actor)),
                 "action": DisplayVocabulary.auditAction(item.row.action),
                 "subject": item.row.subject == item.row.actor ? "—" : item.subject]
            },
        ])
    }

    func reportPage(_ request: Request, _ session: DeskSession) async throws -> Response {
        let period = try reportPeriod(request)
        let server = self.server
        let report = try await server.complianceReport(period, by: session.user)
        let range = "desde=\(period.from)&hasta=\(period.until)"
        // Certified servants as a table of departments by standard, departments by name.
        let standards = Vocabulary.standardCode.values.filter { code in report.certified.contains { $0.standard == code } }
        var byDepartment: [String: [String: Int]] = [:]
        for row in report.certified { byDepartment[row.department, default: [:]][row.standard] = row.servants }
        let certified = byDepartment.keys.sorted { DisplayVocabulary.department($0) < DisplayVocabulary.department($1) }.map { department in
            ["department": DisplayVocabulary.department(department),
             "counts": standards.map { ["code": $0, "count": byDepartment[department]?[$0] ?? 0] as [String: Any] }] as [String: Any]
        }
        return html(.ok, "report", [
            "title": "Informe de cumplimiento AVGM", "session": sessionView(session), "user": session.user,
            "from": period.from, "until": period.until,
            "fromText": LeonTime.formatDate(period.from), "untilText": LeonTime.formatDate(period.until),
            "generated": WebPage.readable(server.now()),
            "csvCertified": "/oficina/informe/certificadas?\(range)", "csvExpiring": "/oficina/informe/por-vencer?\(range)",
            "csvAttentions": "/oficina/informe/atenciones?\(range)",
            "standards": standards.map { ["code": $0, "name": DisplayVocabulary.standard($0)] },
            "certified": certified,
            "expiring": report.expiring.map {
                ["holder": $0.holder, "department": DisplayVocabulary.department($0.department),
                 "standard": DisplayVocabulary.standard($0.standard), "until": LeonTime.formatDate($0.validUntil)] as [String: Any]
            },
            "attentions": report.attentions.sorted { DisplayVocabulary.department($0.department) < DisplayVocabulary.department($1.department) }
                .map { row -> [String: Any] in
                ["department": DisplayVocabulary.department(row.department), "total": row.total, "certified": row.byCertified,
                 "share": ComplianceReport.share(row)]
            },
        ])
    }

    /// One table of the report as a CSV file.
    func reportCSV(_ name: String, _ request: Request, _ session: DeskSession) async throws -> Response {
        guard let table = ComplianceReport.Table(rawValue: name) else { throw WebRefusal(.notFound, "Ese informe no existe.") }
        let period = try reportPeriod(request)
        let server = self.server
        let report = try await server.complianceReport(period, by: session.user, download: table.rawValue)
        var headers = WebPage.pageHeaders(type: "text/csv; charset=utf-8")
        headers[.contentDisposition] = "attachment; filename=\"avgm-\(table.rawValue)-\(period.from)-a-\(period.until).csv\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: report.csv(table))))
    }

    /// The report's period from `desde` and `hasta`; this month so far when neither is given.
    func reportPeriod(_ request: Request) throws -> ComplianceReport.Period {
        let query = request.uri.queryParameters
        let from = query.get("desde").map { "\($0)" } ?? "", until = query.get("hasta").map { "\($0)" } ?? ""
        if from.isEmpty, until.isEmpty { return .monthToDate(at: server.now()) }
        guard let period = ComplianceReport.Period(from: from, until: until) else {
            throw WebRefusal(.badRequest, "El periodo necesita dos fechas válidas, y «desde» no puede ir después de «hasta».")
        }
        return period
    }

    /// The instant a León calendar day starts, or nil when `day` is not a date.
    static func leonMidnight(_ day: String) -> Int64? {
        guard RFC3339.isDate(day), let utc = RFC3339.parseTimestamp(day + "T00:00:00Z") else { return nil }
        return utc - LeonTime.offsetMillis
    }

    static func queryEscaped(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
