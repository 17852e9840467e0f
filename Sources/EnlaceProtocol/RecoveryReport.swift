import EnlaceModel

/// A node's recovery from its own restore within one round.
public struct RecoveryReport: Sendable {
    /// The epoch the node left and the one it writes in now (nil: it resumed a recovery).
    public var fromEpoch: UInt32?
    public var toEpoch: UInt32
    /// Own entries set aside because the central server may not hold them.
    public var setAside = 0
    /// Of those, adopted from the central server (it held the same bytes) and re-made anew.
    public var adopted = 0
    public var remade = 0
    /// Cases created in the gap that took a new folio (the old one kept as `folio_alias`).
    public var renumbered = 0

    public var json: JSONValue {
        ["from_epoch": fromEpoch.map { .int(Int64($0)) } ?? .null, "to_epoch": .int(Int64(toEpoch)), "set_aside": .int(Int64(setAside)),
         "adopted": .int(Int64(adopted)), "remade": .int(Int64(remade)), "renumbered": .int(Int64(renumbered))]
    }

    public init(fromEpoch: UInt32? = nil, toEpoch: UInt32, setAside: Int = 0) {
        self.fromEpoch = fromEpoch
        self.toEpoch = toEpoch
        self.setAside = setAside
    }

    /// Decodes a recovery as `json` writes it.
    public static func decode(_ value: JSONValue) throws(WireError) -> RecoveryReport {
        func count(_ key: String) -> Int? { value[key]?.intValue.flatMap { $0 >= 0 ? Int(exactly: $0) : nil } }
        guard let to = value["to_epoch"]?.intValue.flatMap(UInt32.init(exactly:)), let setAside = count("set_aside"),
              let adopted = count("adopted"), let remade = count("remade"), let renumbered = count("renumbered")
        else { throw WireError("the node's recovery report is not understood") }
        var report = RecoveryReport(fromEpoch: value["from_epoch"]?.intValue.flatMap(UInt32.init(exactly:)), toEpoch: to, setAside: setAside)
        (report.adopted, report.remade, report.renumbered) = (adopted, remade, renumbered)
        return report
    }
}
