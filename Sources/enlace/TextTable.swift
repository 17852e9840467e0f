/// A plain-text table with left-aligned columns, for human-readable command output.
struct TextTable {
    /// Column titles.
    let header: [String]
    /// The rows, one string per column.
    var rows: [[String]] = []

    /// The table as lines, columns separated by two spaces.
    func render(indent: String = "") -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { index, cell -> String in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            return indent + cells.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
