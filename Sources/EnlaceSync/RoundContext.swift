import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore

/// What every part of one sync round shares: the node's store, keys and settings, and the
/// round's session with the central server.
struct RoundContext {
    let store: any NodeStore
    let keys: NodeKeys
    let configuration: SyncConfiguration
    let session: Session
}

/// A part of a round (`Pusher`, `Puller`, `RestoreRecovery`, `KeyExchange`): it reads its context's
/// store, keys and session by name, and turns a local store's failure or a refusal into the
/// round's error.
protocol RoundPart {
    var context: RoundContext { get }
}

extension RoundPart {
    var store: any NodeStore { context.store }
    var keys: NodeKeys { context.keys }
    /// The key in force.
    var key: ReplicaKey { context.keys.current }
    var configuration: SyncConfiguration { context.configuration }
    var session: Session { context.session }

    /// Refuses an answer that is not a success, with the central server's reason.
    func check(_ answer: JSONClient.Answer) throws(SyncError) {
        guard !answer.isSuccess else { return }
        let reason = ErrorAnswer.decode(answer.body)?.error ?? "no reason given"
        throw SyncError(.rejected(status: answer.status), "central server answered \(answer.status): \(reason)")
    }

    /// Runs local store work, its failure a round's `failed` error.
    @discardableResult
    func local<T>(_ body: () async throws -> T) async throws(SyncError) -> T {
        try await RoundContext.local(body)
    }
}

extension RoundContext {
    @discardableResult
    static func local<T>(_ body: () async throws -> T) async throws(SyncError) -> T {
        do { return try await body() } catch { throw SyncError(.failed, "local store: \(StoreError(translating: error).map(String.init(describing:)) ?? "\(error)")") }
    }
}
