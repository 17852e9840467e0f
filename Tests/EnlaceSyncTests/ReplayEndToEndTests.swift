#if canImport(Glibc)
import Glibc
#endif
import EnlaceHTTP
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Keys that are not weak, for the tests that pair them with weak ones.
enum Curve25519KeyHex {
    static let goodSigning = ReplicaKey.generate().signingPublicKey
    static let goodAgreement = ReplicaKey.generate().agreementPublicKey
}

/// Signed sync requests over HTTP against a real central server (SQLite, or PostgreSQL in the
/// second pass of `make test`): a request is accepted once, for the path and body it was
/// signed for, inside its time window, from the node it names.
@Suite("Replayed and moved signatures", .serialized)
struct ReplayEndToEndTests {
    /// A node that bound its key, stopped; its key and token in hand as a thief's would be.
    struct Bound {
        let central: RunningCentral
        let node: RunningNode
        let key: ReplicaKey
        let token: String

        init() async throws {
            central = try await RunningCentral()
            try central.start()
            node = try central.node("c4-01", "C4")
            try node.start()
            #expect(try node.request("POST", "/v1/sync").status == 200)
            node.daemon?.signal(SIGTERM)
            node.daemon?.waitForExit()
            key = try ReplicaKey.load(from: ReplicaKey.file(in: node.data, name: "node"))
            token = try await node.token()
        }

        /// A header signing `method path body` at `timestamp` with `signer` (default: the node's key).
        func signature(_ method: String, _ path: String, body: [UInt8] = [], timestamp: Int64 = SystemClock.millis(),
                       signer: ReplicaKey? = nil, as node: String = "c4-01") throws -> String {
            let nonce = EntryChain.hex(SystemClock.salt())
            let message = RequestSignature.message(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body)
            return RequestSignature(node: NodeID(node)!, timestamp: timestamp, nonce: nonce, signature: try (signer ?? key).sign(message))
                .headerValue
        }

        /// Sends a request with the node's token and `signature`.
        func send(_ method: String, _ path: String, signature: String, body: [UInt8]? = nil, token: String? = nil) throws -> HTTPResponse {
            try HTTPClient().perform(HTTPRequest(
                method: method, url: central.url + path,
                headers: [("Authorization", "Bearer \(token ?? self.token)"), (RequestSignature.header, signature),
                          ("Content-Type", "application/json")],
                body: body))
        }
    }

    @Test("the same signed request twice: the second is a replay (401), on either store")
    func replay() async throws {
        let bound = try await Bound()
        let path = Route.pull(after: 0, entry: nil, limit: 5)
        let header = try bound.signature("GET", path)
        let first = try bound.send("GET", path, signature: header)
        #expect(first.status == 200, "\(first.text)")
        let again = try bound.send("GET", path, signature: header)
        #expect(again.status == 401 && again.text.contains("replay"), "\(again.status) \(again.text)")
        // A fresh signature of the same request is a new request.
        #expect(try bound.send("GET", path, signature: try bound.signature("GET", path)).status == 200)
    }

    @Test("a signature moved to another path, another body, another node's token, or signed by another key is refused")
    func movedSignatures() async throws {
        let bound = try await Bound()
        let signedPath = Route.pull(after: 0, entry: nil, limit: 5)
        let header = try bound.signature("GET", signedPath)
        let otherPath = try bound.send("GET", Route.pull(after: 0, entry: nil, limit: 6), signature: header)
        #expect(otherPath.status == 401 && otherPath.text.contains("does not verify"), "\(otherPath.text)")
        let otherMethod = try bound.send("POST", signedPath, signature: header, body: [])
        #expect([401, 404, 405].contains(otherMethod.status), "\(otherMethod.status) \(otherMethod.text)")

        // A body signed, another sent: the epoch request of a restored node, whose replay would
        // push the node into recovery.
        let signedBody = Array("{}".utf8)
        let bodyHeader = try bound.signature("POST", Route.epoch, body: signedBody)
        let otherBody = try bound.send("POST", Route.epoch, signature: bodyHeader, body: Array("{\"x\":1}".utf8))
        #expect(otherBody.status == 401 && otherBody.text.contains("does not verify"), "\(otherBody.text)")

        // Another enrolled node's token with c4-01's signature; a key the node never bound.
        let other = try bound.central.enroll("c4-02", "C4")
        let foreign = try bound.send("GET", signedPath, signature: try bound.signature("GET", signedPath), token: other)
        #expect(foreign.status == 401 && foreign.text.contains("another node"), "\(foreign.text)")
        let stranger = try bound.send("GET", signedPath, signature: try bound.signature("GET", signedPath, signer: ReplicaKey.generate()))
        #expect(stranger.status == 401 && stranger.text.contains("does not verify"), "\(stranger.text)")
        // Nothing of this moved the node's state at the central server: its next round is idle.
        try bound.node.start()
        let round = try bound.node.request("POST", "/v1/sync")
        #expect(round.status == 200 && round.json["pushed"] == 0, "\(round.json)")
    }

