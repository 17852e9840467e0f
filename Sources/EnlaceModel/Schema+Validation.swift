extension Schema {
    /// Limits on entry-level text.
    public static let maxAuthorLength = 128
    /// Longest note on an entry.
    public static let maxNoteLength = 2000
    /// Most operations in one entry.
    public static let maxOperations = 512
    /// Most replicas in one record's vector clock.
    public static let maxClockWidth = 64

    /// Checks `value` for the field `spec` at `path` and returns its canonical form
    /// (timestamps normalised to UTC with milliseconds).
    public func normalize(_ value: JSONValue, for spec: FieldSpec, at path: String) throws(ValidationError) -> JSONValue {
        // A restricted location's value travels sealed (`LocationSeal`): its token stands for it.
        if recordType == .caseFile, LocationSeal.fields.contains(spec.path), case .object = value {
            guard LocationSeal.validToken(value) else {
                throw ValidationError(.wrongType, field: path, value: value, expected: spec.type.expectation + " or a sealed location token")
            }
            return value
        }
        if value.isNull {
            guard spec.isNullable else {
                throw ValidationError(.wrongType, field: path, value: value, expected: spec.type.expectation + " (it cannot be cleared)")
            }
            return .null
        }
        switch spec.type {
        case .text(let maxLength):
            guard let text = value.stringValue else { throw wrongType(path, value, spec) }
            guard text.utf8.count <= maxLength else {
                throw ValidationError(.tooLong, field: path, value: value, expected: spec.type.expectation)
            }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
                throw ValidationError(.invalidValue, field: path, value: value, expected: "text without control characters")
            }
            return value
        case .integer(let range):
            guard let number = value.intValue else { throw wrongType(path, value, spec) }
            guard range.contains(number) else {
                throw ValidationError(.invalidValue, field: path, value: value, expected: spec.type.expectation)
            }
            return value
        case .bool:
            guard value.boolValue != nil else { throw wrongType(path, value, spec) }
            return value
        case .date:
            guard let text = value.stringValue else { throw wrongType(path, value, spec) }
            guard RFC3339.isDate(text) else {
                throw ValidationError(.invalidValue, field: path, value: value, expected: spec.type.expectation)
            }
            return value
        case .timestamp:
            guard let text = value.stringValue else { throw wrongType(path, value, spec) }
            guard let canonical = RFC3339.canonicalTimestamp(text) else {
                throw ValidationError(.invalidValue, field: path, value: value, expected: spec.type.expectation)
            }
            return .string(canonical)
        case .vocabulary(let vocabulary):
            guard let text = value.stringValue else { throw wrongType(path, value, spec) }
            guard vocabulary.contains(text) else {
                throw ValidationError(.notInVocabulary, field: path, value: value, expected: spec.type.expectation)
            }
            return value
        case .set:
            throw ValidationError(.wrongType, field: path, value: value, expected: "add and remove operations for a set")
        case .folio:
            guard let text = value.stringValue else { throw wrongType(path, value, spec) }
            guard Schema.isFolio(text) else {
                throw ValidationError(.invalidValue, field: path, value: value, expected: spec.type.expectation)
            }
            return value
        case .identifier:
            guard let text = value.stringValue else { throw wrongType(path, value, spec) }
            guard ULID.isValid(text) else {
                throw ValidationError(.invalidValue, field: path, value: value, expected: spec.type.expectation)
            }
            return value
        }
    }

    /// Checks a whole entry against this schema: every field known, every value canonical and
    /// within its type, at most one operation per register.
    public func validate(_ entry: JournalEntry) throws(ValidationError) {
        guard entry.recordType == recordType else {
            throw ValidationError(.malformedEntry, field: "record_type", value: .string(entry.recordType.rawValue),
                                  expected: recordType.rawValue)
        }
        guard ULID.isValid(entry.recordID) else {
            throw ValidationError(.malformedEntry, field: "record_id", value: .string(entry.recordID),
                                  expected: "a ULID (26 characters of Crockford base 32)")
        }
        guard EntryID.isValidSeq(entry.id.seq) else {
            throw ValidationError(.malformedEntry, field: "seq", expected: "a sequence number from 1 to \(EntryID.maxSeq)")
        }
        guard entry.clock.components.allSatisfy({ EntryID.isValidSeq($0.counter) }) else {
            throw ValidationError(.malformedEntry, field: "clock", expected: "counters from 1 to \(EntryID.maxSeq)")
        }
        guard entry.clock[entry.id.replica] >= 1 else {
            throw ValidationError(.malformedEntry, field: "clock", value: .string(entry.clock.description),
                                  expected: "a clock that counts the origin's own edit")
        }
        guard entry.clock.width <= Schema.maxClockWidth else {
            throw ValidationError(.malformedEntry, field: "clock", expected: "a vector clock of at most \(Schema.maxClockWidth) replicas")
        }
        guard !entry.operations.isEmpty, entry.operations.count <= Schema.maxOperations else {
            throw ValidationError(.malformedEntry, field: "ops", expected: "1 to \(Schema.maxOperations) operations")
        }
        if let author = entry.author, author.isEmpty || author.utf8.count > Schema.maxAuthorLength {
            throw ValidationError(.malformedEntry, field: "author", expected: "1 to \(Schema.maxAuthorLength) bytes of UTF-8")
        }
        if let note = entry.note, note.utf8.count > Schema.maxNoteLength {
            throw ValidationError(.tooLong, field: "note", expected: "at most \(Schema.maxNoteLength) bytes of UTF-8")
        }
        var seen = Set<String>()
        for operation in entry.operations {
            try validate(operation)
            guard seen.insert(operation.registerPath).inserted else {
                throw ValidationError(.duplicateField, field: operation.registerPath,
                                      expected: "at most one operation per field in an entry")
            }
        }
    }

    /// Refuses an entry stamped more than `tolerance` after `now` (a wrong or hostile clock
    /// would otherwise push every replica's hybrid clock into the future).
    public static func checkNotInFuture(_ entry: JournalEntry, now: Int64, tolerance: Int64 = 86_400_000) throws(ValidationError) {
        guard entry.timestamp.millis <= now + tolerance else {
            throw ValidationError(.invalidValue, field: "at", value: .string(entry.timestamp.rfc3339),
                                  expected: "a time no later than 24 hours from now (\(RFC3339.format(millis: now)))")
        }
    }

    /// Checks one operation: known field, right kind of operation, canonical value.
    public func validate(_ operation: FieldOperation) throws(ValidationError) {
        switch operation {
        case .set(let field, let value, let prior):
            guard let register = register(forPath: field) else {
                if let spec = spec(forPath: field), case .set = spec.type {
                    throw ValidationError(.wrongType, field: field, expected: "add and remove operations for a set")
                }
                throw ValidationError(.unknownField, field: field, expected: "a field of a \(recordType.rawValue)")
            }
            let spec = register.spec
            guard try normalize(value, for: spec, at: field) == value else {
                throw ValidationError(.invalidValue, field: field, value: value,
                                      expected: "the canonical form (UTC with milliseconds)")
            }
            if let prior {
                guard spec.rule == .openWins || spec.rule == .revocationReview else {
                    throw ValidationError(.malformedEntry, field: field, value: prior,
                                          expected: "no prior value for a \(spec.rule.rawValue) field")
                }
                _ = try normalize(prior, for: spec, at: field)
            }
        case .add(let field, let element), .remove(let field, let element):
            guard let spec = spec(forPath: field), case .set(let vocabulary) = spec.type else {
                throw ValidationError(.unknownField, field: field, expected: "a set-valued field of a \(recordType.rawValue)")
            }
            guard vocabulary.contains(element) else {
                throw ValidationError(.notInVocabulary, field: field, value: .string(element), expected: spec.type.expectation)
            }
        }
    }

    /// Whether `text` is a folio `LEON-<NODE>-<YYYY>-<NNNNNN>` (NODE an upper-cased node id).
    public static func isFolio(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 5 + 1 + 12, bytes.starts(with: Array("LEON-".utf8)) else { return false }
        let tail = bytes.suffix(12)
        let tailOK = tail.enumerated().allSatisfy { offset, byte in
            offset == 0 || offset == 5 ? byte == UInt8(ascii: "-") : (byte >= 0x30 && byte <= 0x39)
        }
        let node = bytes[5..<(bytes.count - 12)]
        let nodeOK = !node.isEmpty && node.count <= 32 && node.first != UInt8(ascii: "-")
            && node.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
        return tailOK && nodeOK
    }

    /// Splits a folio `LEON-<NODE>-<YYYY>-<NNNNNN>` into its node, year and number.
    public static func parseFolio(_ folio: String) -> (node: String, year: Int, number: Int)? {
        guard isFolio(folio) else { return nil }
        let parts = folio.split(separator: "-")
        guard parts.count >= 4, let number = Int(parts[parts.count - 1]), let year = Int(parts[parts.count - 2]) else { return nil }
        return (parts[1..<(parts.count - 2)].joined(separator: "-"), year, number)
    }

    /// The folio of a node's `number`-th case of `year`.
    public static func folio(node: NodeID, year: Int, number: Int) -> String {
        let digits = String(number)
        let padded = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return "LEON-\(node.rawValue.uppercased())-\(year)-\(padded)"
    }

    private func wrongType(_ path: String, _ value: JSONValue, _ spec: FieldSpec) -> ValidationError {
        ValidationError(.wrongType, field: path, value: value, expected: spec.type.expectation)
    }
}
