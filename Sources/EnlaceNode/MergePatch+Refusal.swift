import EnlaceModel

extension MergePatch {
    /// `operations(_:current:)`, refusing with the domain's `Refusal`, naming fields as the
    /// request named them (`to`, not `referrals.<id>.to`).
    func refusingOperations(_ patch: JSONValue, current: JSONValue?) throws(Refusal) -> [FieldOperation] {
        do {
            return try operations(patch, current: current)
        } catch {
            let refusal = Refusal(error)
            guard !pathPrefix.isEmpty, let field = refusal.field, field.hasPrefix(pathPrefix) else { throw refusal }
            let relative = String(field.dropFirst(pathPrefix.count))
            let message = refusal.description.replacingOccurrences(of: field, with: relative)
            switch refusal {
            case .invalid(let error):
                throw .invalid(ValidationError(error.kind, field: relative, value: error.value, expected: error.expected))
            case .conflict: throw .conflict(message, field: relative)
            default: throw .malformed(message, field: relative)
            }
        }
    }
}
