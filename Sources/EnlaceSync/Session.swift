import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation

/// One round's connection: signs each request with the given key at the node's corrected time,
/// and corrects the offset once when the central server says the time is off.
final class Session {
    /// The release every request names (`Enlace-Version`): this build's, or, for tests that run
    /// an older or newer node against a central server, `ENLACE_TEST_REPORTED_VERSION`.
    static let reportedVersion = ProcessInfo.processInfo.environment["ENLACE_TEST_REPORTED_VERSION"] ?? Route.softwareVersion

    let client: JSONClient
    let store: any NodeStore
    let node: NodeID
    /// The central server's clock minus this node's (milliseconds).
    var offset: Int64
    /// The largest offset a node accepts: ten years.
    static let maxOffset: Int64 = 10 * 366 * 86_400_000

    init(client: JSONClient, store: any NodeStore, node: NodeID, offset: Int64) {
        self.client = client
        self.store = store
        self.node = node
        self.offset = abs(offset) <= Session.maxOffset ? offset : 0
    }

    func send(_ method: String, _ path: String, body: [UInt8], contentType: String?, signer: ReplicaKey) async throws(SyncError) -> JSONClient.Answer {
        var answer = try attempt(method, path, body: body, contentType: contentType, signer: signer)
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
        let timestamp = SystemClock.millis() + offset
        let nonce = EntryChain.hex(SystemClock.salt())
        let signature: [UInt8]
        do {
            signature = try signer.sign(RequestSignature.message(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body))
        } catch {
            throw SyncError(.failed, "cannot sign the request: \(error)")
        }
        let header = RequestSignature(node: node, timestamp: timestamp, nonce: nonce, signature: signature).headerValue
        let headers = [(RequestSignature.header, header), ("Accept", "\(PullPage.mediaType), application/json"),
                       (Route.versionHeader, Session.reportedVersion)]
        do {
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
