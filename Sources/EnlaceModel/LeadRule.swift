/// Who may name a case's lead department (docs/domain.md, "Who may name the lead"): the origin
/// department while no lead is named, the current lead (handing the case over), or the central
/// office. Judged on what the writing entry saw — the lead's writes in its causal past — so that
/// every replica decides the same, and an offline hand-over by the lead is honoured. While
/// namings by permitted writers compete, every candidate is a lead and only the office names
/// one.
public enum LeadRule {
    /// The field.
    public static let field = "lead_department"
    /// The department name the central office writes as.
    public static let office = "CENTRAL"

    /// The departments named lead in what an entry with `clock` saw: the values of the lead's
    /// writes in its causal past that no other such write follows (several while they
    /// compete); empty while none is named (or the last naming cleared it).
    public static func leads(seenBy clock: VectorClock, in state: RecordState) -> Set<String> {
        guard let history = state.histories[field] else { return [] }
        let horizon = state.dense(clock)
        let past = history.writes.filter { state.clock(of: $0.entry).compare(horizon) == .before }
        let frontier = past.filter { write in
            let mine = state.clock(of: write.entry)
            return !past.contains { state.clock(of: $0.entry).compare(mine) == .after }
        }
        return Set(frontier.compactMap(\.value.stringValue))
    }

    /// The departments that are lead now: every competing value of the lead, or the origin
    /// department while none is named.
    public static func currentLeads(of state: RecordState) -> Set<String> {
        let named = Set((state.histories[field]?.frontierWrites ?? []).compactMap(\.value.stringValue))
        if !named.isEmpty { return named }
        return state.currentValue(of: "origin_department").stringValue.map { [$0] } ?? []
    }

    /// The departments that are lead in a materialised case (its JSON): the merged lead and
    /// every version of an open conflict on it, or the origin department while none is named.
    public static func currentLeads(of document: JSONValue) -> Set<String> {
        var named: Set<String> = []
        if let lead = document[field]?.stringValue { named.insert(lead) }
        for conflict in document["conflicts"]?.arrayValue ?? [] where conflict["field"]?.stringValue == field {
            for version in conflict["versions"]?.arrayValue ?? [] {
                if let value = version["value"]?.stringValue { named.insert(value) }
            }
        }
        if !named.isEmpty { return named }
        return document["origin_department"]?.stringValue.map { [$0] } ?? []
    }

    /// Why `writer` (a department, or `office`) may not write the lead in an entry with `clock`
    /// (nil: it may). `state` is the case as the replica holds it (nil for a new case);
    /// `origin` its origin department (from the creating entry when the case is new).
    public static func refusal(writer: String, clock: VectorClock, state: RecordState?, origin: String?) -> String? {
        if writer == office { return nil }
        let seen = state.map { leads(seenBy: clock, in: $0) } ?? []
        switch seen.count {
        case 0:
            guard writer == origin else {
                return "while the case names no lead department, only its origin department (\(origin ?? "unknown")) "
                    + "or the central office names one; \(writer) may not"
            }
            return nil
        case 1:
            guard seen.contains(writer) else {
                return "only the case's lead department (\(seen.first!)) hands it over, or the central office names another; \(writer) may not"
            }
            return nil
        default:
            return "the lead department is in dispute between \(seen.sorted().joined(separator: " and ")): only the central office settles it"
        }
    }

    /// Whether `entry` writes the lead.
    public static func writes(_ entry: JournalEntry) -> Bool {
        entry.operations.contains { $0.field == field }
    }
}
