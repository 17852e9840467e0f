import EnlaceModel
import Foundation

/// The erasures the office ordered, kept in the data folder beside the store but outside it
/// (`DIR/erasures`, one JSON line each), so that a store restored from a copy older than an
/// erasure re-applies it before it serves anything (`CentralBackup.restore`). The line holds
/// what the erasure keeps anyway: ids, folio, dates, author, reason and legal basis.
public enum ErasureRegister {
    public static func file(in dataDirectory: String) -> String { (dataDirectory as NSString).appendingPathComponent("erasures") }

    /// Appends erasures durably.
    public static func append(_ events: [ErasureEvent], in dataDirectory: String) throws {
        let path = file(in: dataDirectory)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw StoreFileError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        for event in events {
            let bytes = Array((line(event).canonicalText + "\n").utf8)
            guard write(descriptor, bytes, bytes.count) == bytes.count else {
                throw StoreFileError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard fsync(descriptor) == 0 else { throw StoreFileError("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// Every erasure registered in `dataDirectory` (none when there is no register).
    public static func read(in dataDirectory: String) throws -> [ErasureEvent] {
        guard let data = FileManager.default.contents(atPath: file(in: dataDirectory)) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated().map { index, text in
            guard let json = try? JSONValue.parse(String(text)), let id = json["case"]?.stringValue, let reason = json["reason"]?.stringValue,
                  let basis = json["legal_basis"]?.stringValue, let author = json["by"]?.stringValue, let at = json["at"]?.intValue
            else { throw StoreFileError("\(file(in: dataDirectory)) line \(index + 1) is not an erasure") }
            return ErasureEvent(caseID: id, folio: json["folio"]?.stringValue, originDepartment: json["origin_department"]?.stringValue,
                                openedAt: json["opened_at"]?.intValue, reason: reason, legalBasis: basis, author: author, at: at)
        }
    }

    static func line(_ event: ErasureEvent) -> JSONValue {
        ["case": .string(event.caseID), "folio": event.folio.map(JSONValue.string) ?? .null,
         "origin_department": event.originDepartment.map(JSONValue.string) ?? .null, "opened_at": event.openedAt.map(JSONValue.int) ?? .null,
         "reason": .string(event.reason), "legal_basis": .string(event.legalBasis), "by": .string(event.author), "at": .int(event.at)]
    }
}

/// A register file that cannot be read or written.
public struct StoreFileError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
