import Crypto

/// Where she can be found, when a case's `confidentiality` is `ubicacion_restringida`
/// (docs/domain.md): `person.address`, `person.colonia`, `safe_contact.phone` and
/// `safe_contact.hours` are written as tokens sealed under the case's **location key** of the
/// lead department, which only that department's nodes and the central server receive.
///
/// A token is a JSON object `{"sealed": hex(nonce ‖ ciphertext ‖ tag), "key": KEY_ID}`, where
/// the key id `DEPARTMENT:node` names the lead department and the replica that made the key
/// (two machines of the lead may each make one while apart).
/// Sealing is deterministic (ChaCha20-Poly1305 with the nonce derived by HMAC from the key, the
/// field and the value), so a token is a keyed commitment to its value: replicas that cannot
/// read it merge it like any value, and equal values compare equal everywhere, opening the same
/// conflicts. The case id and field are authenticated, so a token cannot be moved.
public enum LocationSeal {
    /// The fields the restriction covers. `safe_contact.no_contact` stays readable: it protects her.
    public static let fields: Set<String> = ["person.address", "person.colonia", "safe_contact.phone", "safe_contact.hours"]
    /// The confidentiality that restricts them.
    public static let restricted = "ubicacion_restringida"
    /// The longest token accepted (hex of a 10,000-byte value and its overhead).
    static let maxTokenLength = 2 * (10_240 + 28)

    /// A location key's id: its department and the replica that made it.
    public static func keyID(department: String, madeBy node: NodeID) -> String { "\(department):\(node.rawValue)" }

    /// The department a location key id belongs to.
    public static func department(ofKey id: String) -> String { String(id.prefix { $0 != ":" }) }

    /// `value` of `field` in case `caseID`, sealed under the location key `key` whose id is `keyID`.
    public static func seal(_ value: JSONValue, field: String, caseID: String, keyID: String, key: SymmetricKey) -> JSONValue {
        var writer = ByteWriter(capacity: 64)
        value.write(to: &writer)
        let plain = writer.bytes
        let mac = HMAC<SHA256>.authenticationCode(for: Array("nonce\u{0}\(field)\u{0}".utf8) + plain, using: key)
        let nonce = try! ChaChaPoly.Nonce(data: Array(mac.prefix(12)))
        let box = try! ChaChaPoly.seal(plain, using: key, nonce: nonce, authenticating: aad(caseID, field))
        let sealed = Array(nonce) + Array(box.ciphertext) + Array(box.tag)
        return .object(["sealed": .string(EntryChain.hex(sealed)), "key": .string(keyID)])
    }

    /// Whether `value` is a token (of any key).
    public static func isToken(_ value: JSONValue) -> Bool { parts(value) != nil }

    /// The id of the location key that seals `value`, when it is a token.
    public static func keyID(of value: JSONValue) -> String? { parts(value)?.keyID }

    /// The value a token holds, opened with `key`; nil when it does not open.
    public static func open(_ value: JSONValue, field: String, caseID: String, key: SymmetricKey) -> JSONValue? {
        guard let (bytes, _) = parts(value), bytes.count >= 28,
              let box = try? ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: bytes.prefix(12)), ciphertext: bytes.dropFirst(12).dropLast(16),
                                                  tag: bytes.suffix(16)),
              let plain = try? ChaChaPoly.open(box, using: key, authenticating: aad(caseID, field))
        else { return nil }
        var reader = ByteReader(Array(plain))
        guard let opened = try? JSONValue.read(&reader, depth: 0), reader.isAtEnd else { return nil }
        return opened
    }

    /// `document` (a case, or a conflict of one) with every token it holds opened where `key`
    /// gives the location key of its key id; tokens it cannot open stay as they are.
    public static func reveal(_ document: JSONValue, caseID: String, key: (String) -> SymmetricKey?) -> JSONValue {
        reveal(document, path: [], caseID: caseID, key: key)
    }

    private static func reveal(_ value: JSONValue, path: [String], caseID: String, key: (String) -> SymmetricKey?) -> JSONValue {
        switch value {
        case .object(let members):
            if let keyID = keyID(of: value) {
                // A token's field is the path's last two names (`person.address`), or the
                // conflict's field when it sits among a conflict's versions.
                let field = path.suffix(2).joined(separator: ".")
                for candidate in [field] + fields.sorted() {
                    if let opened = key(keyID).flatMap({ open(value, field: candidate, caseID: caseID, key: $0) }) { return opened }
                }
                return value
            }
            return .object(members.reduce(into: [:]) { result, member in
                result[member.key] = reveal(member.value, path: path + [member.key], caseID: caseID, key: key)
            })
        case .array(let elements):
            return .array(elements.map { reveal($0, path: path, caseID: caseID, key: key) })
        default:
            return value
        }
    }

    /// Whether a case is restricted after `operations` apply to `state`, and its lead: the
    /// `lead_department`, or the origin department while no lead is named.
    public static func restriction(of state: RecordState?, after operations: [FieldOperation]) -> (restricted: Bool, lead: String?) {
        func value(_ field: String) -> JSONValue? {
            for case .set(field, let value, _) in operations { return value }
            return state?.currentValue(of: field)
        }
        let lead = value("lead_department")?.stringValue ?? value("origin_department")?.stringValue
        return (value("confidentiality")?.stringValue == restricted, lead)
    }

    /// Checks a token's shape (the schema accepts one where a restricted field's value goes).
    static func validToken(_ value: JSONValue) -> Bool {
        guard let (bytes, keyID) = parts(value) else { return false }
        return bytes.count >= 28 && isKeyID(keyID)
    }

    /// Whether `id` is a location key id: a department, a colon, a node id.
    public static func isKeyID(_ id: String) -> Bool {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && Vocabulary.department.contains(String(parts[0])) && NodeID(String(parts[1])) != nil
    }

    private static func parts(_ value: JSONValue) -> (bytes: [UInt8], keyID: String)? {
        guard case .object(let members) = value, members.count == 2, let hex = members["sealed"]?.stringValue,
              hex.utf8.count <= maxTokenLength, let keyID = members["key"]?.stringValue, let bytes = EntryChain.bytes(hex: hex)
        else { return nil }
        return (bytes, keyID)
    }

    private static func aad(_ caseID: String, _ field: String) -> [UInt8] { Array("enlace-location-v1\u{0}\(caseID)\u{0}\(field)".utf8) }
}
