/// Why bytes are not the journal format: where it went wrong, never what was found there.
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Reads the journal format strictly: every length and count is checked against what remains
/// before anything is allocated, varints must be minimal, text must be UTF-8.
public struct ByteReader {
    private let bytes: [UInt8]
    /// The next byte to read.
    public private(set) var index: Int
    private let end: Int

    /// A reader over `bytes[range]` (all of them by default).
    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        index = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// Bytes left to read.
    public var remaining: Int { end - index }
    /// Whether everything has been read.
    public var isAtEnd: Bool { index == end }

    public mutating func u8(_ what: @autoclosure () -> String) throws(FormatError) -> UInt8 {
        guard index < end else { throw FormatError("\(what()): truncated") }
        defer { index += 1 }
        return bytes[index]
    }

    public mutating func u32(_ what: @autoclosure () -> String) throws(FormatError) -> UInt32 {
        guard remaining >= 4 else { throw FormatError("\(what()): truncated") }
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 8 | UInt32(bytes[index + offset]) }
        index += 4
        return value
    }

    public mutating func u64(_ what: @autoclosure () -> String) throws(FormatError) -> UInt64 {
        guard remaining >= 8 else { throw FormatError("\(what()): truncated") }
        var value: UInt64 = 0
        for offset in 0..<8 { value = value << 8 | UInt64(bytes[index + offset]) }
        index += 8
        return value
    }

    public mutating func i64(_ what: @autoclosure () -> String) throws(FormatError) -> Int64 {
        Int64(bitPattern: try u64(what()))
    }

    /// A minimal LEB128 varint of at most 64 bits.
    public mutating func varint(_ what: @autoclosure () -> String) throws(FormatError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < end else { throw FormatError("\(what()): truncated") }
            let byte = bytes[index]
            index += 1
            guard shift < 64, shift < 63 || byte <= 1 else { throw FormatError("\(what()): varint too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                guard byte != 0 || shift == 0 else { throw FormatError("\(what()): varint not minimal") }
                return value
            }
            shift += 7
        }
    }

    /// A varint count or length that must fit in what remains (each item taking at least
    /// `minimumSize` bytes), so that no hostile count makes a reader allocate.
    public mutating func count(_ what: @autoclosure () -> String, minimumSize: Int = 1) throws(FormatError) -> Int {
        let value = try varint(what())
        guard value <= UInt64(remaining / max(1, minimumSize)) else { throw FormatError("\(what()): count beyond the data") }
        return Int(value)
    }

    /// A zigzag-encoded signed varint.
    public mutating func zigzag(_ what: @autoclosure () -> String) throws(FormatError) -> Int64 {
        let raw = try varint(what())
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func raw(_ length: Int, _ what: @autoclosure () -> String) throws(FormatError) -> [UInt8] {
        guard length >= 0, remaining >= length else { throw FormatError("\(what()): truncated") }
        defer { index += length }
        return Array(bytes[index..<(index + length)])
    }

    /// The range of the next `length` bytes, skipped.
    public mutating func skip(_ length: Int, _ what: @autoclosure () -> String) throws(FormatError) -> Range<Int> {
        guard length >= 0, remaining >= length else { throw FormatError("\(what()): truncated") }
        defer { index += length }
        return index..<(index + length)
    }

    /// Varint-length-prefixed UTF-8 text.
    public mutating func string(_ what: @autoclosure () -> String) throws(FormatError) -> String {
        let length = try count(what())
        return try utf8(length, what())
    }

    /// One-byte-length-prefixed text.
    public mutating func shortString(_ what: @autoclosure () -> String) throws(FormatError) -> String {
        let length = Int(try u8(what()))
        return try utf8(length, what())
    }

    private mutating func utf8(_ length: Int, _ what: @autoclosure () -> String) throws(FormatError) -> String {
        guard remaining >= length else { throw FormatError("\(what()): truncated") }
        let slice = bytes[index..<(index + length)]
        index += length
        guard let text = String(validating: slice, as: UTF8.self) else { throw FormatError("\(what()): not UTF-8") }
        return text
    }
}
