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
            && casesAtSalud == 0 && saludAnswers404 && saludFolderClean && difPurged && difFolderClean && difVerified
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
            "Necesidad de saber: SALUD, que no trabaja en ellos, no recibió ninguno (\(casesAtSalud) casos; "
                + "\(saludAnswers404 ? "responde «no existe»" : "LOS MUESTRA"); \(saludFolderClean ? "ningún nombre en su carpeta" : "NOMBRES EN SU CARPETA")).",
            "Salida de alcance: DIF rechazó una canalización sin haber atendido el caso; su nodo lo borró "
                + "(\(difPurged ? "ya no lo muestra" : "LO SIGUE MOSTRANDO"), \(difFolderClean ? "sin rastro legible" : "CON RASTRO")"
                + ", diario \(difVerified ? "verificable" : "NO VERIFICA")).",
            "Fusiones por regla, sin intervención:",
            "  • nivel de riesgo: IMMUJERES dijo «alto», DIF «medio» → \(mergedRiskLevel) (gana el mayor).",
            "  • atenciones: las \(mergedAttentions) registradas por C4, IMMUJERES y DIF se conservan todas.",
            "  • «no contactar»: \(mergedNoContact ? "activado" : "sin activar") (gana la opción más protectora).",
            "  • un caso cerrado en C4 mientras el DIF la atendía sigue «\(secondCaseStatus)» (gana mantenerlo abierto).",
            "  • una certificación revocada en SALUD y renovada en IMMUJERES quedó «\(certificateStatus)».",
            "Conflictos para la oficina central: \(conflictsOpened.count) (\(conflictsOpened.joined(separator: ", "))).",
            "Resueltos: \(conflictsResolved); conflictos abiertos tras sincronizar: \(max(openConflictsLeft, 0)).",
            "Réplicas idénticas (central y los 3 nodos que tienen los casos): \(replicasIdentical ? "sí" : "NO").",
            "Tiempos: " + timings.map { String(format: "%@ %.1f s", $0.0, $0.1) }.joined(separator: "; ") + ".",
            String(format: "Total: %.1f s. %@", totalSeconds, succeeded ? "Todo salió como se esperaba." : "ALGO NO SALIÓ COMO SE ESPERABA."),
        ]
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
