import EnlaceAPI
import EnlaceModel

extension MergePatch {
    /// `operations(_:current:)`, refusing with the API's status codes.
    func apiOperations(_ patch: JSONValue, current: JSONValue?) throws(APIError) -> [FieldOperation] {
        do {
            return try operations(patch, current: current)
        } catch {
            // Name fields as the request named them: `to`, not `referrals.<id>.to`.
            let api = APIError(error)
            guard !pathPrefix.isEmpty, let field = api.field, field.hasPrefix(pathPrefix) else { throw api }
            let relative = String(field.dropFirst(pathPrefix.count))
            throw APIError(api.status, api.message.replacingOccurrences(of: field, with: relative), field: relative)
        }
    }
}
