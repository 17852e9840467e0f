import EnlaceModel
import Foundation

/// What a replica reads from the system and the merge core never does: the time and fresh
/// random ids. Passed in as closures wherever a test needs to fix them.
public enum SystemClock {
    /// Milliseconds since the Unix epoch.
    @Sendable public static func millis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The current time as a canonical RFC 3339 timestamp.
    public static var now: String { RFC3339.format(millis: millis()) }

    /// A fresh ULID from the system clock and the system's random generator.
    @Sendable public static func ulid() -> String {
        var generator = SystemRandomNumberGenerator()
        return ULID.make(millis: UInt64(max(0, millis())), random: (generator.next(), UInt16.random(in: 0...UInt16.max)))
    }
}

extension SystemClock {
    /// A fresh per-entry salt (16 random bytes).
    @Sendable public static func salt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(EntryBody.saltLength)
        for _ in 0..<(EntryBody.saltLength / 8) { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        return bytes
    }
}
