/// Which departments hold a case (docs/domain.md, "Who holds a case (need to know)"): one table, a pure function of
/// journalled data — the case's merged record and the departments of the nodes that wrote to it
/// (from the journalled enrollments). A field in conflict counts with every competing value, so
/// no clock decides who receives a case.
public enum CaseScope {
    /// One rule of the table.
    public struct Rule: Sendable {
        public let name: String
        public let departments: String
    }

    /// The table, as `enlace scope` prints it.
    public static let rules: [Rule] = [
        Rule(name: "origin", departments: "origin_department"),
        Rule(name: "lead", departments: "lead_department"),
        Rule(name: "worked on it", departments: "the department of every node that wrote an entry to the case "
            + "(an answer to a referral addressed to it — its state and state_note alone — is not work on the case)"),
        Rule(name: "referred", departments: "the `to` of every referral to a department (IMMUJERES, SALUD, DIF, PROCURADURIA_NNA) "
            + "unless its state is rechazada; with consent_to_share = false, only referrals of urgency inmediata"),
        Rule(name: "children", departments: "PROCURADURIA_NNA when risk_factors holds ninas_ninos_presentes (suspended by consent_to_share = false)"),
        Rule(name: "office", departments: "CENTRAL, always"),
    ]

    /// Referral targets that are departments (the others are outside institutions).
    public static let departmentTargets: Set<String> = ["IMMUJERES", "SALUD", "DIF", "PROCURADURIA_NNA"]

    /// The departments in the scope of a case from its merge state: the rule *worked on it*
    /// reads which node wrote what, `departmentOf` says where each node belongs (the
    /// journalled enrollments).
    public static func departments(of state: RecordState, departmentOf: (NodeID) -> String?) -> Set<String> {
        departments(of: state.materialize(), writers: workers(of: state, departmentOf: departmentOf))
    }

    /// The departments that worked on a case: those of every node that wrote an entry to it,
    /// except an entry that only answers a referral addressed to the writer's own department
    /// (writes `referrals.<id>.state` or `.state_note` and nothing else) — a department that
    /// rejects a referral without working on the case leaves its scope. The central office's
    /// entries count as `CENTRAL`.
    public static func workers(of state: RecordState, departmentOf: (NodeID) -> String?) -> Set<String> {
        func department(_ replica: ReplicaID) -> String? {
            replica.node == .central ? "CENTRAL" : departmentOf(replica.node)
        }
        var works = [Bool](repeating: false, count: state.entries.count)
        var answers = [Bool](repeating: false, count: state.entries.count)
        for (path, history) in state.histories {
            // Only a referral's answer is split (the rest is every other register of the case).
            var referralTargets: Set<String>?
            if path.hasPrefix("referrals.") {
                let parts = path.split(separator: ".", omittingEmptySubsequences: false)
                if parts.count == 3, parts[2] == "state" || parts[2] == "state_note" {
                    referralTargets = Set((state.histories["referrals.\(parts[1]).to"]?.writes ?? []).compactMap(\.value.stringValue))
                }
            }
            for write in history.writes {
                let index = Int(write.entry)
                if let referralTargets, let writer = department(state.entries[index].id.replica), referralTargets.contains(writer) {
                    answers[index] = true
                } else {
                    works[index] = true
                }
            }
        }
        var departments: Set<String> = []
        for (index, entry) in state.entries.enumerated() where works[index] || !answers[index] {
            if let writer = department(entry.id.replica) { departments.insert(writer) }
        }
        return departments
    }

    /// The departments in the scope of `record` (a case), given the departments of the nodes
    /// that wrote its entries.
    public static func departments(of record: MaterializedRecord, writers: Set<String>) -> Set<String> {
        precondition(record.key.type == .caseFile, "scope is defined for cases")
        let values = CompetingValues(record)
        var scope: Set<String> = ["CENTRAL"]
        scope.formUnion(values.strings("origin_department"))
        scope.formUnion(values.strings("lead_department"))
        scope.formUnion(writers)
        // Consent withheld only when every competing value withholds it.
        let consentValues = values.all("consent_to_share")
        let consentWithheld = !consentValues.isEmpty && consentValues.allSatisfy { $0 == .bool(false) }
        for referral in record.fields["referrals"]?.arrayValue ?? [] {
            guard let id = referral["id"]?.stringValue else { continue }
            let path = "referrals.\(id)"
            let states = values.strings(path + ".state")
            guard states.isEmpty || states.contains(where: { $0 != "rechazada" }) else { continue }
            if consentWithheld, !values.strings(path + ".urgency").contains("inmediata") { continue }
            scope.formUnion(values.strings(path + ".to").intersection(departmentTargets))
        }
        if !consentWithheld, values.all("risk_factors").contains(where: { $0.arrayValue?.contains("ninas_ninos_presentes") == true }) {
            scope.insert("PROCURADURIA_NNA")
        }
        return scope
    }
}

/// A record's value at a path together with every value its open conflicts hold there.
struct CompetingValues {
    let record: MaterializedRecord

    init(_ record: MaterializedRecord) { self.record = record }

    /// Every value `path` holds: the merged one and each conflict version's.
    func all(_ path: String) -> [JSONValue] {
        var found: [JSONValue] = []
        if let merged = value(at: path), merged != .null { found.append(merged) }
        for conflict in record.openConflicts where conflict.field == path {
            found += conflict.versions.map(\.value).filter { $0 != .null }
        }
        return found
    }

    /// The string values of `path`.
    func strings(_ path: String) -> Set<String> { Set(all(path).compactMap(\.stringValue)) }

    /// The merged value at a dotted path; a collection item is addressed by its id
    /// (`referrals.<id>.to`).
    private func value(at path: String) -> JSONValue? {
        let parts = path.split(separator: ".").map(String.init)
        guard let head = parts.first, var current = record.fields[head] else { return nil }
        var index = 1
        while index < parts.count {
            if let items = current.arrayValue {
                guard let item = items.first(where: { $0["id"]?.stringValue == parts[index] }) else { return nil }
                current = item
            } else {
                guard let next = current[parts[index]] else { return nil }
                current = next
            }
            index += 1
        }
        return current
    }
}
