import EnlaceModel
import EnlaceProtocol

/// What `enlace case` and `enlace cert` share: update, show and list through the daemon.
enum RecordCLI {
    /// `/v1/cases` or `/v1/certifications`.
    static func collection(_ type: RecordType) -> String {
        NodeRoute.collection(type)
    }

    /// Changes fields of a record (JSON Merge Patch) and prints it.
    static func update(_ type: RecordType, id: String, write: CaseCommand.WriteOptions) throws {
        let author = try Author.resolve(write.author)
        var object = try FieldAssignments.body(write.body)
        try FieldAssignments.object(write.assignments, schema: type.schema, into: &object)
        guard !object.isEmpty else { throw CLIError.usage("nada que cambiar: da --set campo=valor o --body ARCHIVO") }
        let record = try NodeClient(dataDirectory: write.options.data, author: author)
            .call("PATCH", "\(collection(type))/\(id)", json: .object(object), type: type)
        if write.options.json { print(record.canonicalText); return }
        print(type == .caseFile ? "Caso \(id) actualizado por \(author):\n" : "Certificación \(id) actualizada por \(author):\n")
        print(Render.record(record, type: type))
    }

    /// Prints one record.
    static func show(_ type: RecordType, id: String, options: DataOptions) throws {
        let record = try NodeClient(dataDirectory: options.data).call("GET", "\(collection(type))/\(id)", type: type)
        print(options.json ? record.canonicalText : Render.record(record, type: type))
    }

    /// Prints one page of records.
    static func list(_ type: RecordType, options: DataOptions, after: String?, limit: Int) throws {
        let query = "?limit=\(limit)" + (after.map { "&after=\($0)" } ?? "")
        let page = try NodeClient(dataDirectory: options.data).call("GET", collection(type) + query, type: type)
        print(options.json ? page.canonicalText : Render.list(page, type: type))
    }
}
