/// A record type's fields and their merge rules, declared once as a table.
///
/// Adding a field is one row; the merge core, validation, rendering and the printed table all
/// read this table.
public struct Schema: Sendable {
    /// A list of items inside a record (attentions, referrals), keyed by item id.
    public struct Collection: Hashable, Sendable {
        /// The collection's field name.
        public let name: String
        /// The item field that orders the rendered list before the id (nil: by id alone).
        public let orderedBy: String?
        /// The item field whose write marks the item's creation.
        public let createdBy: String
    }

    /// Where an operation's register sits in the schema.
    public enum Register: Sendable {
        /// A plain field.
        case field(FieldSpec)
        /// One element of a set field.
        case element(FieldSpec, element: String)
        /// A field of one item of a collection.
        case item(FieldSpec, itemID: String)

        /// The schema row.
        public var spec: FieldSpec {
            switch self {
            case .field(let spec), .element(let spec, _), .item(let spec, _): spec
            }
        }
    }

    /// The record type this schema describes.
    public let recordType: RecordType
    /// The rows, in rendering order.
    public let fields: [FieldSpec]
    /// The collections of items.
    public let collections: [Collection]
    /// The fields that say which department wrote (a case's origin, an attention's department, a
    /// referral's sender): a node may only write its own department there.
    public let authorDepartmentFields: Set<String>
    private let byPath: [String: FieldSpec]
    private let itemFieldsByCollection: [String: [FieldSpec]]
    /// An item field's row by its collection and its leaf (`attentions` → `kind`): looked up by
    /// two short names, held inline, rather than by a path built for each lookup.
    private let itemSpecs: [String: [String: FieldSpec]]

    /// A schema from its rows.
    public init(
        _ recordType: RecordType, collections: [Collection] = [], authorDepartmentFields: Set<String> = [], fields: [FieldSpec]
    ) {
        self.recordType = recordType
        self.authorDepartmentFields = authorDepartmentFields
        self.fields = fields
        self.collections = collections
        var byPath: [String: FieldSpec] = [:]
        for spec in fields {
            precondition(byPath[spec.path] == nil, "duplicate field \(spec.path)")
            byPath[spec.path] = spec
        }
        self.byPath = byPath
        itemFieldsByCollection = Dictionary(grouping: fields.filter { $0.collection != nil }) { $0.collection! }
        var itemSpecs: [String: [String: FieldSpec]] = [:]
        for spec in fields {
            let parts = spec.path.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts[1] == "*" { itemSpecs[String(parts[0]), default: [:]][String(parts[2])] = spec }
        }
        self.itemSpecs = itemSpecs
    }

    /// The row for a declared path (`person.phone`, `attentions.*.kind`).
    public func spec(forPath path: String) -> FieldSpec? { byPath[path] }

    /// The schema position of a register path, or nil when the path names no field.
    public func register(forPath path: String) -> Register? {
        if let spec = byPath[path] {
            if case .set = spec.type { return nil }
            return spec.collection == nil ? .field(spec) : nil
        }
        // Read in place (no split): this runs for every path of every record materialised.
        let dot = UInt8(ascii: ".")
        guard let first = path.utf8.firstIndex(of: dot) else { return nil }
        let head = path[..<first]
        let rest = path[path.utf8.index(after: first)...]
        guard let second = rest.utf8.firstIndex(of: dot) else {
            if let spec = byPath[String(head)], case .set(let vocabulary) = spec.type, vocabulary.contains(String(rest)) {
                return .element(spec, element: String(rest))
            }
            return nil
        }
        let middle = rest[..<second]
        let tail = rest[rest.utf8.index(after: second)...]
        guard !tail.utf8.contains(dot), let spec = itemSpecs[String(head)]?[String(tail)], ULID.isValid(middle) else { return nil }
        return .item(spec, itemID: String(middle))
    }

    /// The collection named `name`.
    public func collection(named name: String) -> Collection? {
        collections.first { $0.name == name }
    }

    /// The rows of one collection's items.
    public func itemFields(of collection: String) -> [FieldSpec] {
        itemFieldsByCollection[collection] ?? []
    }
}
