/// Writes the canonical bytes of the journal format (`docs/JOURNAL-FORMAT.md`): big-endian
/// fixed-width integers, minimal LEB128 varints, length-prefixed UTF-8.
public struct ByteWriter: Sendable {
    /// What has been written.
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ value: UInt8) { bytes.append(value) }

    public mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    public mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// An unsigned LEB128 varint (minimal: no trailing zero groups).
    public mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func varint(_ value: Int) { varint(UInt64(value)) }

    /// A signed integer, zigzag-encoded as a varint.
    public mutating func zigzag(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    public mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }

    /// Text as varint length and UTF-8 bytes.
    public mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            varint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Short ASCII text (a node id) as one length byte and its bytes.
    public mutating func shortString(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
}
