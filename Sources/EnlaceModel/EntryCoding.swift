import EnlaceModel
import Foundation

/// The one canonical byte form of a journal entry: JSON with sorted keys. An identical resend
/// has identical bytes.
public enum EntryCoding {
    /// The canonical text of `entry`.
    public static func encode(_ entry: JournalEntry) -> String {
        // Encoding plain values cannot fail.
        String(decoding: (try? encoder.encode(entry)) ?? Data(), as: UTF8.self)
    }

    /// Decodes canonical text.
    public static func decode(_ text: String) throws -> JournalEntry {
        try decoder.decode(JournalEntry.self, from: Data(text.utf8))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()
}
