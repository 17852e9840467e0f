import EnlaceAPI
import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Hummingbird

/// The sync protocol for nodes (`openapi/central.yaml`, `docs/JOURNAL-FORMAT.md`): first
/// contact, key rotation, push and pull. Every request carries the node's bearer token and is
/// signed with the node's key.
struct SyncController: Sendable {
    let server: CentralServer
    let maxBodyBytes: Int
    let maxBatch: Int

    func addRoutes(to router: some RouterMethods<CentralContext>) {
        let server = self.server
        let (maxBodyBytes, maxBatch) = (self.maxBodyBytes, self.maxBatch)

        /// The request's body, once its signature by the node's key (`use`) has been checked.
        @Sendable func signedBody(_ request: Request, _ context: CentralContext, use: CentralServer.SigningKeyUse) async throws
            -> (node: (id: NodeID, department: String), body: [UInt8])
        {
            let node = try context.node()
            try SyncController.admitRelease(request)
            let body = request.method == .get ? [] : try await RequestInput.body(request, limit: maxBodyBytes)
            let header = request.headers.first { $0.name.canonicalName == RequestSignature.header.lowercased() }?.value
            let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            try await server.verifyRequest(from: node.id, header: header, method: request.method.rawValue, path: path, body: body, use: use)
            SyncCounters.signed(route: request.uri.path)
            return (node, body)
        }

        router.post(RouterPath(Route.bind)) { request, context in
            let (node, body) = try await signedBody(request, context, use: .enrollment)
            let binding: KeyBinding
            do { binding = try KeyBinding.decode(body, node: node.id) } catch { throw APIError.badRequest("\(error)") }
            try await server.bind(binding, for: node.id)
            return await JSONResponse.make(BindAnswer(storeID: try server.storage.storeID()).json)
        }
        router.post(RouterPath(Route.rotate)) { request, context in
            let (node, body) = try await signedBody(request, context, use: .current)
            let binding: KeyBinding
            do { binding = try KeyBinding.decode(body, node: node.id) } catch { throw APIError.badRequest("\(error)") }
            try await server.rotate(binding, for: node.id)
            return JSONResponse.make(RotateAnswer().json)
        }
        router.get(RouterPath(Route.holdings)) { request, context in
            _ = try await signedBody(request, context, use: .current)
            let chains = try await server.holdings()
            return JSONResponse.make(HoldingsAnswer(chains: chains).json)
        }
        router.post(RouterPath(Route.relay)) { request, context in
            let (node, body) = try await signedBody(request, context, use: .current)
            let relay: PushRequest
            do { relay = try PushRequest.decode(body) } catch { throw APIError.badRequest("\(error)") }
            guard relay.entries.count <= maxBatch else {
                throw APIError(413, "a batch holds at most \(maxBatch) entries, this one \(relay.entries.count)")
            }
            let answer = try await server.relay(relay, from: node.id)
            return JSONResponse.make(answer.json)
        }
        router.post(RouterPath(Route.epoch)) { request, context in
            let (node, _) = try await signedBody(request, context, use: .current)
            let replica = try await server.openEpoch(for: node.id)
            return JSONResponse.make(EpochAnswer(epoch: replica.epoch).json)
        }
        router.post(RouterPath(Route.push)) { request, context in
            let (node, body) = try await signedBody(request, context, use: .current)
            let push: PushRequest
            do { push = try PushRequest.decode(body) } catch { throw APIError.badRequest("\(error)") }
            guard push.entries.count <= maxBatch else {
                throw APIError(413, "a batch holds at most \(maxBatch) entries, this one \(push.entries.count)")
            }
            let started = ContinuousClock.now
            let answer: PushResponse
            do {
                answer = try await server.push(push, from: node.id, department: node.department)
            } catch let error as Refusal {
                // Forged, altered, reordered or foreign batches are refused and logged (ids, never values).
                context.logger.warning("refused a push", metadata: [
                    "node.id": "\(node.id)", "http.status": "\(APIError(error).status)", "push.entries": "\(push.entries.count)",
                    "push.first": "\(push.entries.first?.id.description ?? "-")", "error": "\(error.description)",
                ])
                throw error
            }
            SyncCounters.batch(ContinuousClock.now - started)
            SyncCounters.pushed(answer.stored)
            return JSONResponse.make(answer.json)
        }
        router.get(RouterPath(Route.pull)) { request, context in
            let (node, _) = try await signedBody(request, context, use: .current)
            let query = request.uri.queryParameters
            let after = try query.get("after").map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else { throw APIError.badRequest("after must be a position >= 0", field: "after") }
                return value
            } ?? 0
            let limit = try query.get("limit").map { text -> Int in
                guard let value = Int(text), (1...5000).contains(value) else {
                    throw APIError.badRequest("limit must be an integer from 1 to 5000", field: "limit")
                }
                return value
            } ?? 500
            let scopeAfter = try query.get("scope_after").map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else { throw APIError.badRequest("scope_after must be a change number >= 0", field: "scope_after") }
                return value
            } ?? 0
            let historyAfter = try query.get("scope_history_after").map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else {
                    throw APIError.badRequest("scope_history_after must be a journal position >= 0", field: "scope_history_after")
                }
                return value
            } ?? 0
            let cursor = FeedCursor(position: after, entry: query.get("after_entry").map { "\($0)" })
            let head = try SyncController.head(query, node: node.id)
            // When the node signed the request (verified above): its clock's skew.
            let signedAt = request.headers[.init(RequestSignature.header)!].flatMap(RequestSignature.init(headerValue:))?.timestamp
            // What the node runs: a short printable label, or nothing.
            let version = request.headers[.init(Route.versionHeader)!].flatMap { text in
                text.utf8.count <= 40 && text.allSatisfy({ $0.isASCII && !$0.isWhitespace }) ? text : nil
            }
            let answer = try await server.pull(after: cursor, scopeAfter: scopeAfter, historyAfter: historyAfter, for: node.id, department: node.department, limit: limit,
                            version: version, signedAt: signedAt, head: head)
            var headers: HTTPFields = [.contentType: PullPage.mediaType]
            headers[.init(Route.heldThroughHeader)!] = String(answer.heldThrough)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.page)))
        }
    }

    /// Refuses a node whose release this central server does not serve (426, naming both and
    /// what to do), before its body is read. A request that names no release is served: it
    /// cannot be told apart, and every node release sends one.
    static func admitRelease(_ request: Request) throws {
        guard let text = request.headers[.init(Route.versionHeader)!], let node = SoftwareRelease(text),
              let reason = SoftwareRelease.refusal(node: node, central: .current)
        else { return }
        throw APIError(426, reason, field: Route.versionHeader, code: "release_not_served")
    }

    /// The pulling node's own chain head from the query (`head_epoch`, `head_seq`, `head_hash`,
    /// `head_sig`), all or none.
    static func head(_ query: Parameters, node: NodeID) throws -> ChainHead? {
        let parts = ["head_epoch", "head_seq", "head_hash", "head_sig"].map { query.get($0).map { "\($0)" } }
        if parts.allSatisfy({ $0 == nil }) { return nil }
        guard let epochText = parts[0], let epoch = UInt32(epochText), (1...ReplicaID.maxEpoch).contains(epoch),
              let seqText = parts[1], let seq = UInt64(seqText), EntryID.isValidSeq(seq),
              let hash = parts[2].flatMap(EntryChain.bytes(hex:)).flatMap(Hash256.init(bytes:)),
              let signature = parts[3].flatMap(EntryChain.bytes(hex:)), signature.count == 64
        else {
            throw APIError.badRequest("head_epoch, head_seq, head_hash and head_sig name the node's own signed chain head: all four, well formed",
                                      field: "head_seq")
        }
        return ChainHead(id: EntryID(replica: ReplicaID(node, epoch: epoch), seq: seq), hash: hash, signature: signature)
    }

}
