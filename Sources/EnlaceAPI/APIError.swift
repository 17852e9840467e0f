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

    /// The one mapping from the domain's refusals to HTTP statuses.
    public init(_ refusal: Refusal) {
        switch refusal {
        case .malformed(let message, let field): self.init(400, message, field: field)
        case .invalid(let error): self.init(error)
        case .notFound(let message): self.init(404, message)
        case .conflict(let message, let field): self.init(409, message, field: field)
        case .superseded(let message, let currentID):
            self.init(409, message, details: currentID.map { ["current_id": .string($0)] } ?? [:])
        case .gap(let message, let expectedSeq): self.init(409, message, details: ["expected_seq": .int(Int64(expectedSeq))])
        case .diverged(let message, let heldThrough): self.init(409, message, details: ["held_through": .int(Int64(heldThrough))])
        case .staleCursor(let message): self.init(409, message, details: ["reset": true])
        case .unauthenticated(let message): self.init(401, message)
        case .clockSkew(let message, let serverTime): self.init(401, message, details: ["server_time": .int(serverTime)])
        case .forbidden(let message, let field): self.init(403, message, field: field)
        case .tooLarge(let message): self.init(413, message)
        case .unprocessable(let message, let field): self.init(422, message, field: field)
        case .invalidRows(let message, let rows): self.init(422, message, details: ["rows": .array(rows)])
        }
    }

    /// 400 for malformed input, 422 for a well-formed value the field does not accept.
    public init(_ error: ValidationError) {
        switch error.kind {
        case .notInVocabulary, .invalidValue, .tooLong: self.init(422, error.description, field: error.field)
        default: self.init(400, error.description, field: error.field)
        }
    }

    public init(_ error: PatchError) {
        self.init(Refusal(error))
    }

    public init(_ error: StoreError) {
        switch error {
        case .conflictingEntry, .duplicateCredential, .brokenChain: self.init(409, error.description)
        case .unavailable, .locked: self.init(503, error.description)
        case .diskFull: self.init(507, error.description)
        default: self.init(500, error.description)
        }
    }

    /// The status and message for any error a route lets escape; nil for the unexpected.
    public static func from(_ error: Error) -> APIError? {
        switch error {
        case let error as APIError: error
        case let error as Refusal: APIError(error)
        case let error as ValidationError: APIError(error)
        case let error as PatchError: APIError(error)
        case let error as StoreError: APIError(error)
        default: StoreError(translating: error).map(APIError.init)
        }
    }
}
