import Crypto

/// A SHA-256 digest: an envelope's hash, a body's commitment, a chain link.
public struct Hash256: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes.
    public let bytes: [UInt8]

    /// A digest from its 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses 64 lower-case hex digits.
    public init?(hex: String) {
        guard EntryChain.isHash(hex), let bytes = EntryChain.bytes(hex: hex) else { return nil }
        self.bytes = bytes
    }

    /// The SHA-256 of `parts`, concatenated.
    public static func of(_ parts: [UInt8]...) -> Hash256 {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return Hash256(unchecked: Array(hasher.finalize()))
    }

    /// 64 lower-case hex digits.
    public var hex: String { EntryChain.hex(bytes) }
    public var description: String { hex }
}
