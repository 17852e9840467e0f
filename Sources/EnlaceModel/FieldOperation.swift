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

extension FieldOperation: Codable {
    private enum CodingKeys: String, CodingKey { case op, field, value, prior, element }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try StrictKeys.refuseUnknown(in: decoder, known: ["op", "field", "value", "prior", "element"])
        let kind = try container.decode(String.self, forKey: .op)
        let field = try container.decode(String.self, forKey: .field)
        switch kind {
        case "set":
            let value = try container.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null
            // A present `null` prior is a value (the writer saw nothing), unlike an absent one.
            var prior: JSONValue?
            if container.contains(.prior) {
                prior = try container.decodeNil(forKey: .prior) ? .null : try container.decode(JSONValue.self, forKey: .prior)
            }
            self = .set(field: field, value: value, prior: prior)
        case "add":
            self = .add(field: field, element: try container.decode(String.self, forKey: .element))
        case "remove":
            self = .remove(field: field, element: try container.decode(String.self, forKey: .element))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: container, debugDescription: "unknown operation: expected set, add or remove")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .set(let field, let value, let prior):
            try container.encode("set", forKey: .op)
            try container.encode(field, forKey: .field)
            try container.encode(value, forKey: .value)
            try container.encodeIfPresent(prior, forKey: .prior)
        case .add(let field, let element):
            try container.encode("add", forKey: .op)
            try container.encode(field, forKey: .field)
            try container.encode(element, forKey: .element)
        case .remove(let field, let element):
            try container.encode("remove", forKey: .op)
            try container.encode(field, forKey: .field)
            try container.encode(element, forKey: .element)
        }
    }
}
