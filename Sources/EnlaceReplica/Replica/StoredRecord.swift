import Crypto
import EnlaceModel

/// A materialised record as every store writes it: its document and each conflict sealed under
/// the vault key, a restricted case's location tokens opened where this replica holds their
/// keys (the lead department, the central server), and the keyed tag of the woman's file.
package struct StoredRecord {
    package let key: RecordKey
    /// The sealed document.
    package let document: [UInt8]
    package let clock: String
    package let entryCount: Int
    /// The index tag of `person_ref` (HMAC under the vault key), when the record has one.
    package let personTag: [UInt8]?
    /// The record's department (a case's origin, a certificate holder's).
    package let department: String?
    /// Each conflict, open and resolved, with its sealed JSON.
    package let conflicts: [(conflict: StoredConflict, sealed: [UInt8])]

    package init(_ record: MaterializedRecord, locationKeys: [String: SymmetricKey], vault: Vault) {
        key = record.key
        let caseID = record.key.id
        func shown(_ value: JSONValue) -> JSONValue {
            locationKeys.isEmpty ? value : LocationSeal.reveal(value, caseID: caseID) { locationKeys[$0] }
        }
        document = vault.sealDocument(record.shown(locationKeys: locationKeys).canonicalText, of: record.key)
        clock = record.clock.description
        entryCount = record.entryCount
        personTag = record.document["person_ref"]?.stringValue.map { vault.tag($0, context: "person_ref") }
        department = record.department
        conflicts = (record.openConflicts + record.resolvedConflicts).map { conflict in
            let stored = StoredConflict(conflict, department: record.department)
            let json = locationKeys.isEmpty ? stored.json : shown(conflict.json).canonicalText
            return (stored, vault.seal(Array(json.utf8), context: "conflict \(stored.id)"))
        }
    }
}

extension MaterializedRecord {
    /// The record's document as this replica stores and reads it: a restricted case's location
    /// tokens opened where it holds their keys (`locationKeys`, by key id).
    public func shown(locationKeys: [String: SymmetricKey]) -> JSONValue {
        locationKeys.isEmpty ? document : LocationSeal.reveal(document, caseID: key.id) { locationKeys[$0] }
    }
}
