import EnlaceModel
import EnlaceNode
import EnlaceTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The local API through the router (no socket): statuses, bodies and that refusals store nothing.
@Suite("Node local API")
struct NodeAPITests {
    struct Answer {
        let status: Int
        let json: JSONValue
    }

    func withAPI(_ test: @Sendable (NodeFixture, TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await NodeFixture()
        let app = Application(router: NodeAPI(node: fixture.node, maxBodyBytes: 64 * 1024).router())
        try await app.test(.router) { client in try await test(fixture, client) }
    }

    /// A request to the node's API; a write names the servant `author` unless `headers` name one.
    func call(_ client: TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil,
              headers: HTTPFields = [.contentType: "application/json"], author: String? = "srv-prueba") async throws -> Answer {
        var headers = headers
        let name = HTTPFields.Element.Name("X-Enlace-Author")!
        if let author, headers[name] == nil { headers[name] = author }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
            return Answer(status: Int(response.status.code), json: json)
        }
    }

    @Test("every write names its servant: without X-Enlace-Author, or with a malformed one, 422 missing_author and nothing stored")
    func writesNameTheirServant() async throws {
        try await withAPI { fixture, client in
            let body = #"{"intake_channel":"presencial"}"#
            let before = try await fixture.store.read { try await $0.entryCount() }
            let missing = try await call(client, .post, "/v1/cases", body, author: nil)
            #expect(missing.status == 422 && missing.json["code"] == "missing_author" && missing.json["field"] == "X-Enlace-Author")
            let blank = try await call(client, .post, "/v1/cases", body,
                                       headers: [.contentType: "application/json", .init("X-Enlace-Author")!: "  "])
            #expect(blank.status == 422)
            #expect(try await fixture.store.read { try await $0.entryCount() } == before)
            let named = try await call(client, .post, "/v1/cases", body)
            #expect(named.status == 201)
            let id = try #require(named.json["id"]?.stringValue)
            let history = try await fixture.node.history(RecordKey(.caseFile, id))
            #expect(history["entries"]?.arrayValue?.first?["author"] == "srv-prueba")
        }
    }

