/// One row of a record type's schema: a field, what it accepts, and how it merges.
public struct FieldSpec: Hashable, Sendable {
    /// The dotted path; `*` stands for an item id in a collection (`attentions.*.kind`).
    public let path: String
    /// What values it accepts.
    public let type: FieldType
    /// How concurrent writes merge.
    public let rule: MergeRule
    /// Whether a creation must give it a value.
    public let requiredAtCreation: Bool
    /// The path's parts (`["person", "phone"]`), split once: materialising reads them per record.
    public let pathComponents: [String]
    /// The collection this field belongs to (`attentions` for `attentions.*.kind`), if any.
    public let collection: String?
    /// The field's name inside its collection item or object (`kind`, `phone`).
    public var leafName: String { pathComponents.last! }

    /// A row of the schema.
    public init(_ path: String, _ type: FieldType, _ rule: MergeRule, required: Bool = false) {
        self.path = path
        self.type = type
        self.rule = rule
        self.requiredAtCreation = required
        pathComponents = path.split(separator: ".").map(String.init)
        collection = pathComponents.count == 3 && pathComponents[1] == "*" ? pathComponents[0] : nil
    }

    /// Whether clearing it (`null`) is allowed.
    public var isNullable: Bool {
        switch rule {
        case .immutable, .writeOnce, .appendOnly: !requiredAtCreation
        case .addWinsSet: false
        default: true
        }
    }
}
