import EnlaceModel
import EnlaceProtocol
import EnlaceWeb
import Foundation

/// `enlace demo`: a central server and field nodes of several departments as real processes on
/// loopback, a day of AVGM work across them, and a short report in Spanish.
public struct Demo {
    /// The `enlace` executable to start.
    public let executable: String
    /// Where the stores live.
    public let folder: String
    /// The certification roster to import.
    public let roster: String

    public init(executable: String, folder: String, roster: String) {
        self.executable = executable
        self.folder = folder
        self.roster = roster
    }

    /// Where a newcomer finds the office desk after the story (`enlace demo --serve`), and
    /// what the CLI needs to try the same system: each node's data folder and an office token.
    public struct Desk: Sendable {
        /// The office desk's address (`…/oficina/`).
        public let address: String
        public let user: String
        public let password: String
        /// The central server's URL (for `--central`).
        public let central: String
        /// Each node's id and data folder (for `--data`).
        public let nodes: [(id: String, data: String)]
        /// An office user's API token (role resolver), for `--token` or ENLACE_TOKEN.
        public let officeToken: String
        /// Each node's ventanilla and the servant who may sign in there.
        public let ventanillas: [Ventanilla]
    }

    /// A node's ventanilla (`…/ventanilla/`) and a servant's sign-in, linked to her certificate.
    public struct Ventanilla: Sendable {
        public let department: String
        public let address: String
        public let servantName: String
        public let servantID: String
        public let password: String
    }

    /// The servant who writes at each demo node (`X-Enlace-Author`).
    static let servants = [
        "c4-01": "lucia.ramirez.c4", "immujeres-01": "maria.lopez.immujeres", "dif-01": "ana.garcia.dif", "salud-01": "rosa.hernandez.salud",
    ]

