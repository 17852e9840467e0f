/// Why a value or an entry was refused: which field, which value, what was expected.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of problem; APIs map it to a status code.
    public enum Kind: String, Hashable, Sendable {
        /// The path names no field of the record type.
        case unknownField = "unknown_field"
        /// The JSON type is wrong (e.g. a number for a text field).
        case wrongType = "wrong_type"
        /// A value outside the field's closed vocabulary.
        case notInVocabulary = "not_in_vocabulary"
        /// A number outside its range, or a malformed date, timestamp, folio or id.
        case invalidValue = "invalid_value"
        /// Text longer than the field allows.
        case tooLong = "too_long"
        /// A field given twice in one entry.
        case duplicateField = "duplicate_field"
        /// A required field is missing.
        case missingField = "missing_field"
        /// The entry as a whole is malformed (no operations, bad clock, bad id).
        case malformedEntry = "malformed_entry"
    }

    /// The class of problem.
    public let kind: Kind
    /// The field's dotted path, when one field is at fault.
    public let field: String?
    /// The refused value, when there is one.
    public let value: JSONValue?
    /// What would have been accepted.
    public let expected: String

    /// A refusal.
    public init(_ kind: Kind, field: String?, value: JSONValue? = nil, expected: String) {
        self.kind = kind
        self.field = field
        self.value = value
        self.expected = expected
    }

    /// A one-line message naming the field and what was expected. The refused value is never
    /// copied into it: it may be a name or a phone, and messages reach logs and `last_error`.
    public var description: String {
        (field.map { "\($0): " } ?? "") + "\(valueKind)expected \(expected)"
    }

    /// The refused value's JSON type, when it helps to say it (`a number is not accepted; …`).
    private var valueKind: String {
        guard let value, kind == .wrongType else { return "" }
        return "\(value.typeName == "integer" || value.typeName == "number" ? "a number" : "a \(value.typeName)") is not accepted; "
    }
}