    @Test("a signature older or newer than the five-minute window is refused with the server's time")
    func staleSignatures() async throws {
        let bound = try await Bound()
        let path = Route.pull(after: 0, entry: nil, limit: 5)
        for offset in [-6 * 60_000, 6 * 60_000] as [Int64] {
            let answer = try bound.send("GET", path, signature: try bound.signature("GET", path, timestamp: SystemClock.millis() + offset))
            #expect(answer.status == 401, "\(offset): \(answer.text)")
            let serverTime = ErrorAnswer.decode(answer.body)?.serverTime
            #expect(serverTime.map { abs($0 - SystemClock.millis()) < 60_000 } == true, "\(answer.text)")
        }
        #expect(try bound.send("GET", path, signature: try bound.signature("GET", path, timestamp: SystemClock.millis() - 60_000)).status == 200)
    }

    @Test("a captured request is refused after the central server restarts: nonces are kept in the store")
    func replayAfterRestart() async throws {
        let bound = try await Bound()
        let path = Route.pull(after: 0, entry: nil, limit: 5)
        let header = try bound.signature("GET", path)
        #expect(try bound.send("GET", path, signature: header).status == 200)
        bound.central.stop()
        try bound.central.start()
        let again = try bound.send("GET", path, signature: header)
        #expect(again.status == 401 && again.text.contains("replay"), "\(again.status) \(again.text)")
    }

    @Test("a binding or rotation to small-order keys is refused (400) and changes nothing: no one can sign as the node without its key")
    func weakKeysRefused() async throws {
        let bound = try await Bound()
        let zero = [UInt8](repeating: 0, count: 32)
        let identity = [UInt8]([1]) + [UInt8](repeating: 0, count: 31)
        for (signing, agreement) in [(zero, zero), (identity, Array(Curve25519KeyHex.goodAgreement)), (Array(Curve25519KeyHex.goodSigning), zero)] {
            let body = Array(KeyBinding(signingKey: signing, agreementKey: agreement, from: EntryID(replica: ReplicaID(NodeID("c4-01")!), seq: 3)).json.utf8)
            let rotated = try bound.send("POST", Route.rotate, signature: try bound.signature("POST", Route.rotate, body: body), body: body)
            #expect(rotated.status == 400 && rotated.text.contains("acceptable"), "\(rotated.status) \(rotated.text)")
        }
        // The identity key's universal forgery (R = identity, S = 0) signs nothing.
        let forged = RequestSignature(node: NodeID("c4-01")!, timestamp: SystemClock.millis(), nonce: EntryChain.hex(SystemClock.salt()),
                                      signature: [1] + [UInt8](repeating: 0, count: 63)).headerValue
        #expect(try bound.send("GET", Route.pull(after: 0, entry: nil, limit: 5), signature: forged).status == 401)
        // The node's own key still signs: its next round works.
        try bound.node.start()
        #expect(try bound.node.request("POST", "/v1/sync").status == 200)
    }

    @Test("the conflict API's reads are audited like the desk's: who read which conflict, and which records a list showed")
    func conflictReadsAudited() async throws {
        let central = try await RunningCentral()
        try central.start()
        let viewer = try central.user("vera", role: "viewer")
        let (c4, imm) = (try central.node("c4-01", "C4"), try central.node("imm-01", "IMMUJERES"))
        for node in [c4, imm] { try node.start() }
        let id = try #require(try c4.request("POST", "/v1/cases", ["intake_channel": "presencial"]).json["id"]?.stringValue)
        #expect(try c4.request("POST", "/v1/cases/\(id)/referrals", ["to": "IMMUJERES", "reason": "Asesoría"]).status == 201)
        for node in [c4, imm] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        #expect(try c4.request("PATCH", "/v1/cases/\(id)", ["person": ["phone": "477 111 2222"]]).status == 200)
        #expect(try imm.request("PATCH", "/v1/cases/\(id)", ["person": ["phone": "477 333 4444"]]).status == 200)
        for node in [c4, imm] { #expect(try node.request("POST", "/v1/sync").status == 200) }
        let list = try central.request("GET", "/v1/conflicts", token: viewer).json["items"]?.arrayValue ?? []
        let conflict = try #require(list.first?["id"]?.stringValue)
        #expect(try central.request("GET", "/v1/conflicts/\(conflict)", token: viewer).status == 200)
        let audit = try JSONValue.parse(try EnlaceBinary.run(["central", "audit", "--data", central.data, "--json"]).stdout)["rows"]?.arrayValue ?? []
        #expect(audit.contains { $0["action"] == "conflicts.list" && $0["actor"] == "vera" && $0["detail"]?["records"] == [.string(id)] }, "\(audit)")
        #expect(audit.contains { $0["action"] == "conflict.read" && $0["actor"] == "vera" && $0["subject"] == .string(id) }, "\(audit)")
    }

}
