/// The central office's erasure of a case's contents (ARCO cancellation, docs/domain.md): a journal
/// entry of the central server that every replica applies by destroying the case's bodies,
/// record and conflicts, keeping only what it says remains — the case's id, folio, origin
/// department and dates, and the fact, author, reason and legal basis of the erasure. Bytes:
/// `docs/JOURNAL-FORMAT.md`.
public struct ErasureEvent: Hashable, Sendable {
    /// The longest reason or legal basis, in bytes of UTF-8.
    public static let maxTextLength = 2000

    public let caseID: String
    public let folio: String?
    public let originDepartment: String?
    /// When the case was opened (its first entry's time), milliseconds.
    public let openedAt: Int64?
    public let reason: String
    public let legalBasis: String
    /// The office user who decided it.
    public let author: String
    /// When (milliseconds since 1970).
    public let at: Int64

    public init(caseID: String, folio: String?, originDepartment: String?, openedAt: Int64?, reason: String, legalBasis: String,
                author: String, at: Int64) {
        self.caseID = caseID
        self.folio = folio
        self.originDepartment = originDepartment
        self.openedAt = openedAt
        self.reason = reason
        self.legalBasis = legalBasis
        self.author = author
        self.at = at
    }

    /// What remains of the case: the document every replica serves in its place.
    public var tombstone: JSONValue {
        [
            "id": .string(caseID), "folio": folio.map(JSONValue.string) ?? .null,
            "origin_department": originDepartment.map(JSONValue.string) ?? .null,
            "opened_at": openedAt.map { .string(RFC3339.format(millis: $0)) } ?? .null,
            "erased": ["at": .string(RFC3339.format(millis: at)), "by": .string(author), "reason": .string(reason),
                       "legal_basis": .string(legalBasis)],
        ]
    }

    /// The body's canonical bytes.
    public var encodedBody: [UInt8] {
        var writer = ByteWriter(capacity: 96 + reason.utf8.count + legalBasis.utf8.count)
        writer.u8(EntryEnvelope.version)
        writer.u8(BodyKind.erasure.rawValue)
        writer.shortString(caseID)
        for text in [folio, originDepartment] {
            if let text {
                writer.u8(1)
                writer.shortString(text)
            } else {
                writer.u8(0)
            }
        }
        if let openedAt {
            writer.u8(1)
            writer.i64(openedAt)
        } else {
            writer.u8(0)
        }
        writer.string(reason)
        writer.string(legalBasis)
        writer.shortString(author)
        writer.i64(at)
        return writer.bytes
    }

    /// Decodes an erasure body.
    public init(body: [UInt8]) throws(FormatError) {
        var reader = ByteReader(body)
        guard try reader.u8("body version") == EntryEnvelope.version else { throw FormatError("body: not format version 2") }
        guard try reader.u8("body kind") == BodyKind.erasure.rawValue else { throw FormatError("body: not an erasure") }
        let caseID = try reader.shortString("erased case")
        guard ULID.isValid(caseID) else { throw FormatError("erasure: the case id is not a ULID") }
        var texts: [String?] = []
        for name in ["folio", "origin department"] {
            switch try reader.u8(name) {
            case 0: texts.append(nil)
            case 1: texts.append(try reader.shortString(name))
            default: throw FormatError("erasure: bad presence flag")
            }
        }
        var openedAt: Int64?
        switch try reader.u8("opened at") {
        case 0: break
        case 1: openedAt = try reader.i64("opened at")
        default: throw FormatError("erasure: bad presence flag")
        }
        let reason = try reader.string("reason")
        let legalBasis = try reader.string("legal basis")
        guard reason.utf8.count <= Self.maxTextLength, legalBasis.utf8.count <= Self.maxTextLength else {
            throw FormatError("erasure: reason or legal basis too long")
        }
        let author = try reader.shortString("author")
        let at = try reader.i64("erasure time")
        guard reader.isAtEnd else { throw FormatError("body: bytes after its end") }
        self.init(caseID: caseID, folio: texts[0], originDepartment: texts[1], openedAt: openedAt, reason: reason,
                  legalBasis: legalBasis, author: author, at: at)
    }
}
