/// The kinds of body (`docs/JOURNAL-FORMAT.md`).
public enum BodyKind: UInt8, Sendable {
    /// A record edit in clear (`JournalEntry`).
    case edit = 1
    /// A record edit whose contents are encrypted (reserved: the encryption format fills it in).
    case sealedEdit = 2
    /// A central-signed directory event: enrollment, keys, revocation (`DirectoryEvent`).
    case directory = 3
    /// A central-signed erasure of a case's contents (ARCO cancellation, `ErasureEvent`).
    case erasure = 4
}

extension JournalEntry {
    /// The body's canonical bytes.
    public var encodedBody: [UInt8] {
        var writer = ByteWriter(capacity: 64 + operations.count * 32)
        writer.u8(EntryEnvelope.version)
        writer.u8(BodyKind.edit.rawValue)
        writeHead(to: &writer)
        JournalEntry.writeOptional(author, to: &writer)
        JournalEntry.writeOptional(note, to: &writer)
        JournalEntry.write(operations, to: &writer)
        return writer.bytes
    }

    /// The record, clock and timestamp: what a body says in clear, sealed or not.
    func writeHead(to writer: inout ByteWriter) {
        writer.u8(recordType.code)
        writer.shortString(recordID)
        writer.varint(clock.components.count)
        for component in clock.components {
            writer.shortString(component.replica.node.rawValue)
            writer.u32(component.replica.epoch)
            writer.varint(component.counter)
        }
        writer.i64(timestamp.millis)
        writer.varint(UInt64(timestamp.counter))
    }

    static func write(_ operations: [FieldOperation], to writer: inout ByteWriter) {
        writer.varint(operations.count)
        for operation in operations {
            switch operation {
            case .set(let field, let value, nil):
                writer.u8(1)
                writer.string(field)
                value.write(to: &writer)
            case .set(let field, let value, let prior?):
                writer.u8(2)
                writer.string(field)
                value.write(to: &writer)
                prior.write(to: &writer)
            case .add(let field, let element):
                writer.u8(3)
                writer.string(field)
                writer.string(element)
            case .remove(let field, let element):
                writer.u8(4)
                writer.string(field)
                writer.string(element)
            }
        }
    }

    /// Decodes an edit body for the entry `id` (taken from its envelope).
    public init(id: EntryID, body: [UInt8]) throws(FormatError) {
        var reader = ByteReader(body)
        guard try reader.u8("body version") == EntryEnvelope.version else { throw FormatError("body: not format version 2") }
        guard try reader.u8("body kind") == BodyKind.edit.rawValue else { throw FormatError("body: not a record edit") }
        let head = try JournalEntry.readHead(&reader)
        let author = try JournalEntry.readOptional(&reader, "author")
        let note = try JournalEntry.readOptional(&reader, "note")
        let operations = try JournalEntry.readOperations(&reader)
        guard reader.isAtEnd else { throw FormatError("body: bytes after its end") }
        self.init(id: id, recordType: head.type, recordID: head.recordID, clock: head.clock, timestamp: head.timestamp,
                  author: author, note: note, operations: operations)
    }

    /// What `writeHead` wrote.
    struct Head: Equatable {
        var type: RecordType
        var recordID: String
        var clock: VectorClock
        var timestamp: HybridTimestamp
    }

    static func readHead(_ reader: inout ByteReader) throws(FormatError) -> Head {
        guard let type = RecordType(code: try reader.u8("record type")) else { throw FormatError("body: unknown record type") }
        let recordID = try reader.shortString("record id")
        let width = try reader.count("clock", minimumSize: 7)
        var components: [VectorClock.Component] = []
        components.reserveCapacity(width)
        for _ in 0..<width {
            guard let node = NodeID(try reader.shortString("clock replica")) else { throw FormatError("clock: a replica is not a node id") }
            let epoch = try reader.u32("clock epoch")
            guard epoch >= 1, epoch <= ReplicaID.maxEpoch else { throw FormatError("clock: epoch out of range") }
            let counter = try reader.varint("clock counter")
            guard EntryID.isValidSeq(counter) else { throw FormatError("clock: counters must be from 1 to \(EntryID.maxSeq)") }
            let replica = ReplicaID(node, epoch: epoch)
            guard components.last.map({ $0.replica < replica }) ?? true else { throw FormatError("clock: replicas not in order") }
            components.append(VectorClock.Component(replica: replica, counter: counter))
        }
        let millis = try reader.i64("timestamp")
        let tick = try reader.varint("timestamp tick")
        guard tick <= UInt64(UInt32.max) else { throw FormatError("timestamp tick out of range") }
        return Head(type: type, recordID: recordID, clock: VectorClock(sorted: components),
                    timestamp: HybridTimestamp(millis: millis, counter: UInt32(tick)))
    }

