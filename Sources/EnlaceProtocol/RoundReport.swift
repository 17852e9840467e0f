import EnlaceModel

/// What one sync round moved: the answer to the node's `POST /v1/sync`.
public struct RoundReport: Sendable {
    /// Own entries the central server newly stored.
    public var pushed = 0
    /// Entries pulled and newly stored here.
    public var pulled = 0
    /// Conflicts opened here by what was pulled.
    public var conflictsOpened = 0
    /// Cases that left this department's scope and were purged here, and how many journal
    /// bodies that removed (counts only: the log never names what was purged).
    public var casesPurged = 0
    public var bodiesPurged = 0
    /// How long the round took.
    public var durationMillis = 0
    /// Entries of other origins this node relayed to a restored central server that lacked them.
    public var relayed = 0
    /// Own entries the central server quarantined for a time too far ahead, re-made with the
    /// corrected clock.
    public var retimed = 0
    /// What the node did this round to recover from its own restore, if it had to.
    public var recovery: RecoveryReport?

    public init() {}

    /// The JSON of `POST /v1/sync`.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["pushed": .int(Int64(pushed)), "pulled": .int(Int64(pulled)),
                                           "conflicts_opened": .int(Int64(conflictsOpened)), "duration_ms": .int(Int64(durationMillis))]
        if let recovery { object["recovery"] = recovery.json }
        if retimed > 0 { object["retimed"] = .int(Int64(retimed)) }
        if relayed > 0 { object["relayed"] = .int(Int64(relayed)) }
        if casesPurged > 0 {
            object["purged"] = ["cases": .int(Int64(casesPurged)), "bodies": .int(Int64(bodiesPurged))]
        }
        return .object(object)
    }

    /// Decodes an answer; counts that are not non-negative integers make it not understood.
    public static func decode(_ value: JSONValue) throws(WireError) -> RoundReport {
        let failure = WireError("the node's sync answer is not understood")
        func count(_ key: String, required: Bool = false) throws(WireError) -> Int {
            guard let member = value[key] else {
                if required { throw failure }
                return 0
            }
            guard let number = member.intValue, number >= 0, let count = Int(exactly: number) else { throw failure }
            return count
        }
        var report = RoundReport()
        report.pushed = try count("pushed", required: true)
        report.pulled = try count("pulled", required: true)
        report.conflictsOpened = try count("conflicts_opened", required: true)
        report.durationMillis = try count("duration_ms", required: true)
        report.retimed = try count("retimed")
        report.relayed = try count("relayed")
        if let purged = value["purged"] {
            guard let cases = purged["cases"]?.intValue, let bodies = purged["bodies"]?.intValue, cases >= 0, bodies >= 0 else { throw failure }
            (report.casesPurged, report.bodiesPurged) = (Int(cases), Int(bodies))
        }
        if let recovery = value["recovery"], !recovery.isNull { report.recovery = try RecoveryReport.decode(recovery) }
        return report
    }
}
