import EnlaceDemo
import EnlaceModel
import EnlaceStore
import Foundation

/// What a replica holds of one case, captured while it holds it, so that a test can later prove
/// a purge or an erasure left nothing of it. Case contents are sealed everywhere, so a scan for
/// their plain text cannot tell "gone" from "kept, encrypted": this looks for the case's key
/// through the store, for its entries' bodies by identity, and for the sealed bytes themselves.
public struct CaseTrace: Sendable {
    public let caseID: String
    /// The entries of the case whose bodies the replica held, by name (`origin:seq`).
    public let entries: Set<String>
    /// Pieces of each held body's ciphertext: its last 16 bytes (the seal's tag) and the 16
    /// before them, random bytes no other file holds by chance.
    public let sealedPieces: [[[UInt8]]]

    /// Captures case `id` as `store` holds it now; throws when the store holds no key or no
    /// body of it (a capture must be taken where the case is held).
    public static func capture(_ store: any ReplicaStore, caseID id: String) async throws -> CaseTrace {
        var entries: Set<String> = []
        var pieces: [[[UInt8]]] = []
        try await store.read { reader in
            guard try await reader.caseKey(id) != nil else { throw CLIFailure(message: "the store holds no key of case \(id)") }
            try await reader.forEachEntry { row in
                guard row.recordID == id, let body = row.body, body.count >= 64 else { return }
                entries.insert(row.name)
                pieces.append([Array(body.suffix(16)), Array(body.suffix(32).prefix(16))])
            }
        }
        guard !entries.isEmpty else { throw CLIFailure(message: "the store holds no body of case \(id)") }
        return CaseTrace(caseID: id, entries: entries, sealedPieces: pieces)
    }

    /// What `store` still holds of the case: its key, location keys, its record, and bodies of
    /// the captured entries. Empty when it holds nothing of it but stubs.
    public func remains(in store: any ReplicaStore, tombstone: Bool = false) async throws -> [String] {
        var found: [String] = []
        try await store.read { reader in
            if try await reader.caseKey(caseID) != nil { found.append("the case's key") }
            let locations = try await reader.locationKeys(caseID)
            if !locations.isEmpty { found.append("\(locations.count) location keys") }
            if !tombstone, try await reader.documentText(RecordKey(.caseFile, caseID)) != nil { found.append("the case's record") }
            try await reader.forEachEntry { row in
                guard entries.contains(row.name) else { return }
                if row.body != nil || row.state != .stub { found.append("the body of \(row.name) (\(row.state.name))") }
            }
        }
        return found
    }

    /// The files under `folder` holding a piece of any captured body's ciphertext.
    public func files(in folder: String) -> [String] {
        Array(Set(sealedPieces.flatMap { $0 }.flatMap { DataFolderScan.files(in: folder, containing: $0) })).sorted()
    }

    /// How many captured bodies have a piece in a file under `folder` (the positive control:
    /// a replica that still holds the case must show every one).
    public func bodiesFound(in folder: String) -> Int {
        sealedPieces.filter { body in body.contains { !DataFolderScan.files(in: folder, containing: $0).isEmpty } }.count
    }
}
