/// What values a field accepts.
public enum FieldType: Hashable, Sendable {
    /// Free text up to a number of bytes of UTF-8.
    case text(maxLength: Int)
    /// A whole number in a range.
    case integer(ClosedRange<Int64>)
    /// `true` or `false`.
    case bool
    /// A calendar date, `YYYY-MM-DD`.
    case date
    /// An instant, canonical RFC 3339 UTC with milliseconds.
    case timestamp
    /// One value of a closed vocabulary.
    case vocabulary(Vocabulary)
    /// A set of values of a closed vocabulary.
    case set(Vocabulary)
    /// A case folio, `LEON-<NODE>-<YYYY>-<NNNNNN>`.
    case folio
    /// A ULID naming another record or item.
    case identifier

    /// A short description of what the type accepts, for errors and the schema table.
    public var expectation: String {
        switch self {
        case .text(let maxLength): "text of at most \(maxLength) bytes of UTF-8"
        case .integer(let range): "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .bool: "true or false"
        case .date: "a date YYYY-MM-DD"
        case .timestamp: "an RFC 3339 timestamp"
        case .vocabulary(let vocabulary): "one of " + vocabulary.values.joined(separator: ", ")
        case .set(let vocabulary): "an array of " + vocabulary.values.joined(separator: ", ")
        case .folio: "a folio LEON-<NODE>-<YYYY>-<NNNNNN>"
        case .identifier: "a ULID (26 characters of Crockford base 32)"
        }
    }

    /// The vocabulary of a vocabulary or set field.
    public var vocabulary: Vocabulary? {
        switch self {
        case .vocabulary(let vocabulary), .set(let vocabulary): vocabulary
        default: nil
        }
    }
}