    static func readOperations(_ reader: inout ByteReader) throws(FormatError) -> [FieldOperation] {
        let count = try reader.count("operations", minimumSize: 3)
        var operations: [FieldOperation] = []
        operations.reserveCapacity(count)
        for _ in 0..<count {
            let code = try reader.u8("operation")
            let field = try reader.string("operation field")
            switch code {
            case 1: operations.append(.set(field: field, value: try JSONValue.read(&reader, depth: 0)))
            case 2:
                let value = try JSONValue.read(&reader, depth: 0)
                operations.append(.set(field: field, value: value, prior: try JSONValue.read(&reader, depth: 0)))
            case 3: operations.append(.add(field: field, element: try reader.string("set element")))
            case 4: operations.append(.remove(field: field, element: try reader.string("set element")))
            default: throw FormatError("operation: unknown code")
            }
        }
        return operations
    }

    private static func writeOptional(_ text: String?, to writer: inout ByteWriter) {
        if let text {
            writer.u8(1)
            writer.string(text)
        } else {
            writer.u8(0)
        }
    }

    private static func readOptional(_ reader: inout ByteReader, _ what: String) throws(FormatError) -> String? {
        switch try reader.u8(what) {
        case 0: return nil
        case 1: return try reader.string(what)
        default: throw FormatError("\(what): bad presence flag")
        }
    }
}

extension JSONValue {
    /// Values nest at most this deep in a body.
    static let maxDepth = 32

    /// Appends the value's canonical bytes: a tag, then its content (objects with keys in byte order).
    func write(to writer: inout ByteWriter) {
        switch self {
        case .null: writer.u8(0)
        case .bool(let flag): writer.u8(flag ? 2 : 1)
        case .int(let number):
            writer.u8(3)
            writer.zigzag(number)
        case .double(let number):
            writer.u8(4)
            writer.u64(number.bitPattern)
        case .string(let text):
            writer.u8(5)
            writer.string(text)
        case .array(let elements):
            writer.u8(6)
            writer.varint(elements.count)
            for element in elements { element.write(to: &writer) }
        case .object(let members):
            writer.u8(7)
            writer.varint(members.count)
            for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                writer.string(key)
                members[key]!.write(to: &writer)
            }
        }
    }

    static func read(_ reader: inout ByteReader, depth: Int) throws(FormatError) -> JSONValue {
        guard depth <= maxDepth else { throw FormatError("value: nested too deep") }
        switch try reader.u8("value tag") {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int(try reader.zigzag("integer"))
        case 4:
            let number = Double(bitPattern: try reader.u64("number"))
            guard number.isFinite else { throw FormatError("number: not finite") }
            return .double(number)
        case 5: return .string(try reader.string("text"))
        case 6:
            let count = try reader.count("array")
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try read(&reader, depth: depth + 1)) }
            return .array(elements)
        case 7:
            let count = try reader.count("object", minimumSize: 2)
            var members: [String: JSONValue] = [:]
            var previous: String?
            for _ in 0..<count {
                let key = try reader.string("object key")
                guard previous.map({ $0.utf8.lexicographicallyPrecedes(key.utf8) }) ?? true else {
                    throw FormatError("object: keys not in order")
                }
                previous = key
                members[key] = try read(&reader, depth: depth + 1)
            }
            return .object(members)
        default: throw FormatError("value: unknown tag")
        }
    }
}

extension RecordType {
    /// The record type's one-byte code in bodies.
    public var code: UInt8 {
        switch self {
        case .caseFile: 1
        case .certification: 2
        }
    }

    /// The record type of a body code.
    public init?(code: UInt8) {
        switch code {
        case 1: self = .caseFile
        case 2: self = .certification
        default: return nil
        }
    }
}
