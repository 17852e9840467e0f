import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// The JSON parser accepts exactly what Foundation's `JSONDecoder` accepted, and parses to the
/// same values: checked differentially on generated texts and on their byte-level mutations.
@Suite("JSON parser")
struct JSONParserTests {
    static let numbers = [
        "0", "-0", "1", "-1", "1.0", "-0.0", "1.5", "1e2", "1E+2", "-1.5e-3", "0.1", "1e-400", "123456789012345678",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "12345678901234567890.0", "9007199254740993", "1e308", "1e400", "-1e400", "01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10",
        "2.5e1", "1.25e2", "4.0e0", "NaN", "Infinity",
    ]
    static let strings = [
        "", "León", "Relato de la usuaria", "🦋", "a\\\"b", "a\\\\b", "\\/", "\\b\\f\\n\\r\\t", "\\u00e9", "\\u00E9", "\\ud83d\\ude00",
        "\\ud83d", "\\ude00", "\\ud83dx", "\\u12", "\\x41", "tab\there", "\\u0000", "é\\n🦋",
    ]

    /// A random JSON text: values nested a few levels, with odd numbers and strings and random
    /// whitespace, sometimes a repeated key.
    func text(_ rng: inout SplitMix64, depth: Int = 0) -> String {
        func pick(_ values: [String]) -> String { values[Int(rng.next() % UInt64(values.count))] }
        func space() -> String { pick(["", "", " ", "\n", "\t ", "\r\n"]) }
        switch rng.next() % (depth > 3 ? 4 : 7) {
        case 0: return pick(Self.numbers)
        case 1: return "\"" + pick(Self.strings) + "\""
        case 2: return pick(["true", "false", "null", "nul", "True"])
        case 3: return "\"" + pick(Self.strings) + pick(Self.strings) + "\""
        case 4, 5:
            let keys = (0..<Int(rng.next() % 4)).map { _ in pick(["a", "b", "person", "é", "a"]) }
            let members = keys.map { space() + "\"" + $0 + "\"" + space() + ":" + space() + text(&rng, depth: depth + 1) + space() }
            return "{" + members.joined(separator: ",") + "}"
        default:
            let elements = (0..<Int(rng.next() % 4)).map { _ in space() + text(&rng, depth: depth + 1) + space() }
            return "[" + elements.joined(separator: ",") + "]"
        }
    }

    /// Deletes, duplicates, inserts or flips bytes (invalid UTF-8 included).
    func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int(rng.next() % 3 + 1) {
            let index = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 5 {
            case 0 where !bytes.isEmpty: bytes.remove(at: index)
            case 1 where !bytes.isEmpty: bytes.insert(bytes[index], at: index)
            case 2: bytes.insert([0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x1F, 0xFF, 0xC3, 0x80, 0x20][Int(rng.next() % 14)], at: index)
            case 3 where !bytes.isEmpty: bytes[index] ^= UInt8(1 << (rng.next() % 8))
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }

    /// Both parse to the same value or both refuse — except where the parser is deliberately
    /// stricter than RFC 8259's laxer readers: a repeated key, a trailing comma, a NUL byte
    /// outside a string (JSONDecoder accepted the last two).
    func agree(_ bytes: [UInt8]) {
        let foundation = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        let ours: JSONValue?
        do {
            ours = try JSONValue.parse(bytes)
        } catch let error as JSONParseError where error.message.hasPrefix("a key repeated in one object") {
            return
        } catch {
            ours = nil
        }
        if ours == nil, foundation != nil, bytes.contains(0) || hasTrailingComma(bytes) { return }
        #expect(ours == foundation, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }

    func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.contains(/,[ \t\r\n]*[\]}]/)
    }

    @Test("20,000 generated texts and 20,000 mutations parse as JSONDecoder parses them, or are refused as it refuses them")
    func agreesWithFoundation() {
        for seed: UInt64 in [0x15_0A, 0xBEEF, 0xC0FFEE, 0x5EED] {
            var rng = SplitMix64(seed: seed)
            for _ in 0..<5_000 {
                let bytes = Array(text(&rng).utf8)
                agree(bytes)
                agree(mutate(bytes, &rng))
            }
        }
    }

    @Test("every edge number and string alone, and nesting at and past the limit")
    func edges() throws {
        for number in Self.numbers { agree(Array(number.utf8)); agree(Array(" [\(number)] ".utf8)) }
        for string in Self.strings { agree(Array("\"\(string)\"".utf8)) }
        agree(Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8))
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "[", count: 100_000)) }
        for lax in ["{\"a\":1,\"a\":2}", "[1,]", "{\"a\":1,}", "\u{0}1"] {
            #expect(throws: JSONParseError.self, "\(lax.debugDescription)") { try JSONValue.parse(lax) }
        }
        #expect(try JSONValue.parse("-9223372036854775808") == .int(Int64.min))
    }
}
