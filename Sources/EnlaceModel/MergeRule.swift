/// How a field's value is chosen among concurrent writes (the merge rules of docs/domain.md).
///
/// Every rule only chooses among concurrent frontier writes: a causally later write always
/// supersedes what it has seen.
public enum MergeRule: String, Hashable, Sendable, CaseIterable, Codable {
    /// Set at creation; concurrent different creations keep every value and open a conflict.
    case immutable
    /// Set once; a concurrent different value opens a conflict (capture error or fraud).
    case writeOnce = "write_once"
    /// An item of an append-only list: immutable once written, never lost.
    case appendOnly = "append_only"
    /// Keep every concurrent value, show a deterministic provisional one, open a conflict.
    case review
    /// `true` wins.
    case or
    /// `false` wins.
    case and
    /// The earliest wins.
    case min
    /// The highest (or most restrictive) wins.
    case max
    /// Per element, an addition wins over a concurrent removal.
    case addWinsSet = "add_wins_set"
    /// A case's status: `concluido` loses against concurrent activity, and a conflict records it.
    case openWins = "open_wins"
    /// A referral's state: the furthest wins; different end states open a conflict.
    case referralState = "referral_state"
    /// A certification's status: a revocation concurrent with any other write → `en_revision`.
    case revocationReview = "revocation_review"

    /// One line explaining the rule, for the schema table and explanations.
    public var summary: String {
        switch self {
        case .immutable: "set at creation; concurrent different values → conflict"
        case .writeOnce: "set once; a concurrent different value → conflict"
        case .appendOnly: "append-only item, immutable, never lost"
        case .review: "concurrent values kept, provisional shown, conflict for a person"
        case .or: "true wins (e.g. no contact)"
        case .and: "false wins (a revocation of consent)"
        case .min: "the earliest wins"
        case .max: "the highest / most restrictive wins"
        case .addWinsSet: "add-wins set: a removal only removes additions it has seen"
        case .openWins: "concluido loses to concurrent activity → conflict"
        case .referralState: "the furthest state wins; different end states → conflict"
        case .revocationReview: "revocation concurrent with any write → en_revision and conflict"
        }
    }

    /// Whether concurrent distinct values of this rule are all kept and open a conflict.
    public var keepsConcurrentValues: Bool {
        switch self {
        case .immutable, .writeOnce, .appendOnly, .review: true
        default: false
        }
    }
}
