import Foundation

/// What the demo did, told for office staff (in Spanish).
public struct DemoReport {
    var certificatesImported = 0
    var certificatesPerDepartment: [String: Int] = [:]
    var casesOpenedOffline = 0
    var offlineSyncFailed = false
    var casesAtImmujeres = 0
    var mergedRiskLevel = ""
    var mergedAttentions = 0
    var mergedNoContact = false
    var secondCaseStatus = ""
    var certificateStatus = ""
    var conflictsOpened: [String] = []
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
    }

    /// The report as text.
    public var text: String {
        let departments = certificatesPerDepartment.keys.sorted().map { "\($0) \(certificatesPerDepartment[$0]!)" }.joined(separator: ", ")
        var lines = [
            "",
            "Informe de la demostración de Enlace",
            "====================================",
            "Certificaciones: \(certificatesImported) importadas del padrón (\(departments)).",
            "Casos: \(casesOpenedOffline) abiertos en C4 sin conexión\(offlineSyncFailed ? " (la sincronización falló, el trabajo siguió)" : ""); "
                + "\(casesAtImmujeres) llegaron a IMMUJERES y DIF al volver la red.",
            "Fusiones por regla, sin intervención:",
            "  • nivel de riesgo: IMMUJERES dijo «alto», DIF «medio» → \(mergedRiskLevel) (gana el mayor).",
            "  • atenciones: las \(mergedAttentions) registradas por C4, IMMUJERES y DIF se conservan todas.",
            "  • «no contactar»: \(mergedNoContact ? "activado" : "sin activar") (gana la opción más protectora).",
            "  • un caso cerrado en C4 mientras el DIF la atendía sigue «\(secondCaseStatus)» (gana mantenerlo abierto).",
            "  • una certificación revocada en SALUD y renovada en IMMUJERES quedó «\(certificateStatus)».",
            "Conflictos para la oficina central: \(conflictsOpened.count) (\(conflictsOpened.joined(separator: ", "))).",
            "Resueltos: \(conflictsResolved); conflictos abiertos tras sincronizar: \(max(openConflictsLeft, 0)).",
            "Réplicas idénticas (central y 4 nodos): \(replicasIdentical ? "sí" : "NO").",
            "Tiempos: " + timings.map { String(format: "%@ %.1f s", $0.0, $0.1) }.joined(separator: "; ") + ".",
            String(format: "Total: %.1f s. %@", totalSeconds, succeeded ? "Todo salió como se esperaba." : "ALGO NO SALIÓ COMO SE ESPERABA."),
        ]
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