    /// Runs the whole story; `say` receives one line per step as it happens. With `serve`,
    /// the story leaves one conflict open for the office, the processes keep running, and
    /// `serve` is called with the desk's address, a sign-in and the report; they stop when it
    /// returns.
    public func run(say: (String) -> Void, serve: ((Desk, DemoReport) throws -> Void)? = nil) throws -> DemoReport {
        var report = DemoReport()
        let started = Date()
        var phase = Date()
        func lap(_ name: String) {
            report.timings.append((name, Date().timeIntervalSince(phase)))
            phase = Date()
        }

        // 1. The central server and four department nodes.
        let centralData = folder + "/central"
        _ = try runToCompletion(executable, ["central", "init", "--data", centralData])
        let port = try freeLoopbackPort()
        let centralURL = "http://127.0.0.1:\(port)"
        let officeToken = try token(["central", "user", "add", "--data", centralData, "--name", "oficina.central", "--role", "resolver", "--json"])
        let central = try DemoReplica(centralAt: centralURL, data: centralData, token: officeToken)
        func startCentral() throws {
            central.process = try ChildProcess(executable, ["central", "run", "--data", centralData, "--listen", "127.0.0.1:\(port)"],
                                               name: "central", log: folder + "/central.log")
            try central.waitUntilReady(OfficeRoute.status)
        }
        try startCentral()
        let departments = [("c4-01", "C4"), ("immujeres-01", "IMMUJERES"), ("dif-01", "DIF"), ("salud-01", "SALUD")]
        var nodes: [String: DemoReplica] = [:]
        var ventanillaPorts: [String: String] = [:]
        for (id, department) in departments {
            let data = folder + "/" + id
            let token = try token(["central", "enroll", "--data", centralData, "--node-id", id, "--department", department, "--json"])
            _ = try runToCompletion(executable, ["node", "init", "--data", data, "--node-id", id, "--department", department,
                                                 "--central", centralURL, "--token", token])
            let node = try DemoReplica(node: id, department: department, data: data, author: Demo.servants[id] ?? "servidora.\(id)")
            // Served, each node also serves its ventanilla.
            let ventanilla = serve == nil ? [] : ["--ventanilla-listen", "127.0.0.1:\(try freeLoopbackPort())"]
            if ventanilla.count == 2 { ventanillaPorts[department] = ventanilla[1] }
            node.process = try ChildProcess(executable, ["node", "run", "--data", data, "--sync-interval", "3600", "--sync-debounce", "3600"] + ventanilla,
                                            name: id, log: folder + "/\(id).log")
            try node.waitUntilReady(NodeRoute.status)
            nodes[id] = node
        }
        let (c4, immujeres, dif, salud) = (nodes["c4-01"]!, nodes["immujeres-01"]!, nodes["dif-01"]!, nodes["salud-01"]!)
        let all = [c4, immujeres, dif, salud]
        say("Servidor central y 4 nodos en marcha (\(departments.map { DisplayVocabulary.departmentShort($0.1) }.joined(separator: ", "))).")
        lap("arranque")

        // 2. IMMUJERES imports the certification roster; every node receives it.
        guard let csv = FileManager.default.contents(atPath: roster) else { throw DemoError("no se puede leer el padrón \(roster)") }
        let imported = try immujeres.upload(NodeRoute.certificationImport, Array(csv), type: "text/csv")
        report.certificatesImported = Int(imported["imported"]?.intValue ?? 0)
        _ = try immujeres.sync()
        for node in all where node !== immujeres { _ = try node.sync() }
        let certificates = try c4.call("GET", NodeRoute.collection(.certification) + "?limit=500")["items"]?.arrayValue ?? []
        report.certificatesPerDepartment = Dictionary(grouping: certificates) { $0["department"]?.stringValue ?? "?" }.mapValues(\.count)
        say("IMMujeres importó \(report.certificatesImported) certificaciones; todos los nodos las recibieron.")
        lap("padrón de certificaciones")

        // 3. The central server goes down; C4 keeps working offline.
        central.process?.stop()
        central.process = nil
        let c4Servant = certificates.first { $0["department"] == "C4" && $0["standard_code"] == "EC0539" }
        // The servants who attend at IMMUJERES and DIF: one certified (from the roster), one not yet.
        let immServant = certificates.first { $0["department"] == "IMMUJERES" && $0["standard_code"] == "EC0539" }?["holder_employee_id"]
        let difServant: JSONValue = "DIF-EN-FORMACION-07"
        var cases: [String] = []
        let women = [("María Guadalupe Torres", "emergencia_911", "medio"), ("Rosa Elena Juárez", "presencial", "alto"),
                     ("Laura Patricia Méndez", "telefonica", "bajo")]
        for (name, channel, risk) in women {
            let record = try c4.call("POST", NodeRoute.collection(.caseFile), [
                "intake_channel": .string(channel), "risk_level": .string(risk), "person": ["full_name": .string(name)],
                "violence_types": ["psicologica", "fisica"], "summary": "Primer contacto en C4.",
            ])
            let id = record["id"]!.stringValue!
            cases.append(id)
            try c4.call("POST", NodeRoute.attentions(caseID: id), [
                "kind": "primer_contacto", "servant_id": c4Servant?["holder_employee_id"] ?? "C4-0001",
                "certification_folio": c4Servant?["folio"] ?? .null, "note": "Escucha activa y valoración inicial.",
            ])
            try c4.call("POST", NodeRoute.referrals(caseID: id), ["to": "IMMUJERES", "reason": "Asesoría jurídica y psicológica", "urgency": "prioritaria"])
            try c4.call("POST", NodeRoute.referrals(caseID: id), ["to": "DIF", "reason": "Apoyo a hijas e hijos", "urgency": "ordinaria"])
        }
        let offlineFailure = try? c4.sync()
        report.offlineSyncFailed = offlineFailure == nil
        report.casesOpenedOffline = cases.count
        say("C4 abrió \(cases.count) casos sin conexión y los canalizó a IMMujeres y al DIF.")
        lap("trabajo sin conexión en C4")

        // 4. The central server returns: the cases follow the women.
        try startCentral()
        _ = try c4.sync()
        for node in [immujeres, dif, salud] { _ = try node.sync() }
        report.casesAtImmujeres = try immujeres.call("GET", NodeRoute.collection(.caseFile))["items"]?.arrayValue?.count ?? 0
        say("El servidor central volvió: IMMujeres y el DIF ya ven los \(report.casesAtImmujeres) casos sin que nadie repita su historia.")
        // Need to know: SALUD has no part in these cases, so it holds none of them.
        report.casesAtSalud = try salud.call("GET", NodeRoute.collection(.caseFile))["items"]?.arrayValue?.count ?? -1
        report.saludAnswers404 = try cases.allSatisfy { try salud.status("GET", NodeRoute.record(.caseFile, $0)) == 404 }
        report.saludFolderClean = women.allSatisfy { DataFolderScan.files(in: salud.data, containing: $0.0).isEmpty }
        say("Salud no trabaja en estos casos: no recibe ninguno (\(report.casesAtSalud) casos, su carpeta de datos no contiene sus nombres).")
        lap("sincronización")

        // 5. Concurrent edits while the departments work apart.
        let first = cases[0], second = cases[1]
        try immujeres.call("PATCH", NodeRoute.record(.caseFile, first), ["risk_level": "alto", "summary": "Refiere amenazas de muerte por teléfono."])
        try immujeres.call("POST", NodeRoute.attentions(caseID: first), ["kind": "asesoria_juridica", "servant_id": immServant ?? "IMM-0001", "note": "Orientación sobre orden de protección."])
        try dif.call("PATCH", NodeRoute.record(.caseFile, first), ["risk_level": "medio", "summary": "Refiere agresión física en su domicilio.",
                                                     "safe_contact": ["no_contact": true]])
        try dif.call("POST", NodeRoute.attentions(caseID: first), ["kind": "trabajo_social", "servant_id": difServant, "note": "Visita domiciliaria."])
        try c4.call("PATCH", NodeRoute.record(.caseFile, second), ["status": "concluido"])
        try dif.call("POST", NodeRoute.attentions(caseID: second), ["kind": "contencion_emocional", "servant_id": difServant, "note": "Acudió de nuevo al DIF."])
        let certificate = certificates.first { $0["department"] == "SALUD" }!["id"]!.stringValue!
        try salud.call("PATCH", NodeRoute.record(.certification, certificate), ["status": "revocada"])
        try immujeres.call("PATCH", NodeRoute.record(.certification, certificate), ["valid_until": "2030-06-30"])
        for _ in 0..<2 { for node in all { _ = try node.sync() } }
        let merged = try central.call("GET", NodeRoute.record(.caseFile, first))
        report.mergedRiskLevel = merged["risk_level"]?.stringValue ?? "?"
        report.mergedAttentions = merged["attentions"]?.arrayValue?.count ?? 0
        report.mergedNoContact = merged["safe_contact"]?["no_contact"] == true
        report.secondCaseStatus = try central.call("GET", NodeRoute.record(.caseFile, second))["status"]?.stringValue ?? "?"
        report.certificateStatus = try central.call("GET", NodeRoute.record(.certification, certificate))["status"]?.stringValue ?? "?"
        let open = try central.call("GET", OfficeRoute.conflicts)["items"]?.arrayValue ?? []
        report.conflictsOpened = open.map { (recordType: $0["record_type"]?.stringValue ?? "", field: $0["field"]?.stringValue ?? "") }
        say("Ediciones concurrentes fusionadas por regla; \(open.count) conflictos quedan para la oficina central.")
        lap("ediciones concurrentes")

        // 6. The central office resolves; the resolutions reach every node.
        for conflict in open {
            let id = conflict["id"]!.stringValue!
            let versions = conflict["versions"]?.arrayValue ?? []
            let value: JSONValue = conflict["record_type"] == "certification" ? "vigente"
                : conflict["field"] == "status" ? "en_seguimiento" : (versions.last?["value"] ?? conflict["provisional_value"] ?? .null)
            try central.call("POST", OfficeRoute.resolve(id), ["value": value, "note": "Verificado con la usuaria y las áreas."])
        }
        for node in all { _ = try node.sync() }
        report.conflictsResolved = open.count
        var identical = true
        for id in cases {
            let reference = try central.call("GET", NodeRoute.record(.caseFile, id))
            for node in [c4, immujeres, dif] where try node.call("GET", NodeRoute.record(.caseFile, id)) != reference { identical = false }
        }
        report.replicasIdentical = identical
        report.openConflictsLeft = try all.reduce(0) { $0 + Int(try $1.call("GET", NodeRoute.status)["open_conflicts"]?.intValue ?? 0) }
        say("La oficina central resolvió \(open.count) conflictos; las resoluciones llegaron a todos los nodos.")
        lap("resolución")

        // 7. DIF rejects the third woman's referral before working on her case: the case leaves
        //    DIF's scope, and DIF's node purges it at its next sync.
        let third = cases[2]
        let referral = try dif.call("GET", NodeRoute.record(.caseFile, third))["referrals"]?.arrayValue?.first { $0["to"] == "DIF" }
        try dif.call("PATCH", NodeRoute.referral(caseID: third, referral?["id"]?.stringValue ?? ""), ["state": "rechazada"])
        _ = try dif.sync()
        _ = try dif.sync()
        report.difPurged = try dif.status("GET", NodeRoute.record(.caseFile, third)) == 404
        report.difFolderClean = DataFolderScan.files(in: dif.data, containing: women[2].0).isEmpty
        report.difVerified = try runCapturing(executable, ["journal", "verify", "--data", dif.data]).status == 0
        say("El DIF rechazó la canalización de \(women[2].0) sin haberla atendido: su nodo borró el caso "
            + "(\(report.difFolderClean ? "sin rastro legible" : "QUEDA RASTRO") en su carpeta) y su diario sigue verificable.")
        lap("salida de alcance")

        report.totalSeconds = Date().timeIntervalSince(started)
        defer {
            for node in all { node.process?.stop() }
            central.process?.stop()
        }
        if let serve {
            // A conflict for the office to decide at the desk: C4 and IMMUJERES rewrite the
            // first woman's summary at the same time.
            try c4.call("PATCH", NodeRoute.record(.caseFile, first), ["summary": "Acude de nuevo: refiere que el agresor la sigue al trabajo."],
                         author: "lucia.ramirez.c4")
            try immujeres.call("PATCH", NodeRoute.record(.caseFile, first), ["summary": "Llamada de seguimiento: el agresor la busca en su trabajo."],
                               author: "maria.lopez.immujeres")
            for node in [c4, immujeres, c4] { _ = try node.sync() }
            let password = "demo-" + String(UUID().uuidString.prefix(13)).lowercased()
            let added = try runCapturing(executable, ["central", "user", "add", "--data", centralData, "--name", "coordinadora",
                                                      "--role", "resolver", "--password-stdin", "--json"], input: password + "\n")
            guard added.status == 0 else { throw DemoError("no se pudo dar de alta a la usuaria de la oficina: \(added.stderr)") }
            // An API token for the CLI (`enlace conflicts …`), beside the desk's sign-in.
            let cliToken = try token(["central", "user", "add", "--data", centralData, "--name", "oficina.demo", "--role", "resolver", "--json"])
            // At each node, a servant of the roster with an account at its ventanilla.
            var ventanillas: [Ventanilla] = []
            for (id, department) in departments {
                guard let address = ventanillaPorts[department],
                      let servant = certificates.first(where: { $0["department"]?.stringValue == department }),
                      let name = servant["holder_name"]?.stringValue, let servantID = servant["holder_employee_id"]?.stringValue
                else { continue }
                let secret = "ventanilla-" + String(UUID().uuidString.prefix(8)).lowercased()
                let made = try runCapturing(executable, ["node", "user", "add", "--data", folder + "/" + id, "--name", name, "--servant-id", servantID,
                                                         "--certification", servant["folio"]?.stringValue ?? name, "--password-stdin"], input: secret + "\n")
                guard made.status == 0 else { throw DemoError("no se pudo dar de alta a \(name) en la ventanilla de \(id): \(made.stderr)") }
                ventanillas.append(Ventanilla(department: department, address: "http://\(address)/ventanilla/", servantName: name,
                                              servantID: servantID, password: secret))
            }
            try serve(Desk(address: centralURL + "/oficina/", user: "coordinadora", password: password, central: centralURL,
                           nodes: departments.map { (id: $0.0, data: folder + "/" + $0.0) }, officeToken: cliToken, ventanillas: ventanillas), report)
        }
        return report
    }

    private func token(_ arguments: [String]) throws -> String {
        let output = try runToCompletion(executable, arguments)
        guard let token = (try? JSONValue.parse(output))?["token"]?.stringValue else {
            throw DemoError("la respuesta de `enlace \(arguments.prefix(3).joined(separator: " "))` no trae token")
        }
        return token
    }
}
