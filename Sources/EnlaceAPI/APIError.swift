import EnlaceModel
import EnlaceStore

/// A refusal with its HTTP status and a precise message naming the field at fault.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status code.
    public let status: Int
    /// One precise sentence.
    public let message: String
    /// The field at fault, when one is.
    public let field: String?
    /// More members for the error body (e.g. the bad rows of an import).
    public var details: [String: JSONValue] = [:]

    /// An error with its status.
    public init(_ status: Int, _ message: String, field: String? = nil, details: [String: JSONValue] = [:]) {
        self.status = status
        self.message = message
        self.field = field
        self.details = details
    }

    public var description: String { message }

    /// The error body: `{"error": …, "field": …}`.
    public var json: JSONValue {
        var object = details
        object["error"] = .string(message)
        object["field"] = field.map(JSONValue.string) ?? .null
        return .object(object)
    }

    public static func badRequest(_ message: String, field: String? = nil) -> APIError { APIError(400, message, field: field) }
    public static func notFound(_ message: String) -> APIError { APIError(404, message) }
    public static func conflict(_ message: String, field: String? = nil) -> APIError { APIError(409, message, field: field) }

    /// 400 for malformed input, 422 for a well-formed value the field does not accept.
    public init(_ error: ValidationError) {
        switch error.kind {
        case .notInVocabulary, .invalidValue, .tooLong: self.init(422, error.description, field: error.field)
        default: self.init(400, error.description, field: error.field)
        }
    }

    public init(_ error: PatchError) {
        switch error {
        case .invalid(let validation): self.init(validation)
        case .immutable(let field, let current, let attempted):
            self.init(409, "\(field) cannot change once set: it is \(current.canonicalText), the request asks \(attempted.canonicalText)",
                      field: field)
        case .notWritable(let field, let reason): self.init(400, "\(field) cannot be written here: \(reason)", field: field)
        }
    }

    public init(_ error: StoreError) {
        switch error {
        case .conflictingEntry, .duplicateCredential, .brokenChain: self.init(409, error.description)
        default: self.init(500, error.description)
        }
    }
}

