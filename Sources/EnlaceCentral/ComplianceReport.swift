import Foundation
import EnlaceModel

/// The AVGM compliance report: certified servants per department and standard, certificates
/// that expire within 90 days, and the attentions given by certified staff. Pure: it reads the
/// records' JSON and the day it is made for.
public struct ComplianceReport: Sendable, Equatable {
    public struct Certified: Sendable, Equatable {
        public let department: String
        public let standard: String
        public let servants: Int
    }

    public struct Expiring: Sendable, Equatable {
        public let holder: String
        public let department: String
        public let standard: String
        public let folio: String
        public let validUntil: String
    }

    public struct Attentions: Sendable, Equatable {
        public let department: String
        public let total: Int
        public let byCertified: Int
    }

    public let certified: [Certified]
    public let expiring: [Expiring]
    public let attentions: [Attentions]

    /// The report on `today` (`YYYY-MM-DD`); `horizon` is the last day counted as expiring soon.
    public init(certifications: [JSONValue], cases: [JSONValue], today: String, horizon: String) {
        // A certificate counts while it is `vigente` and not past its `valid_until`.
        let valid = certifications.filter { certificate in
            certificate["status"]?.stringValue == "vigente" && (certificate["valid_until"]?.stringValue).map { $0 >= today } ?? true
        }
        var holders: [String: Set<String>] = [:]
        for certificate in valid {
            let key = "\(certificate["department"]?.stringValue ?? "(sin departamento)")\u{0}\(certificate["standard_code"]?.stringValue ?? "")"
            holders[key, default: []].insert(ComplianceReport.holder(certificate))
        }
        certified = holders.map { key, servants in
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            return Certified(department: String(parts[0]), standard: String(parts[1]), servants: servants.count)
        }.sorted { ($0.department, $0.standard) < ($1.department, $1.standard) }
        expiring = valid.compactMap { certificate in
            guard let until = certificate["valid_until"]?.stringValue, until <= horizon else { return nil }
            return Expiring(holder: certificate["holder_name"]?.stringValue ?? "", department: certificate["department"]?.stringValue ?? "",
                            standard: certificate["standard_code"]?.stringValue ?? "", folio: certificate["folio"]?.stringValue ?? "",
                            validUntil: until)
        }.sorted { ($0.validUntil, $0.holder) < ($1.validUntil, $1.holder) }
        // An attention counts as given by certified staff when it names the certificate its
        // servant held, or its servant holds a valid one now.
        let certifiedServants = Set(valid.compactMap { $0["holder_employee_id"]?.stringValue })
        var totals: [String: (total: Int, certified: Int)] = [:]
        for file in cases {
            for attention in file["attentions"]?.arrayValue ?? [] {
                let department = attention["department"]?.stringValue ?? "(sin departamento)"
                let byCertified = !(attention["certification_folio"]?.stringValue ?? "").isEmpty
                    || (attention["servant_id"]?.stringValue).map(certifiedServants.contains) == true
                totals[department, default: (0, 0)].total += 1
                if byCertified { totals[department, default: (0, 0)].certified += 1 }
            }
        }
        attentions = totals.map { Attentions(department: $0.key, total: $0.value.total, byCertified: $0.value.certified) }
            .sorted { $0.department < $1.department }
    }

    /// Who holds a certificate: the employee id when given, else the name.
    static func holder(_ certificate: JSONValue) -> String {
        certificate["holder_employee_id"]?.stringValue ?? certificate["holder_name"]?.stringValue ?? ""
    }

    /// The report as CSV (RFC 4180), one section after another, in Spanish.
    public var csv: String {
        var lines = ["seccion,departamento,estandar,persona,folio,vence,total,certificadas"]
        for row in certified {
            lines.append(ComplianceReport.csvLine(["personal_certificado", row.department, row.standard, "", "", "", String(row.servants), ""]))
        }
        for row in expiring {
            lines.append(ComplianceReport.csvLine(["vence_en_90_dias", row.department, row.standard, row.holder, row.folio, row.validUntil, "", ""]))
        }
        for row in attentions {
            lines.append(ComplianceReport.csvLine(["atenciones", row.department, "", "", "", "", String(row.total), String(row.byCertified)]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One CSV line; a field that could start a spreadsheet formula is prefixed with `'`.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            let safe = field.first.map { "=+-@\t\r".contains($0) } == true ? "'" + field : field
            return safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }.joined(separator: ",")
    }
}
