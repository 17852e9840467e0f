/// A CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or LF), read as a header and rows
/// that remember their line numbers.
public struct RosterCSV: Sendable {
    /// One data row and the line it starts on.
    public struct Row: Sendable {
        /// 1-based line number in the file.
        public let line: Int
        /// Cells by column name.
        public let cells: [String: String]
    }

    /// Column names from the first line.
    public let header: [String]
    /// The data rows.
    public let rows: [Row]

    /// Why a file could not be read as CSV.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// The line where it went wrong.
        public let line: Int
        /// What went wrong.
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Parses `text`; blank lines are skipped.
    public init(_ text: String) throws(ParseError) {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
            field = ""
            fieldStarted = false
        }
        while let scalar = pending {
            pending = iterator.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = iterator.next() } else { inQuotes = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard !fieldStarted else { throw ParseError(line: line, reason: "a quote inside an unquoted field") }
                inQuotes = true
                fieldStarted = true
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                if pending == "\n" { continue }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            default:
                field.unicodeScalars.append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes { throw ParseError(line: recordLine, reason: "a quoted field is not closed") }
        if fieldStarted || !fields.isEmpty { endRecord() }
        guard let first = records.first else { throw ParseError(line: 1, reason: "the file is empty: expected a header line") }
        header = first.fields.map { $0.trimmingSpaces }
        var rows: [Row] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.count else {
                throw ParseError(line: record.line, reason: "\(record.fields.count) columns, the header has \(header.count)")
            }
            var cells: [String: String] = [:]
            for (name, value) in zip(header, record.fields) { cells[name] = value.trimmingSpaces }
            rows.append(Row(line: record.line, cells: cells))
        }
        self.rows = rows
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
