import EnlaceModel

/// The scope part of a pulled page, for `applyPulled`.
public struct PulledScope: Sendable {
    /// Bodies of entries of cases that entered the department's scope.
    public var history: [ChainedEntry]
    /// Cases that left it.
    public var left: [String]
    /// The scope change the page brings the node to.
    public var next: Int64
    /// Where the history of a case split across pages goes on (0: none).
    public var historyAfter: Int64

    public init(history: [ChainedEntry], left: [String], next: Int64, historyAfter: Int64 = 0) {
        self.history = history
        self.left = left
        self.next = next
        self.historyAfter = historyAfter
    }

    /// The cases whose history this page delivers: they entered the scope.
    package var enteredCases: Set<String> {
        Set(history.compactMap { entry in entry.body.flatMap { JournalEntry.recordKey(ofBody: $0)?.id } })
    }
}
