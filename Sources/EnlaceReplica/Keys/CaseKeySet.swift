import Crypto

/// Keys of some cases, as a replica holds them or a batch or page carries them: each case's
/// data key, and its location keys by key id (`LocationSeal`).
public struct CaseKeySet: Sendable {
    /// Data keys by case id.
    public var data: [String: SymmetricKey]
    /// Location keys by case id, then key id (`DEPARTMENT:node`).
    public var location: [String: [String: SymmetricKey]]

    public init(data: [String: SymmetricKey] = [:], location: [String: [String: SymmetricKey]] = [:]) {
        self.data = data
        self.location = location
    }

    public var isEmpty: Bool { data.isEmpty && location.isEmpty }

    /// Every key in a fixed order: by case id, its data key before its location keys (by id).
    public var entries: [(caseID: String, keyID: String?, key: SymmetricKey)] {
        Set(data.keys).union(location.keys).sorted().flatMap { id in
            (data[id].map { [(id, nil as String?, $0)] } ?? [])
                + (location[id] ?? [:]).sorted { $0.key < $1.key }.map { (id, $0.key as String?, $0.value) }
        }
    }

    /// Adds `key` of case `caseID` (a location key when `keyID` is given).
    public mutating func insert(_ key: SymmetricKey, caseID: String, keyID: String?) {
        if let keyID { location[caseID, default: [:]][keyID] = key } else { data[caseID] = key }
    }

    /// The keys of the cases in `ids` only.
    public func filtered(to ids: Set<String>) -> CaseKeySet {
        CaseKeySet(data: data.filter { ids.contains($0.key) }, location: location.filter { ids.contains($0.key) })
    }
}