    @Test("every write answers with the record as a later read gives it, her restricted location opened at the lead department too")
    func answersAreWhatWasWritten() async throws {
        try await withAPI { fixture, client in
            let body = #"{"intake_channel":"presencial","confidentiality":"ubicacion_restringida","person":{"full_name":"Ana","address":"Calle 5"}}"#
            let created = try await call(client, .post, "/v1/cases", body)
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            let key = RecordKey(.caseFile, id)
            func stored() async throws -> JSONValue { try await JSONValue.parse(try fixture.node.documentText(key)) }
            #expect(try await created.json == stored())
            #expect(created.json["person"]?["address"] == "Calle 5", "the lead reads the location it sealed")
            let patched = try await call(client, .patch, "/v1/cases/\(id)", #"{"risk_level":"alto","person":{"colonia":"Centro"}}"#)
            #expect(patched.status == 200)
            #expect(try await patched.json == stored())
            #expect(patched.json["person"]?["colonia"] == "Centro")
            let attention = try await call(client, .post, "/v1/cases/\(id)/attentions", #"{"kind":"primer_contacto"}"#)
            let attentionID = try #require(attention.json["id"]?.stringValue)
            #expect(attention.status == 201)
            #expect(try await stored()["attentions"]?.arrayValue?.first { $0["id"] == .string(attentionID) } == attention.json)
            let referral = try await call(client, .post, "/v1/cases/\(id)/referrals", #"{"to":"DIF"}"#)
            let referralID = try #require(referral.json["id"]?.stringValue)
            #expect(try await stored()["referrals"]?.arrayValue?.first { $0["id"] == .string(referralID) } == referral.json)
            let answered = try await call(client, .patch, "/v1/cases/\(id)/referrals/\(referralID)", #"{"urgency":"inmediata"}"#)
            #expect(answered.status == 200 && answered.json["urgency"] == "inmediata")
            #expect(try await stored()["referrals"]?.arrayValue?.first { $0["id"] == .string(referralID) } == answered.json)
        }
    }

    @Test("create answers 201 with folio and id; a retry answers 200; a different body 409")
    func createAndRetry() async throws {
        try await withAPI { fixture, client in
            let id = "01JDQ8Z6N4W2C4X9V3K5M7P8RA"
            let body = #"{"id":"\#(id)","intake_channel":"emergencia_911","person":{"full_name":"Ana"},"risk_level":"medio"}"#
            let created = try await call(client, .post, "/v1/cases", body)
            #expect(created.status == 201)
            #expect(created.json["folio"]?.stringValue?.hasPrefix("LEON-C4-01-") == true)
            #expect(created.json["person"]?["full_name"] == "Ana")
            #expect(created.json["conflicts"] == [])
            let retried = try await call(client, .post, "/v1/cases", body)
            #expect(retried.status == 200)
            #expect(retried.json == created.json)
            let different = try await call(client, .post, "/v1/cases", body.replacingOccurrences(of: "medio", with: "alto"))
            #expect(different.status == 409)
            #expect(try await fixture.store.read { try await $0.entryCount() } == 1)
        }
    }

    @Test("bad input gets 400, 404, 409, 413, 415 or 422 with the field, and stores nothing")
    func refusals() async throws {
        try await withAPI { fixture, client in
            let created = try await call(client, .post, "/v1/cases", #"{"intake_channel":"presencial"}"#)
            let id = created.json["id"]!.stringValue!
            let entriesBefore = try await fixture.store.read { try await $0.entryCount() }
            let cases: [(HTTPRequest.Method, String, String?, Int, String?)] = [
                (.post, "/v1/cases", "{not json", 400, nil),
                // One body, two meanings: refused, not read as the first or the last value.
                (.post, "/v1/cases", #"{"intake_channel":"presencial","intake_channel":"telefonica"}"#, 400, nil),
                (.patch, "/v1/cases/\(id)", #"{"risk_level":"alto",}"#, 400, nil),
                (.post, "/v1/cases", #"{"intake_channel":"paloma"}"#, 422, "intake_channel"),
                (.post, "/v1/cases", #"{"summary":"sin canal"}"#, 400, "intake_channel"),
                (.post, "/v1/cases", #"{"intake_channel":"otro","folio":"LEON-X-2026-000001"}"#, 400, "folio"),
                (.patch, "/v1/cases/\(id)", #"{"risk_level":"altisimo"}"#, 422, "risk_level"),
                (.patch, "/v1/cases/\(id)", #"{"person":{"birth_year":"1990"}}"#, 400, "person.birth_year"),
                (.patch, "/v1/cases/\(id)", #"{"person":{"age":30}}"#, 400, "person.age"),
                (.patch, "/v1/cases/\(id)", #"{"intake_channel":"telefonica"}"#, 409, "intake_channel"),
                (.patch, "/v1/cases/\(id)", #"{"attentions":[]}"#, 400, "attentions"),
                (.patch, "/v1/cases/\(id)", #"{"violence_types":["golpes"]}"#, 422, "violence_types"),
                (.patch, "/v1/cases/01JDQ8Z6N4W2C4X9V3K5M7P8RZ", #"{"risk_level":"alto"}"#, 404, nil),
                (.get, "/v1/cases/01JDQ8Z6N4W2C4X9V3K5M7P8RZ", nil, 404, nil),
                (.post, "/v1/cases/\(id)/attentions", #"{"note":"sin tipo"}"#, 400, "kind"),
                (.post, "/v1/cases/\(id)/attentions", #"{"kind":"orientacion","corrects":"01JDQ8Z6N4W2C4X9V3K5M7P8RZ"}"#, 422, "corrects"),
                (.post, "/v1/cases/\(id)/referrals", #"{"to":"LA_VECINA"}"#, 422, "to"),
                (.post, "/v1/cases", String(repeating: " ", count: 70 * 1024) + "{}", 413, nil),
            ]
            for (method, path, body, status, field) in cases {
                let answer = try await call(client, method, path, body)
                #expect(answer.status == status, "\(method) \(path) \(body?.prefix(60) ?? "")")
                #expect(answer.json["error"]?.stringValue?.isEmpty == false, "\(path) gives a message")
                if let field { #expect(answer.json["field"] == .string(field), "\(path) names \(field)") }
            }
            let wrongType = try await call(client, .post, "/v1/cases", "{}", headers: [.contentType: "text/plain"])
            #expect(wrongType.status == 415)
            #expect(try await fixture.store.read { try await $0.entryCount() } == entriesBefore)
        }
    }

    @Test("patch: merge-patch semantics; an equal value writes nothing; sets become additions and removals")
    func patchSemantics() async throws {
        try await withAPI { fixture, client in
            let created = try await call(client, .post, "/v1/cases", #"{"intake_channel":"presencial","violence_types":["fisica"]}"#)
            let id = created.json["id"]!.stringValue!
            let patched = try await call(client, .patch, "/v1/cases/\(id)",
                                         #"{"person":{"phone":"477 555 0101"},"violence_types":["psicologica","sexual"],"risk_level":"alto"}"#,
                                         headers: [.contentType: "application/merge-patch+json"])
            #expect(patched.status == 200)
            #expect(patched.json["violence_types"] == ["psicologica", "sexual"])
            #expect(patched.json["person"]?["phone"] == "477 555 0101")
            let entries = try await fixture.store.read { try await $0.entryCount() }
            let same = try await call(client, .patch, "/v1/cases/\(id)", #"{"risk_level":"alto"}"#)
            #expect(same.status == 200)
            #expect(try await fixture.store.read { try await $0.entryCount() } == entries)
            let cleared = try await call(client, .patch, "/v1/cases/\(id)", #"{"person":null}"#)
            #expect(cleared.json["person"]?["phone"] == .null)
        }
    }

    @Test("attentions and referrals: created, retried idempotently, listed on the case")
    func attentionsAndReferrals() async throws {
        try await withAPI { _, client in
            let id = try await call(client, .post, "/v1/cases", #"{"intake_channel":"presencial"}"#).json["id"]!.stringValue!
            let attention = #"{"id":"01JDQ90000000000000000000A","kind":"primer_contacto","note":"Escucha","at":"2026-11-29T10:00:00-06:00"}"#
            let first = try await call(client, .post, "/v1/cases/\(id)/attentions", attention)
            #expect(first.status == 201)
            #expect(first.json["at"] == "2026-11-29T16:00:00.000Z")
            #expect(try await call(client, .post, "/v1/cases/\(id)/attentions", attention).status == 200)
            let changed = attention.replacingOccurrences(of: "Escucha", with: "Otra")
            #expect(try await call(client, .post, "/v1/cases/\(id)/attentions", changed).status == 409)
            let referral = try await call(client, .post, "/v1/cases/\(id)/referrals", #"{"to":"IMMUJERES","reason":"Asesoría jurídica"}"#)
            #expect(referral.status == 201)
            #expect(referral.json["state"] == "propuesta")
            let rid = referral.json["id"]!.stringValue!
            let moved = try await call(client, .patch, "/v1/cases/\(id)/referrals/\(rid)", #"{"state":"enviada","urgency":"inmediata"}"#)
            #expect(moved.json["state"] == "enviada")
            #expect(try await call(client, .patch, "/v1/cases/\(id)/referrals/\(rid)", #"{"to":"DIF"}"#).status == 409)
            let record = try await call(client, .get, "/v1/cases/\(id)")
            #expect(record.json["attentions"]?.arrayValue?.count == 1)
            #expect(record.json["referrals"]?.arrayValue?.first?["urgency"] == "inmediata")
        }
    }

    @Test("lists page with limit and after; status reports counts")
    func listsAndStatus() async throws {
        try await withAPI { _, client in
            for _ in 0..<5 { _ = try await call(client, .post, "/v1/cases", #"{"intake_channel":"telefonica"}"#) }
            let page1 = try await call(client, .get, "/v1/cases?limit=3")
            #expect(page1.json["items"]?.arrayValue?.count == 3)
            let next = try #require(page1.json["next"]?.stringValue)
            let page2 = try await call(client, .get, "/v1/cases?limit=3&after=\(next)")
            #expect(page2.json["items"]?.arrayValue?.count == 2)
            #expect(page2.json["next"] == .null)
            #expect(try await call(client, .get, "/v1/cases?limit=0").status == 400)
            let status = try await call(client, .get, "/v1/status")
            #expect(status.json["node_id"] == "c4-01")
            #expect(status.json["journal_entries"] == 5)
            #expect(status.json["last_sync_at"] == .null)
            #expect(try await call(client, .get, "/v1/conflicts?status=abiertos").status == 400)
            #expect(try await call(client, .get, "/v1/conflicts").json["items"] == [])
            #expect(try await call(client, .post, "/v1/sync").status == 503)  // no sync engine in this router
        }
    }

    @Test("certifications: issue, revoke, and write-once fields refuse a change")
    func certifications() async throws {
        try await withAPI { _, client in
            let created = try await call(client, .post, "/v1/certifications",
                                         #"{"holder_name":"Rosa Ruiz","standard_code":"EC0539","folio":"D-1","valid_until":"2029-01-31"}"#)
            #expect(created.status == 201)
            #expect(created.json["status"] == "vigente")
            #expect(created.json["department"] == "C4")
            let id = created.json["id"]!.stringValue!
            #expect(try await call(client, .patch, "/v1/certifications/\(id)", #"{"standard_code":"EC0497"}"#).status == 409)
            let revoked = try await call(client, .patch, "/v1/certifications/\(id)", #"{"status":"revocada"}"#)
            #expect(revoked.json["status"] == "revocada")
            #expect(try await call(client, .post, "/v1/certifications", #"{"holder_name":"X","folio":"D-2"}"#).json["field"] == "standard_code")
        }
    }

    @Test("roster import: 125 valid rows import; one bad row imports nothing and names its line")
    func rosterImport() async throws {
        try await withAPI { fixture, client in
            let roster = try exampleRoster()
            var lines = roster.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[42] = lines[42].replacingOccurrences(of: ",EC0539,", with: ",EC9999,")
            let bad = try await call(client, .post, "/v1/certifications/import", lines.joined(separator: "\n"),
                                     headers: [.contentType: "text/csv"])
            #expect(bad.status == 422)
            #expect(bad.json["rows"]?.arrayValue?.first?["line"] == 43)
            #expect(bad.json["rows"]?.arrayValue?.first?["field"] == "standard_code")
            #expect(try await fixture.store.read { try await $0.entryCount() } == 0)

            let good = try await call(client, .post, "/v1/certifications/import", roster, headers: [.contentType: "text/csv"])
            #expect(good.status == 201)
            #expect(good.json["imported"] == 125)
            #expect(try await fixture.store.read { try await $0.entryCount() } == 125)
            // The same roster again is a no-op, not an error.
            let again = try await call(client, .post, "/v1/certifications/import", roster, headers: [.contentType: "text/csv"])
            #expect(again.status == 200 || again.status == 201, "\(again.json)")
            #expect(again.json["imported"] == 0 && again.json["unchanged"] == 125)
            #expect(try await fixture.store.read { try await $0.entryCount() } == 125)
        }
    }
}
