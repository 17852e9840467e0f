import EnlaceProtocol
import EnlaceStore
import Foundation

/// Turns valid inputs into hostile ones for fuzz tests: numbers at the edges of every integer
/// type, odd strings, deleted, duplicated and flipped bytes. Seeded, so a failure replays.
public struct Mutator {
    private var random: SplitMix64

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Numbers that break unchecked arithmetic somewhere.
    public static let edgeNumbers = [
        "0", "-1", "1", "18446744073709551615", "18446744073709551616", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "4294967295", "4294967296", "2147483648", "9007199254740992",
        "1e308", "-1e308", "1.5", "NaN", "1e999", "00", "-0",
    ]

    /// Strings that break careless parsing somewhere.
    public static let edgeStrings = [
        "", " ", "\\u0000", "\\n", "../../etc/passwd", "🦋", String(repeating: "A", count: 70_000), "null", "true", "1",
        "LEON-C4-01-2026-999999", "01JDQ8Z6N4W2C4X9V3K5M7P8RA", "zzzzzzzzzzzzzzzzzzzzzzzzzz", "c4-01:18446744073709551615",
        "central", "C4", "IMMUJERES", "%00", "\\ud800",
    ]

    /// A random integer in `range`.
    public mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }

    /// A random element.
    public mutating func pick<T>(_ values: [T]) -> T { values[int(0..<values.count)] }

    /// One to three mutations of `text`.
    public mutating func mutate(_ text: String) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<int(1..<4) { bytes = mutateOnce(bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func mutateOnce(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return Array(pick(Mutator.edgeNumbers).utf8) }
        switch int(0..<8) {
        case 7:
            let text = String(decoding: bytes, as: UTF8.self)
            let flipped = int(0..<2) == 0 ? text.replacingOccurrences(of: "false", with: "true")
                : text.replacingOccurrences(of: "true", with: "false")
            return Array(flipped.utf8)
        case 0: return replaceNumber(bytes)
        case 1: return replaceString(bytes)
        case 2:
            let start = int(0..<bytes.count)
            let end = min(bytes.count, start + int(1..<32))
            return Array(bytes[..<start] + bytes[end...])
        case 3:
            let start = int(0..<bytes.count)
            let end = min(bytes.count, start + int(1..<64))
            return Array(bytes[..<end] + bytes[start..<end] + bytes[end...])
        case 4:
            var copy = bytes
            copy[int(0..<copy.count)] ^= UInt8(truncatingIfNeeded: int(1..<256))
            return copy
        case 5:
            let at = int(0..<bytes.count)
            return Array(bytes[..<at]) + Array(pick(["null", "[]", "{}", "-1", "\"\"", ",", "{\"a\":", "]]]]"]).utf8) + bytes[at...]
        default: return replaceNumber(replaceNumber(bytes))
        }
    }

    /// Replaces one JSON number (a run of digits, maybe signed) with an edge number.
    private mutating func replaceNumber(_ bytes: [UInt8]) -> [UInt8] {
        var runs: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            if isDigit(bytes[index]), index == 0 || !isWordByte(bytes[index - 1]) {
                let start = index > 0 && bytes[index - 1] == UInt8(ascii: "-") ? index - 1 : index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                if index == bytes.count || !isWordByte(bytes[index]) { runs.append(start..<index) }
            } else {
                index += 1
            }
        }
        guard !runs.isEmpty else { return bytes }
        let run = pick(runs)
        return Array(bytes[..<run.lowerBound]) + Array(pick(Mutator.edgeNumbers).utf8) + bytes[run.upperBound...]
    }

    /// Replaces the content of one JSON string literal with an edge string.
    private mutating func replaceString(_ bytes: [UInt8]) -> [UInt8] {
        var literals: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else { index += 1; continue }
            let start = index + 1
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            if index <= bytes.count { literals.append(start..<min(index, bytes.count)) }
            index += 1
        }
        guard !literals.isEmpty else { return bytes }
        let literal = pick(literals)
        return Array(bytes[..<literal.lowerBound]) + Array(pick(Mutator.edgeStrings).utf8) + bytes[literal.upperBound...]
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }
}

/// How many fuzz cases to run: CI's share `base`, times `ENLACE_FUZZ_SCALE` when set (e.g. 50
/// for a long local run).
public func fuzzCases(_ base: Int) -> Int {
    base * max(1, ProcessInfo.processInfo.environment["ENLACE_FUZZ_SCALE"].flatMap(Int.init) ?? 1)
}

/// The seed of a fuzz run: `ENLACE_FUZZ_SEED` to replay one, else a fresh one (printed on failure).
public func fuzzSeed() -> UInt64 {
    ProcessInfo.processInfo.environment["ENLACE_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
}

extension Mutator {
    /// One to three mutations of binary input: flipped, cut, repeated and inserted bytes, and
    /// integers at every width overwritten with edge values.
    public mutating func mutate(bytes input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<int(1..<4) {
            guard !bytes.isEmpty else { return [0xFF] }
            let at = int(0..<bytes.count)
            switch int(0..<6) {
            case 0: bytes[at] ^= UInt8(truncatingIfNeeded: int(1..<256))
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + int(1..<32)))
            case 2: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + int(1..<64))], at: at)
            case 3: bytes.insert(contentsOf: pick([[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0x80], [0x00], [0xFF]]), at: at)
            case 4:
                // An integer field overwritten with all ones or zeros (a seq, an epoch, a length).
                let width = pick([1, 4, 8])
                let end = min(bytes.count, at + width)
                bytes.replaceSubrange(at..<end, with: [UInt8](repeating: int(0..<2) == 0 ? 0xFF : 0x00, count: end - at))
            default: bytes = Array(bytes.prefix(at))
            }
        }
        return bytes
    }
}

/// Well-formed enrollment tokens for tests that never contact a central server.
public enum TestToken {
    /// A token with a random secret and a random central key.
    public static func make() -> String {
        EnrollmentToken(secret: SystemClock.salt() + SystemClock.salt(), centralKey: ReplicaKey.generate().signingPublicKey,
                        centralAgreementKey: ReplicaKey.generate().agreementPublicKey).text
    }
}
