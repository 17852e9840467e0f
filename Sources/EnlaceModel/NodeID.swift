/// The identity of a replica: a field node (e.g. `c4-01`) or the central server (`central`).
///
/// Lower-case ASCII letters, digits and `-`, 1 to 32 characters, starting with a letter or digit,
/// so it fits folios (`LEON-C4-01-2026-000001`) and file names unchanged.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The identifier's text.
    public let rawValue: String

    /// The central server's replica id; resolutions are entries from this origin.
    public static let central = NodeID(unchecked: "central")

    /// Creates a node id, or returns nil when `rawValue` is not a valid node id.
    public init?(_ rawValue: String) {
        guard NodeID.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// Whether `text` is a well-formed node id.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...32).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let isAlnum = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            if isAlnum { continue }
            if byte == UInt8(ascii: "-") && index > 0 { continue }
            return false
        }
        return true
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    public var description: String { rawValue }
}

extension NodeID: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = NodeID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "invalid node id: expected 1-32 of a-z, 0-9 and '-'"
            )
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
