/// Why a node or the central server refused an operation, in the domain's terms. Business code
/// throws these; only the API layer turns them into HTTP statuses (one mapping, in EnlaceAPI).
public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request is malformed: not the shape the operation needs.
    case malformed(String, field: String? = nil)
    /// A value the schema refuses.
    case invalid(ValidationError)
    /// No such record, item, conflict or path.
    case notFound(String)
    /// The operation contradicts what is stored (an immutable field, a reused id, a resolved
    /// conflict).
    case conflict(String, field: String? = nil)
    /// The conflict named is no longer current: another version joined, `currentID` is the one now.
    case superseded(String, currentID: String?)
    /// A push that skips ahead: the central server expects `expectedSeq` next.
    case gap(String, expectedSeq: UInt64)
    /// A node's pushed entry differs from the one the central server holds at its id: the node
    /// was restored from an older copy. The central server holds its chain through `heldThrough`;
    /// the node recovers by itself (a new epoch, adopting what it lacks, re-making the rest).
    case diverged(String, heldThrough: UInt64)
    /// A pull cursor this central store never gave (it was replaced or restored): start over.
    case staleCursor(String)
    /// The caller may not do this (another department, another node's entries, a viewer resolving).
    case forbidden(String, field: String? = nil)
    /// The caller did not prove who it is (a missing or bad signature, a spent token).
    case unauthenticated(String)
    /// A signed request whose time is too far from the server's; `serverTime` lets the caller
    /// correct its offset.
    case clockSkew(String, serverTime: Int64)
    /// Well-formed, but not what it claims to be (e.g. a batch altered after it was signed).
    case unprocessable(String, field: String? = nil)
    /// More than the operation accepts.
    case tooLarge(String)
    /// Some rows of an import are invalid; nothing was stored.
    case invalidRows(String, rows: [JSONValue])
    /// What was asked is done already (a conflict resolved before): nothing changed.
    case alreadyDone(String)

    /// One precise sentence.
    public var description: String {
        switch self {
        case .malformed(let message, _), .notFound(let message), .conflict(let message, _), .superseded(let message, _),
             .gap(let message, _), .diverged(let message, _), .forbidden(let message, _), .tooLarge(let message), .invalidRows(let message, _),
             .unprocessable(let message, _), .staleCursor(let message), .unauthenticated(let message), .clockSkew(let message, _),
             .alreadyDone(let message):
            message
        case .invalid(let error): error.description
        }
    }

    /// The field at fault, when one is.
    public var field: String? {
        switch self {
        case .malformed(_, let field), .conflict(_, let field), .forbidden(_, let field), .unprocessable(_, let field): field
        case .invalid(let error): error.field
        default: nil
        }
    }
}

extension Refusal {
    /// The refusal of a JSON Merge Patch.
    public init(_ error: PatchError) {
        switch error {
        case .invalid(let validation): self = .invalid(validation)
        case .immutable(let field, _, _): self = .conflict("\(field) cannot change once set", field: field)
        case .notWritable(let field, let reason): self = .malformed("\(field) cannot be written here: \(reason)", field: field)
        }
    }
}
