/// Why a JSON Merge Patch (RFC 7396) could not become field operations.
public enum PatchError: Error, Sendable, Equatable {
    /// A value or key the schema refuses.
    case invalid(ValidationError)
    /// A different value for an immutable or write-once field that is already set.
    case immutable(field: String, current: JSONValue, attempted: JSONValue)
    /// A key that cannot be written this way (e.g. `attentions`, which has its own path).
    case notWritable(field: String, reason: String)
}

/// Turns a JSON Merge Patch into field operations against a record's current JSON.
///
/// Nested objects change only the sub-fields they name, `null` clears, a set is given as its
/// whole new array (→ additions and removals of what was seen), and a value equal to the current
/// one writes nothing.
public struct MergePatch {
    /// The record type's schema.
    public let schema: Schema
    /// The concrete prefix of written paths (`referrals.<id>.`), empty for the record itself.
    public let pathPrefix: String
    /// The schema prefix matching it (`referrals.*.`).
    public let specPrefix: String
    /// Keys refused with a reason (e.g. collections written through their own paths).
    public let reserved: [String: String]

    /// A patcher for whole records or for one collection item.
    public init(schema: Schema, pathPrefix: String = "", specPrefix: String = "", reserved: [String: String] = [:]) {
        self.schema = schema
        self.pathPrefix = pathPrefix
        self.specPrefix = specPrefix
        self.reserved = reserved
    }

    /// The operations that bring `current` (the record or item JSON, nil when creating) to what
    /// `patch` asks.
    public func operations(_ patch: JSONValue, current: JSONValue?) throws(PatchError) -> [FieldOperation] {
        guard case .object(let members) = patch else {
            throw .invalid(ValidationError(.wrongType, field: nil, value: patch, expected: "a JSON object"))
        }
        var operations: [FieldOperation] = []
        try collect(members, keyPrefix: "", current: current, into: &operations)
        return operations
    }

    private func collect(
        _ members: [String: JSONValue], keyPrefix: String, current: JSONValue?, into operations: inout [FieldOperation]
    ) throws(PatchError) {
        for key in members.keys.sorted() {
            let value = members[key]!
            let relative = keyPrefix + key
            if let reason = reserved[relative] { throw .notWritable(field: relative, reason: reason) }
            let now = current.map { MergePatch.lookup($0, relative) }
            if let spec = schema.spec(forPath: specPrefix + relative) {
                try write(spec, path: pathPrefix + relative, value: value, current: now, into: &operations)
                continue
            }
            let nested = schema.fields.filter { $0.path.hasPrefix(specPrefix + relative + ".") }
            guard !nested.isEmpty, nested.allSatisfy({ !$0.path.dropFirst((specPrefix + relative + ".").count).contains(".") })
            else {
                throw .invalid(ValidationError(.unknownField, field: relative, expected: "a field of a \(schema.recordType.rawValue)"))
            }
            switch value {
            case .object(let inner):
                try collect(inner, keyPrefix: relative + ".", current: current, into: &operations)
            case .null:
                for spec in nested {
                    let path = String(spec.path.dropFirst(specPrefix.count))
                    try write(spec, path: pathPrefix + path, value: .null,
                              current: current.map { MergePatch.lookup($0, path) }, into: &operations)
                }
            default:
                throw .invalid(ValidationError(.wrongType, field: relative, value: value, expected: "an object"))
            }
        }
    }

    private func write(
        _ spec: FieldSpec, path: String, value: JSONValue, current: JSONValue?, into operations: inout [FieldOperation]
    ) throws(PatchError) {
        if case .set(let vocabulary) = spec.type {
            let wanted: [String]
            switch value {
            case .null: wanted = []
            case .array(let elements):
                var strings: [String] = []
                for element in elements {
                    guard let text = element.stringValue else {
                        throw .invalid(ValidationError(.wrongType, field: path, value: element, expected: spec.type.expectation))
                    }
                    guard vocabulary.contains(text) else {
                        throw .invalid(ValidationError(.notInVocabulary, field: path, value: element, expected: spec.type.expectation))
                    }
                    strings.append(text)
                }
                wanted = strings
            default:
                throw .invalid(ValidationError(.wrongType, field: path, value: value, expected: spec.type.expectation))
            }
            let have = Set((current?.arrayValue ?? []).compactMap(\.stringValue))
            for element in vocabulary.values where Set(wanted).contains(element) && !have.contains(element) {
                operations.append(.add(field: path, element: element))
            }
            for element in vocabulary.values where have.contains(element) && !Set(wanted).contains(element) {
                operations.append(.remove(field: path, element: element))
            }
            return
        }
        let normalized: JSONValue
        do {
            normalized = try schema.normalize(value, for: spec, at: path)
        } catch {
            throw .invalid(error)
        }
        guard let current else {
            if !normalized.isNull { operations.append(.set(field: path, value: normalized)) }
            return
        }
        if normalized == current { return }
        switch spec.rule {
        case .immutable, .writeOnce, .appendOnly:
            if !current.isNull { throw .immutable(field: path, current: current, attempted: normalized) }
        default: break
        }
        operations.append(.set(field: path, value: normalized))
    }

    /// The value at a dotted path inside a JSON object (null when absent).
    public static func lookup(_ value: JSONValue, _ path: String) -> JSONValue {
        var current = value
        for part in path.split(separator: ".") { current = current[String(part)] ?? .null }
        return current
    }
}
