import EnlaceModel

/// A replica driven by a test: it makes local edits and receives others' entries.
struct TestNode {
    let id: NodeID
    var replica = Replica()
    var seq: UInt64 = 0
    var millis: Int64
    /// Every entry this node holds, in the order it got them.
    var log: [JournalEntry] = []

    init(_ name: String, millis: Int64 = 1_764_000_000_000) {
        id = NodeID(name)!
        self.millis = millis
    }

    /// Makes, applies and returns a local edit.
    @discardableResult
    mutating func edit(
        _ key: RecordKey, _ operations: [FieldOperation], author: String? = nil, note: String? = nil
    ) -> JournalEntry {
        seq += 1
        millis += 1000
        let entry = replica.makeEntry(
            origin: ReplicaID(id), seq: seq, key: key, operations: operations,
            timestamp: HybridTimestamp(millis: millis), author: author, note: note)
        receive([entry])
        return entry
    }

    /// Applies entries from elsewhere.
    mutating func receive(_ entries: [JournalEntry]) {
        for entry in entries where replica.apply(entry) {
            log.append(entry)
        }
    }

    /// Receives everything `other` holds.
    mutating func sync(from other: TestNode) {
        receive(other.log)
    }

    func record(_ key: RecordKey) -> MaterializedRecord {
        replica.state(of: key)!.materialize()
    }

    func value(_ key: RecordKey, _ path: String) -> JSONValue {
        var current = record(key).fields
        for part in path.split(separator: ".") {
            current = current[String(part)] ?? .null
        }
        return current
    }
}

/// Fixed ids for readable tests.
enum Fixture {
    static let caseKey = RecordKey(.caseFile, "01JDQ8Z6N4W2C4X9V3K5M7P8RA")
    static let certKey = RecordKey(.certification, "01JDQ8Z6N4W2C4X9V3K5M7P8RB")
    static let attentionA = "01JDQ90000000000000000000A"
    static let attentionB = "01JDQ90000000000000000000B"
    static let referral = "01JDQ90000000000000000000R"

    static func creation(folio: String = "LEON-C4-01-2026-000001") -> [FieldOperation] {
        [
            .set(field: "folio", value: .string(folio)),
            .set(field: "origin_department", value: "C4"),
            .set(field: "intake_channel", value: "emergencia_911"),
            .set(field: "status", value: "abierto"),
            .set(field: "risk_level", value: "sin_valorar"),
        ]
    }

    static func attention(_ id: String, at: String, department: String = "DIF", kind: String = "orientacion") -> [FieldOperation] {
        [
            .set(field: "attentions.\(id).at", value: .string(at)),
            .set(field: "attentions.\(id).department", value: .string(department)),
            .set(field: "attentions.\(id).kind", value: .string(kind)),
        ]
    }

    static let certCreation: [FieldOperation] = [
        .set(field: "holder_name", value: "María Elena Ruiz Téllez"),
        .set(field: "department", value: "IMMUJERES"),
        .set(field: "standard_code", value: "EC0539"),
        .set(field: "folio", value: "D-0000123456"),
        .set(field: "valid_until", value: "2027-06-30"),
        .set(field: "status", value: "vigente"),
    ]
}

/// Two nodes that share a created record, then go offline.
func pairSharing(_ key: RecordKey, creation: [FieldOperation]) -> (TestNode, TestNode) {
    var a = TestNode("c4-01")
    var b = TestNode("dif-01")
    a.edit(key, creation)
    b.sync(from: a)
    return (a, b)
}
