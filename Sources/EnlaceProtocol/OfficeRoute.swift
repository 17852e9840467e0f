import EnlaceModel

/// The central office's API paths (`openapi/central.yaml`), spelled once for the central
/// server's router (the patterns, `:id` for a parameter) and for the CLI (the builders).
public enum OfficeRoute {
    /// `GET`: the central server's status.
    public static let status = "/v1/status"
    /// `GET`: entries kept in quarantine and why, a page at a time.
    public static let quarantine = "/v1/quarantine"
    /// `GET ?person_ref=`: the cases of one woman's file.
    public static let cases = "/v1/cases"
    /// `GET`: conflicts, filtered, a page at a time.
    public static let conflicts = "/v1/conflicts"
    /// `GET`: one conflict.
    public static let conflictPattern = conflicts + "/:id"
    /// `POST`: the office's resolution of a conflict.
    public static let resolvePattern = conflictPattern + "/resolve"

    /// `GET`: the central copy of a record.
    public static func recordPattern(_ type: RecordType) -> String { collection(type) + "/:id" }
    /// `POST`: the office names a case's lead department.
    public static let leadPattern = recordPattern(.caseFile) + "/lead"
    /// `GET`: a record's history.
    public static func historyPattern(_ type: RecordType) -> String { recordPattern(type) + "/history" }

    public static func conflict(_ id: String) -> String { conflicts + "/" + id.addingPercentEncodingForQuery }
    public static func resolve(_ id: String) -> String { conflict(id) + "/resolve" }
    public static func record(_ type: RecordType, _ id: String) -> String { collection(type) + "/" + id.addingPercentEncodingForQuery }
    public static func lead(caseID: String) -> String { record(.caseFile, caseID) + "/lead" }
    public static func history(_ type: RecordType, _ id: String) -> String { record(type, id) + "/history" }

    static func collection(_ type: RecordType) -> String { type == .caseFile ? "/v1/cases" : "/v1/certifications" }
}
