import EnlaceModel

/// The field node's local API paths (`openapi/node.yaml`), spelled once for the node's router
/// (the patterns, `:id` and `:rid` for parameters) and for the CLI (the builders).
public enum NodeRoute {
    /// `GET`: the node's state with its central server.
    public static let status = "/v1/status"
    /// `POST`: a sync round now.
    public static let sync = "/v1/sync"
    /// `GET`: the open conflicts this node holds.
    public static let conflicts = "/v1/conflicts"
    /// `POST`: a roster of certifications as CSV.
    public static let certificationImport = "/v1/certifications/import"

    /// `GET` a page, `POST` a new record.
    public static func collection(_ type: RecordType) -> String { type == .caseFile ? "/v1/cases" : "/v1/certifications" }
    /// `GET` a record, `PATCH` its fields.
    public static func recordPattern(_ type: RecordType) -> String { collection(type) + "/:id" }
    /// `GET`: a record's history.
    public static func historyPattern(_ type: RecordType) -> String { recordPattern(type) + "/history" }
    /// `POST`: an attention to a case.
    public static let attentionsPattern = recordPattern(.caseFile) + "/attentions"
    /// `POST`: a referral of a case.
    public static let referralsPattern = recordPattern(.caseFile) + "/referrals"
    /// `PATCH`: a referral's reason, urgency or state.
    public static let referralPattern = referralsPattern + "/:rid"

    public static func record(_ type: RecordType, _ id: String) -> String { collection(type) + "/" + id.addingPercentEncodingForQuery }
    public static func history(_ type: RecordType, _ id: String) -> String { record(type, id) + "/history" }
    public static func attentions(caseID: String) -> String { record(.caseFile, caseID) + "/attentions" }
    public static func referrals(caseID: String) -> String { record(.caseFile, caseID) + "/referrals" }
    public static func referral(caseID: String, _ id: String) -> String { referrals(caseID: caseID) + "/" + id.addingPercentEncodingForQuery }
}
