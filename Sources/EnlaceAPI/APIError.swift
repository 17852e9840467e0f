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
    /// A stable name for what went wrong (`not_in_vocabulary`, `forbidden`, `missing_author`, …):
    /// what the desk and the CLI turn into Spanish. The message stays English, for logs.
    public let code: String
    /// More members for the error body (e.g. the bad rows of an import).
    public var details: [String: JSONValue] = [:]

    /// An error with its status; its code is the status's unless named.
    public init(_ status: Int, _ message: String, field: String? = nil, code: String? = nil, details: [String: JSONValue] = [:]) {
        self.status = status
        self.message = message
        self.field = field
        self.code = code ?? APIError.code(forStatus: status)
        self.details = details
    }

    /// The code of an error named only by its status (the CLI names a bare answer the same way).
    public static func code(forStatus status: Int) -> String {
        switch status {
        case 400: "malformed"
        case 401: "unauthenticated"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "too_large"
        case 415: "unsupported_media_type"
        case 422: "unprocessable"
        case 429: "too_many_requests"
        case 502: "central_refused"
        case 503: "unavailable"
        case 507: "disk_full"
        default: "internal"
        }
    }

    public var description: String { message }

    /// The error body: `{"error": …, "field": …, "code": …}`.
    public var json: JSONValue {
        var object = details
        object["error"] = .string(message)
        object["field"] = field.map(JSONValue.string) ?? .null
        object["code"] = .string(code)
        return .object(object)
    }

    public static func badRequest(_ message: String, field: String? = nil) -> APIError { APIError(400, message, field: field) }

    /// The one mapping from the domain's refusals to HTTP statuses.
    public init(_ refusal: Refusal) {
        switch refusal {
        case .malformed(let message, let field): self.init(400, message, field: field, code: "malformed")
        case .invalid(let error): self.init(error)
        case .notFound(let message): self.init(404, message, code: "not_found")
        case .conflict(let message, let field): self.init(409, message, field: field, code: "conflict")
        case .superseded(let message, let currentID):
            self.init(409, message, code: "superseded", details: currentID.map { ["current_id": .string($0)] } ?? [:])
        case .gap(let message, let expectedSeq): self.init(409, message, code: "gap", details: ["expected_seq": .int(Int64(expectedSeq))])
        case .diverged(let message, let heldThrough):
            self.init(409, message, code: "diverged", details: ["held_through": .int(Int64(heldThrough))])
        case .staleCursor(let message): self.init(409, message, code: "stale_cursor", details: ["reset": true])
        case .unauthenticated(let message): self.init(401, message, code: "unauthenticated")
        case .clockSkew(let message, let serverTime): self.init(401, message, code: "clock_skew", details: ["server_time": .int(serverTime)])
        case .forbidden(let message, let field): self.init(403, message, field: field, code: "forbidden")
        case .tooLarge(let message): self.init(413, message, code: "too_large")
        case .unprocessable(let message, let field): self.init(422, message, field: field, code: "unprocessable")
        case .invalidRows(let message, let rows): self.init(422, message, code: "invalid_rows", details: ["rows": .array(rows)])
        case .alreadyDone(let message): self.init(409, message, code: "already_done")
        }
    }

    /// 400 for malformed input, 422 for a well-formed value the field does not accept.
    public init(_ error: ValidationError) {
        switch error.kind {
        case .notInVocabulary, .invalidValue, .tooLong: self.init(422, error.description, field: error.field, code: error.kind.rawValue)
        default: self.init(400, error.description, field: error.field, code: error.kind.rawValue)
        }
    }

    public init(_ error: PatchError) {
        self.init(Refusal(error))
    }

    public init(_ error: StoreError) {
        switch error {
        case .conflictingEntry, .duplicateCredential, .brokenChain: self.init(409, error.description, code: "conflict")
        case .unavailable, .locked: self.init(503, error.description, code: "unavailable")
        case .diskFull: self.init(507, error.description, code: "disk_full")
        default: self.init(500, error.description, code: "internal")
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
