import Foundation
import EnlaceModel
import EnlaceWeb

/// The AVGM compliance report for a period: how many servants of each department hold a valid
/// certificate of each standard at its end, which certificates expire in the 90 days after it,
/// and how many of the period's attentions were given by certified staff. Built from the
/// certification and case documents the central server holds; nothing in it names a woman.
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

    /// The report's days (León calendar, `yyyy-MM-dd`, both included).
    public struct Period: Sendable, Equatable {
        public let from: String
        public let until: String

        /// A period, or nil when either day is not a date or `from` comes after `until`.
        public init?(from: String, until: String) {
            guard RFC3339.isDate(from), RFC3339.isDate(until), from <= until else { return nil }
            self.from = from
            self.until = until
        }

        /// The calendar month (León time) of an instant, from its first day to that instant's day.
        public static func monthToDate(at millis: Int64) -> Period {
            let today = LeonTime.day(millis: millis)
            return Period(from: String(today.prefix(8)) + "01", until: today)!
        }

        /// The day `days` after `date` (`yyyy-MM-dd`).
        static func day(_ days: Int64, after date: String) -> String {
            guard let start = RFC3339.parseTimestamp(date + "T00:00:00Z") else { return date }
            return String(RFC3339.format(millis: start + days * 86_400_000).prefix(10))
        }
    }

    /// The tables, each downloadable on its own.
    public enum Table: String, CaseIterable, Sendable {
        case certified = "certificadas"
        case expiring = "por-vencer"
        case attentions = "atenciones"
    }

    public let period: Period
    public let certified: [Certified]
    public let expiring: [Expiring]
    public let attentions: [Attentions]
    /// How many days after the period's end a certificate counts as expiring soon.
    public static let horizonDays: Int64 = 90

    public init(certifications: [JSONValue], cases: [JSONValue], period: Period) {
        self.period = period
        let horizon = Period.day(ComplianceReport.horizonDays, after: period.until)
        // A certificate counts while it is `vigente` and, on the period's last day, not past its
        // `valid_until` nor issued after it.
        let valid = certifications.filter { certificate in
            certificate["status"]?.stringValue == "vigente"
                && (certificate["valid_until"]?.stringValue).map { $0 >= period.until } ?? true
                && (certificate["issued_on"]?.stringValue).map { $0 <= period.until } ?? true
        }
        var holders: [String: Set<String>] = [:]
        for certificate in valid {
            let key = "\(certificate["department"]?.stringValue ?? "")\u{0}\(certificate["standard_code"]?.stringValue ?? "")"
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
        // An attention of the period counts as given by certified staff when it names the
        // certificate its servant held, or its servant holds a valid one.
        let certifiedServants = Set(valid.compactMap { $0["holder_employee_id"]?.stringValue })
        var totals: [String: (total: Int, certified: Int)] = [:]
        for file in cases {
            for attention in file["attentions"]?.arrayValue ?? [] {
                guard let at = attention["at"]?.stringValue.flatMap(RFC3339.parseTimestamp) else { continue }
                let day = LeonTime.day(millis: at)
                guard day >= period.from, day <= period.until else { continue }
                let department = attention["department"]?.stringValue ?? ""
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

    /// The share of attentions given by certified staff, as people read it ("75 %").
    public static func share(_ row: Attentions) -> String {
        row.total == 0 ? "—" : "\(Int((Double(row.byCertified) * 100 / Double(row.total)).rounded())) %"
    }

    /// One table as a CSV file Excel opens as it is (RFC 4180, UTF-8 with a byte-order mark so
    /// accents survive, CRLF lines), with Spanish headings and names instead of codes.
    public func csv(_ table: Table) -> String {
        var lines: [[String]]
        switch table {
        case .certified:
            lines = [["Departamento", "Estándar de competencia", "Personas certificadas vigentes al \(period.until)"]]
            lines += certified.map { [DisplayVocabulary.department($0.department), DisplayVocabulary.standard($0.standard), String($0.servants)] }
        case .expiring:
            lines = [["Persona", "Departamento", "Estándar de competencia", "Folio", "Vence"]]
            lines += expiring.map {
                [$0.holder, DisplayVocabulary.department($0.department), DisplayVocabulary.standard($0.standard), $0.folio, $0.validUntil]
            }
        case .attentions:
            lines = [["Departamento", "Atenciones del \(period.from) al \(period.until)", "Por personal certificado", "Proporción"]]
            lines += attentions.map {
                [DisplayVocabulary.department($0.department), String($0.total), String($0.byCertified), ComplianceReport.share($0)]
            }
        }
        return "\u{FEFF}" + lines.map(ComplianceReport.csvLine).joined(separator: "\r\n") + "\r\n"
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
