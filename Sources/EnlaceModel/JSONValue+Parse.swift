extension JSONValue {
    /// Parses JSON text.
    public static func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    /// Parses JSON bytes (see `JSONParser` for what is accepted).
    public static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        try JSONParser.parse(Array(bytes))
    }
}
