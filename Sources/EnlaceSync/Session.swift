import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// One round's connections: signs each request with the given key at the node's corrected
/// time, and corrects the offset once when the central server says the time is off. A request
/// is sent on the round's first free connection; a push batch may travel on a second one,
/// from a thread of its own, while the round waits for the answer to the batch before it
/// (`sendAhead`).
final class Session {
    /// The release every request names (`Enlace-Version`): this build's, or, for tests that run
    /// an older or newer node against a central server, `ENLACE_TEST_REPORTED_VERSION`.
    static let reportedVersion = ProcessInfo.processInfo.environment["ENLACE_TEST_REPORTED_VERSION"] ?? Route.softwareVersion

    let clients: ClientPool
    let store: any NodeStore
    let node: NodeID
    /// The central server's clock minus this node's (milliseconds).
    var offset: Int64
    /// The largest offset a node accepts: ten years.
    static let maxOffset: Int64 = 10 * 366 * 86_400_000

    /// A request sent ahead, and its answer to come (awaited with `answer(to:)`).
    struct Pending: Sendable {
        fileprivate let request: (method: String, path: String, body: [UInt8], contentType: String?)
        fileprivate let task: Task<Result<JSONClient.Answer, SyncError>, Never>
    }

    init(clients: [JSONClient], store: any NodeStore, node: NodeID, offset: Int64) {
        self.clients = ClientPool(clients)
        self.store = store
        self.node = node
        self.offset = abs(offset) <= Session.maxOffset ? offset : 0
    }

    /// Sends a request on a connection of its own from a dispatch thread, signed now; the round
    /// goes on and awaits its answer later. Never more requests at once than connections.
    func sendAhead(_ method: String, _ path: String, body: [UInt8], contentType: String?, signer: ReplicaKey) throws(SyncError) -> Pending {
        let headers = try signedHeaders(method, path, body: body, signer: signer)
        let clients = self.clients
        let task = Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<JSONClient.Answer, SyncError>, Never>) in
                DispatchQueue.global().async {
                    continuation.resume(returning: Result { () throws(SyncError) in
                        try Session.call(clients, method, path, body: body, contentType: contentType, headers: headers)
                    })
                }
            }
        }
        return Pending(request: (method, path, body, contentType), task: task)
    }

    /// The answer to a request sent ahead, as `send` gives it: refused for the clock, the offset
    /// is corrected and the request signed and sent again.
    func answer(to pending: Pending, signer: ReplicaKey) async throws(SyncError) -> JSONClient.Answer {
        let request = pending.request
        return try await correctingClock(try await pending.task.value.get(), request.method, request.path, body: request.body,
                                         contentType: request.contentType, signer: signer)
    }

    /// Sends a request sent ahead once more, now, on the first free connection.
    func resend(_ pending: Pending, signer: ReplicaKey) async throws(SyncError) -> JSONClient.Answer {
        let request = pending.request
        return try await send(request.method, request.path, body: request.body, contentType: request.contentType, signer: signer)
    }

    /// Waits for a request sent ahead whose answer no longer matters, so that its connection is
    /// free before the round goes on.
    func letGo(_ pending: Pending?) async {
        _ = await pending?.task.value
    }

    func send(_ method: String, _ path: String, body: [UInt8], contentType: String?, signer: ReplicaKey) async throws(SyncError) -> JSONClient.Answer {
        try await correctingClock(try attempt(method, path, body: body, contentType: contentType, signer: signer),
                                  method, path, body: body, contentType: contentType, signer: signer)
    }

    /// `answer`, or, when the central server refused the request for the clock, the answer to it
    /// signed again with the offset corrected.
    private func correctingClock(_ answer: JSONClient.Answer, _ method: String, _ path: String, body: [UInt8], contentType: String?,
                                 signer: ReplicaKey) async throws(SyncError) -> JSONClient.Answer {
        var answer = answer
        if answer.status == 401, let serverTime = ErrorAnswer.decode(answer.body)?.serverTime {
            // The clocks disagree: measure the difference, keep it, sign again. A time no clock
            // shows (beyond ten years either way) is refused, never computed with.
            let (measured, overflow) = serverTime.subtractingReportingOverflow(SystemClock.millis())
            guard !overflow, abs(measured) <= Session.maxOffset else {
                throw SyncError(.malformed, "the central server's time (\(serverTime) ms) is more than ten years from this node's clock")
            }
            offset = measured
            try? await store.recordClockOffset(measured)
            answer = try attempt(method, path, body: body, contentType: contentType, signer: signer)
        }
        return answer
    }

    private func attempt(_ method: String, _ path: String, body: [UInt8], contentType: String?, signer: ReplicaKey)
        throws(SyncError) -> JSONClient.Answer
    {
        try Session.call(clients, method, path, body: body, contentType: contentType,
                         headers: try signedHeaders(method, path, body: body, signer: signer))
    }

    /// The headers that sign a request at the node's corrected time, with a fresh nonce.
    private func signedHeaders(_ method: String, _ path: String, body: [UInt8], signer: ReplicaKey) throws(SyncError) -> [(String, String)] {
        let timestamp = SystemClock.millis() + offset
        let nonce = EntryChain.hex(SystemClock.salt())
        let signature: [UInt8]
        do {
            signature = try signer.sign(RequestSignature.message(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body))
        } catch {
            throw SyncError(.failed, "cannot sign the request: \(error)")
        }
        let header = RequestSignature(node: node, timestamp: timestamp, nonce: nonce, signature: signature).headerValue
        return [(RequestSignature.header, header), ("Accept", "\(PullPage.mediaType), application/json"),
                (Route.versionHeader, Session.reportedVersion)]
    }

    /// Sends a signed request on the first free connection (blocking the calling thread).
    private static func call(_ clients: ClientPool, _ method: String, _ path: String, body: [UInt8], contentType: String?,
                             headers: [(String, String)]) throws(SyncError) -> JSONClient.Answer {
        try clients.withClient { client throws(SyncError) in
            do throws(HTTPClientError) {
                let answer = try client.call(method, path, raw: method == "GET" ? nil : body, contentType: contentType ?? "application/json",
                                             headers: headers)
                SyncMetrics.bytes(sent: method == "GET" ? 0 : body.count, received: answer.body.count)
                return answer
            } catch {
                if error.kind == .tooLarge { throw SyncError(.malformed, "central server \(client.baseURL): \(error.message)") }
                throw SyncError(.unreachable, "central server \(client.baseURL) unreachable: \(error.message)")
            }
        }
    }
}
