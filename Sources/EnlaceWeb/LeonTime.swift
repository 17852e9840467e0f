import EnlaceModel

/// Times as people in León read them: the municipality's clock (Central Mexico, UTC−6 all year
/// since Mexico ended daylight saving in 2022), to the second, with the day and month in
/// Spanish — "6 dic 2026, 14:07:32". Stored times stay RFC 3339 UTC.
public enum LeonTime {
    /// León's offset from UTC, in milliseconds.
    public static let offsetMillis: Int64 = -6 * 3_600_000

    static let months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]

    /// An instant (epoch milliseconds) in León time, to the second.
    public static func format(millis: Int64) -> String {
        let (local, overflow) = millis.addingReportingOverflow(offsetMillis)
        guard !overflow else { return RFC3339.format(millis: millis) }
        let text = RFC3339.format(millis: local)  // yyyy-MM-ddTHH:mm:ss.SSSZ, read as León's wall clock
        let parts = text.split(separator: "T")
        guard parts.count == 2 else { return text }
        let date = parts[0].split(separator: "-")
        guard date.count == 3, let month = Int(date[1]), (1...12).contains(month), let day = Int(date[2]) else { return text }
        return "\(day) \(months[month - 1]) \(date[0]), \(parts[1].prefix(8))"
    }

    /// An RFC 3339 text in León time; the text itself when it does not parse.
    public static func format(_ text: String) -> String {
        RFC3339.parseTimestamp(text).map { format(millis: $0) } ?? text
    }

    /// A date (`yyyy-MM-dd`) as people read it: "30 jun 2030".
    public static func formatDate(_ text: String) -> String {
        let date = text.split(separator: "-")
        guard date.count == 3, let month = Int(date[1]), (1...12).contains(month), let day = Int(date[2]) else { return text }
        return "\(day) \(months[month - 1]) \(date[0])"
    }

    /// The León calendar day of an instant, `yyyy-MM-dd`.
    public static func day(millis: Int64) -> String {
        String(RFC3339.format(millis: millis &+ offsetMillis).prefix(10))
    }
}
