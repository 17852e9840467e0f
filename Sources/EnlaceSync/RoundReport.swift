import EnlaceModel

/// What one sync round moved.
public struct RoundReport: Sendable {
    /// Own entries the central server newly stored.
    public var pushed = 0
    /// Entries pulled and newly stored here.
    public var pulled = 0
    /// Conflicts opened here by what was pulled.
    public var conflictsOpened = 0
    /// Cases that left this department's scope and were purged here, and how many journal
    /// bodies that removed (counts only: the log never names what was purged).
    public var casesPurged = 0
    public var bodiesPurged = 0
    /// How long the round took.
    public var durationMillis = 0
    /// Entries of other origins this node relayed to a restored central server that lacked them.
    public var relayed = 0
    /// Own entries the central server quarantined for a time too far ahead, re-made with the
    /// corrected clock.
    public var retimed = 0
    /// What the node did this round to recover from its own restore, if it had to.
    public var recovery: RecoveryReport?

    /// The JSON of `POST /v1/sync`.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["pushed": .int(Int64(pushed)), "pulled": .int(Int64(pulled)),
                                           "conflicts_opened": .int(Int64(conflictsOpened)), "duration_ms": .int(Int64(durationMillis))]
        if let recovery { object["recovery"] = recovery.json }
        if retimed > 0 { object["retimed"] = .int(Int64(retimed)) }
        if relayed > 0 { object["relayed"] = .int(Int64(relayed)) }
        if casesPurged > 0 {
            object["purged"] = ["cases": .int(Int64(casesPurged)), "bodies": .int(Int64(bodiesPurged))]
        }
        return .object(object)
    }
}

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
}
