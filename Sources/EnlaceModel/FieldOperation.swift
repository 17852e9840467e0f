/// One change an entry makes to one field of a record.
public enum FieldOperation: Hashable, Sendable {
    /// Writes `value` to a scalar field (a dotted path such as `person.phone` or
    /// `referrals.<id>.state`). `prior` is the value the writer saw before, recorded for the
    /// rules that fall back to it (`open_wins`, `revocation_review`).
    case set(field: String, value: JSONValue, prior: JSONValue? = nil)
    /// Adds `element` to a set-valued field.
    case add(field: String, element: String)
    /// Removes `element` from a set-valued field (only the additions this writer has seen).
    case remove(field: String, element: String)

    /// The field the operation names (the set's name for `add` and `remove`).
    public var field: String {
        switch self {
        case .set(let field, _, _), .add(let field, _), .remove(let field, _): field
        }
    }

    /// The register this operation writes: the field itself, or `set.element` for set elements.
    public var registerPath: String {
        switch self {
        case .set(let field, _, _): field
        case .add(let field, let element), .remove(let field, let element): "\(field).\(element)"
        }
    }

    /// The value written to the register (`true`/`false` for a set element's presence).
    public var registerValue: JSONValue {
        switch self {
        case .set(_, let value, _): value
        case .add: .bool(true)
        case .remove: .bool(false)
        }
    }
}
