/// A configuration problem, naming the file and line, or the key and where it came from.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// One line saying what is wrong and where.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
