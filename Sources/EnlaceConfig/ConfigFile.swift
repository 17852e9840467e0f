import Foundation

/// A configuration file of `key = value` lines; `#` starts a comment, blank lines are ignored.
public struct ConfigFile: Sendable {
    /// A value and the line it came from.
    public struct Entry: Sendable {
        public let value: String
        public let line: Int
    }

    /// The file's path.
    public let path: String
    /// The values by key.
    public let entries: [String: Entry]

    /// Reads and checks `path`: every key must be one of `keys`, at most once.
    public init(path: String, keys: Set<String>) throws(ConfigError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("\(path): cannot read the configuration file (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError("\(path): not UTF-8 text") }
        var entries: [String: Entry] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ConfigError("\(path):\(line): expected key = value, found '\(trimmed)'")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard keys.contains(key) else {
                throw ConfigError("\(path):\(line): unknown key '\(key)'; known keys: \(keys.sorted().joined(separator: ", "))")
            }
            if let earlier = entries[key] { throw ConfigError("\(path):\(line): '\(key)' is already set on line \(earlier.line)") }
            entries[key] = Entry(value: value, line: line)
        }
        self.entries = entries
    }
}

/// Settings resolved in order: a flag, then the environment (`ENLACE_<KEY>`), then the file,
/// then the default. A wrong type names the key and where the value came from.
public struct Settings: Sendable {
    /// The configuration file, if one was given.
    public let file: ConfigFile?
    /// The process environment.
    public let environment: [String: String]

    public init(file: ConfigFile?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.file = file
        self.environment = environment
    }

    /// The environment variable for `key`.
    public static func variable(_ key: String) -> String { "ENLACE_" + key.uppercased() }

    /// The raw text of `key` and where it came from, when set outside the flags.
    func lookup(_ key: String) -> (value: String, source: String)? {
        if let value = environment[Settings.variable(key)] { return (value, "environment variable \(Settings.variable(key))") }
        if let file, let entry = file.entries[key] { return (entry.value, "\(file.path):\(entry.line) (\(key))") }
        return nil
    }

    /// A text setting.
    public func string(_ key: String, flag: String?, default fallback: String? = nil) -> String? {
        flag ?? lookup(key)?.value ?? fallback
    }

    /// A number setting (seconds, sizes), checked against `range`.
    public func double(_ key: String, flag: Double?, default fallback: Double, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let value: Double
        let source: String
        if let flag {
            value = flag
            source = "--\(key.replacingOccurrences(of: "_", with: "-"))"
        } else if let (text, origin) = lookup(key) {
            let number = Settings.seconds(text)
            guard let number else { throw ConfigError("\(origin): '\(text)' is not a number") }
            value = number
            source = origin
        } else {
            return fallback
        }
        guard range.contains(value) else {
            throw ConfigError("\(source): \(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A whole-number setting checked against `range`.
    public func int(_ key: String, flag: Int?, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        Int(try double(key, flag: flag.map(Double.init), default: Double(fallback), range: Double(range.lowerBound)...Double(range.upperBound)))
    }

    /// Parses `30`, `2.5`, `500ms`, `30s`, `5m`, `1h` as seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)).map { $0 * factor }
        }
        return Double(text)
    }
}
