import EnlaceModel

/// The paths of the sync protocol, spelled once for both sides (documented in
/// `openapi/central.yaml`).
public enum Route {
    /// `POST`: a node's own entries, one signed batch (`PushRequest` → `PushResponse`).
    public static let push = "/v1/sync/push"
    /// `GET`: one page of the change feed after a cursor (`PullPage`).
    public static let pull = "/v1/sync/pull"
    /// `POST`: a node's first contact, binding its own keys (`KeyBinding`).
    public static let bind = "/v1/sync/bind"
    /// `POST`: a node's key rotation (`KeyBinding`), signed by its current key.
    public static let rotate = "/v1/sync/rotate"
    /// `GET`: every chain the central server holds and its last seq (`{"chains": [{"replica", "last_seq"}]}`).
    public static let holdings = "/v1/sync/holdings"
    /// `POST`: a batch of another origin's chain that the central server lacks (a `PushRequest`
    /// signed at its head by that origin), relayed by a node after the central server was restored.
    public static let relay = "/v1/sync/relay"
    /// `POST`: a node that found itself restored from an older copy asks for a new epoch
    /// (answer `{"epoch": N}`); its keys go on, bound from the new epoch's first entry.
    public static let epoch = "/v1/sync/epoch"

    /// The pull answer's header: the seq through which the central server holds the pulling
    /// node's own current chain.
    public static let heldThroughHeader = "Enlace-Held-Through"
    /// The header a node names the software it runs in on every sync request (the office's
    /// nodes page shows it).
    public static let versionHeader = "Enlace-Version"
    /// This build's version.
    public static let softwareVersion = SoftwareRelease.current.description

    /// The pull path for `cursor` with pages of at most `limit` entries. `head` is the pulling
    /// node's own chain head, signed: where it stands when the page tells it a case left its
    /// department's scope (docs/domain.md, "Writes from outside the scope").
    public static func pull(after position: Int64, entry: String?, limit: Int, scopeAfter: Int64 = 0, historyAfter: Int64 = 0,
                            head: ChainHead? = nil) -> String {
        var path = pull + "?after=\(position)&limit=\(limit)"
        if scopeAfter > 0 { path += "&scope_after=\(scopeAfter)" }
        if historyAfter > 0 { path += "&scope_history_after=\(historyAfter)" }
        if let entry { path += "&after_entry=" + (entry.addingPercentEncodingForQuery) }
        if let head {
            path += "&head_epoch=\(head.id.epoch)&head_seq=\(head.id.seq)&head_hash=\(head.hash.hex)&head_sig=\(EntryChain.hex(head.signature))"
        }
        return path
    }
}

extension String {
    /// The text with everything but unreserved characters percent-encoded (RFC 3986).
    var addingPercentEncodingForQuery: String {
        var result = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (byte < 16 ? "0" : "") + hex
            }
        }
        return result
    }
}
