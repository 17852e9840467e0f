import EnlaceModel
import EnlaceWeb
import Foundation

/// What the demo did, told for office staff (in Spanish).
public struct DemoReport {
    var certificatesImported = 0
    var certificatesPerDepartment: [String: Int] = [:]
    var casesOpenedOffline = 0
    var offlineSyncFailed = false
    var casesAtImmujeres = 0
    var casesAtSalud = -1
    var saludAnswers404 = false
    var saludFolderClean = false
    var difPurged = false
    var difFolderClean = false
    var difVerified = false
    var mergedRiskLevel = ""
    var mergedAttentions = 0
    var mergedNoContact = false
    var secondCaseStatus = ""
    var certificateStatus = ""
    /// Each conflict left for the office: its record type (`case`, `certification`) and field.
    var conflictsOpened: [(recordType: String, field: String)] = []
    var conflictsResolved = 0
    var openConflictsLeft = -1
    var replicasIdentical = false
    var timings: [(String, Double)] = []
    var totalSeconds = 0.0

    /// Whether every check of the story held.
    public var succeeded: Bool {
        certificatesImported == 125 && offlineSyncFailed && casesAtImmujeres == casesOpenedOffline
            && mergedRiskLevel == "alto" && mergedAttentions == 3 && mergedNoContact && secondCaseStatus != "concluido"
            && certificateStatus == "en_revision" && openConflictsLeft == 0 && replicasIdentical && conflictsResolved > 0
            && casesAtSalud == 0 && saludAnswers404 && saludFolderClean && difPurged && difFolderClean && difVerified
    }

    /// A value as people read it («Alto», «En revisión»), never its code.
    static func shown(_ value: String, field: String, of type: RecordType) -> String {
        "«\(DisplayVocabulary.show(JSONValue.string(value), field: field, of: type))»"
    }

    /// A conflict as people read it: «caso: Relato», «certificación: Estado del certificado».
    static func conflict(_ conflict: (recordType: String, field: String)) -> String {
        let type = RecordType(rawValue: conflict.recordType) ?? .caseFile
        let parts = conflict.field.split(separator: ".").map(String.init)
        // An item's field (`referrals.<id>.state`) reads as its schema field.
        let path = parts.count == 3 && type.schema.collection(named: parts[0]) != nil ? "\(parts[0]).*.\(parts[2])" : conflict.field
        return "\(type == .caseFile ? "caso" : "certificación"): \(DisplayVocabulary.fieldLabel(path, of: type))"
    }

    /// The report as text.
    public var text: String {
        let departments = certificatesPerDepartment.keys.sorted().map { "\(DisplayVocabulary.departmentShort($0)) \(certificatesPerDepartment[$0]!)" }
            .joined(separator: ", ")
        let riskLabel = DisplayVocabulary.fieldLabel("risk_level")
        let riskSaid = "IMMujeres dijo \(DemoReport.shown("alto", field: "risk_level", of: .caseFile)), el DIF \(DemoReport.shown("medio", field: "risk_level", of: .caseFile))"
        let riskMerged = DemoReport.shown(mergedRiskLevel, field: "risk_level", of: .caseFile)
        let attentionsLabel = DisplayVocabulary.fieldLabel("attentions")
        let noContactLabel = DisplayVocabulary.fieldLabel("safe_contact.no_contact")
        let secondStatus = DemoReport.shown(secondCaseStatus, field: "status", of: .caseFile)
        let certificationStatus = DemoReport.shown(certificateStatus, field: "status", of: .certification)
        let conflicts = conflictsOpened.map { DemoReport.conflict($0) }.joined(separator: ", ")
        var lines: [String] = [
            "",
            "Informe de la demostración de Enlace",
            "====================================",
            "Certificaciones: \(certificatesImported) importadas del padrón (\(departments)).",
            "Casos: \(casesOpenedOffline) abiertos en C4 sin conexión\(offlineSyncFailed ? " (la sincronización falló, el trabajo siguió)" : ""); "
                + "\(casesAtImmujeres) llegaron a IMMujeres y al DIF al volver la red.",
            "Necesidad de saber: Salud, que no trabaja en ellos, no recibió ninguno (\(casesAtSalud) casos; "
                + "\(saludAnswers404 ? "responde «no existe»" : "LOS MUESTRA"); \(saludFolderClean ? "ningún nombre en su carpeta" : "NOMBRES EN SU CARPETA")).",
            "Salida de alcance: el DIF rechazó una canalización sin haber atendido el caso; su nodo lo borró "
                + "(\(difPurged ? "ya no lo muestra" : "LO SIGUE MOSTRANDO"), \(difFolderClean ? "sin rastro legible" : "CON RASTRO")"
                + ", diario \(difVerified ? "verificable" : "NO VERIFICA")).",
            "Fusiones por regla, sin intervención:",
            "  • \(riskLabel): \(riskSaid) → \(riskMerged) (gana el mayor).",
            "  • \(attentionsLabel): las \(mergedAttentions) registradas por C4, IMMujeres y el DIF se conservan todas.",
            "  • «\(noContactLabel)»: \(mergedNoContact ? "activado" : "sin activar") (gana la opción más protectora).",
            "  • un caso concluido en C4 mientras el DIF la atendía sigue \(secondStatus) (gana mantenerlo abierto).",
            "  • una certificación revocada en Salud y renovada en IMMujeres quedó \(certificationStatus).",
            "Conflictos para la oficina central: \(conflictsOpened.count) (\(conflicts)).",
            "Resueltos: \(conflictsResolved); conflictos abiertos tras sincronizar: \(max(openConflictsLeft, 0)).",
            "Réplicas idénticas (central y los 3 nodos que tienen los casos): \(replicasIdentical ? "sí" : "NO").",
            "Tiempos: " + timings.map { String(format: "%@ %.1f s", $0.0, $0.1) }.joined(separator: "; ") + ".",
            String(format: "Total: %.1f s. %@", totalSeconds, succeeded ? "Todo salió como se esperaba." : "ALGO NO SALIÓ COMO SE ESPERABA."),
        ]
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
