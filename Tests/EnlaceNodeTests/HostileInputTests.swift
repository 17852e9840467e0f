#if canImport(Glibc)
import Glibc
#endif
import EnlaceAPI
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

import EnlaceConfig
import EnlaceNode

/// What a careless or hostile local app sends: every refusal is a precise 4xx, nothing refused
/// is stored, and no input traps the daemon.
@Suite("Hostile input at the node")
struct NodeHostileInputTests {
    static func call(
        _ client: TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String?, body: String? = nil
    ) async throws -> (status: Int, json: JSONValue) {
        var headers: HTTPFields = [.contentType: "application/json", .init("X-Enlace-Author")!: "srv-prueba"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), (try? JSONValue.parse(text)) ?? .string(text))
        }
    }

    @Test("a department writes only as itself: at the node's own API (403, nothing stored)")
    func departmentsEnforced() async throws {
        let fixture = try await NodeFixture(nodeID: "bom-01", department: "BOMBEROS")
        let app = Application(router: NodeAPI(node: fixture.node).router(), logger: .quiet)
        try await app.test(.router) { client in
            let foreign = try await Self.call(client, .post, "/v1/cases", token: nil,
                                              body: #"{"intake_channel":"presencial","origin_department":"IMMUJERES"}"#)
            #expect(foreign.status == 403)
            #expect(foreign.json["field"] == "origin_department")
            let own = try await Self.call(client, .post, "/v1/cases", token: nil, body: #"{"intake_channel":"presencial"}"#)
            #expect(own.status == 201)
            #expect(own.json["origin_department"] == "BOMBEROS")
            let id = own.json["id"]!.stringValue!
            let attention = try await Self.call(client, .post, "/v1/cases/\(id)/attentions", token: nil,
                                                body: #"{"kind":"orientacion","department":"IMMUJERES"}"#)
            #expect(attention.status == 403)
            let referral = try await Self.call(client, .post, "/v1/cases/\(id)/referrals", token: nil,
                                               body: #"{"to":"DIF","from":"C4"}"#)
            #expect(referral.status == 403)
            #expect(try await fixture.store.read { try await $0.entryCount() } == 1)
        }
    }

    @Test("refused values are never copied into messages: a too-long name is refused by field, not echoed")
    func refusedValuesStayOut() async throws {
        let name = "María Guadalupe " + String(repeating: "Torres ", count: 40)
        let fixture = try await NodeFixture()
        let app = Application(router: NodeAPI(node: fixture.node).router(), logger: .quiet)
        try await app.test(.router) { client in
            let answer = try await Self.call(client, .post, "/v1/cases", token: nil,
                                             body: JSONValue.object(["intake_channel": "presencial", "person": ["full_name": .string(name)]]).canonicalText)
            #expect(answer.status == 422)
            #expect(answer.json["field"] == "person.full_name")
            #expect(answer.json["error"]?.stringValue?.contains("Guadalupe") == false)
            #expect(answer.json["error"]?.stringValue?.contains("bytes") == true)
        }
        // Limits count bytes: 100 two-byte letters are 200 bytes, within a 200-byte field; 101 are not.
        #expect(throws: Never.self) { try Schema.caseFile.normalize(.string(String(repeating: "ñ", count: 100)),
                                                                  for: Schema.caseFile.spec(forPath: "person.full_name")!, at: "person.full_name") }
        #expect(throws: ValidationError.self) { try Schema.caseFile.normalize(.string(String(repeating: "ñ", count: 101)),
                                                                            for: Schema.caseFile.spec(forPath: "person.full_name")!, at: "person.full_name") }
    }

    // MARK: Fuzzing

    @Test("fuzz: the node's local API refuses mutated bodies and queries precisely and stores nothing it refuses")
    func fuzzNodeAPI() async throws {
        let seed = fuzzSeed()
        let fixture = try await NodeFixture()
        let app = Application(router: NodeAPI(node: fixture.node, maxBodyBytes: 256 * 1024).router(), logger: .quiet)
        try await app.test(.router) { client in
            let created = try await Self.call(client, .post, "/v1/cases", token: nil,
                                              body: #"{"intake_channel":"presencial","summary":"Relato.","person":{"full_name":"Ana"}}"#)
            let id = created.json["id"]!.stringValue!
            let cert = try await Self.call(client, .post, "/v1/certifications", token: nil,
                                           body: #"{"holder_name":"Rosa","standard_code":"EC0539","folio":"D-1"}"#)
            let certID = cert.json["id"]!.stringValue!
            let requests: [(HTTPRequest.Method, String, String)] = [
                (.post, "/v1/cases", #"{"intake_channel":"presencial","risk_level":"medio","person":{"birth_year":1990,"phone":"477"},"violence_types":["fisica"]}"#),
                (.patch, "/v1/cases/\(id)", #"{"risk_level":"alto","person":{"phone":"477 555"},"modalities":["familiar"],"incident_date":"2026-01-02"}"#),
                (.post, "/v1/cases/\(id)/attentions", #"{"kind":"orientacion","note":"Nota","at":"2026-11-29T10:00:00Z"}"#),
                (.post, "/v1/cases/\(id)/referrals", #"{"to":"DIF","reason":"Apoyo","urgency":"inmediata"}"#),
                (.post, "/v1/certifications", #"{"holder_name":"Eva","standard_code":"EC0539","folio":"F-2","issued_on":"2025-01-01"}"#),
                (.patch, "/v1/certifications/\(certID)", #"{"valid_until":"2030-01-01","status":"vigente"}"#),
            ]
            var stored = try await fixture.store.read { try await $0.entryCount() }
            var mutator = Mutator(seed: seed)
            for index in 0..<fuzzCases(900) {
                let (method, path, body) = mutator.pick(requests)
                let answer = try await Self.call(client, method, path, token: nil, body: mutator.mutate(body))
                #expect(answer.status < 500, "seed \(seed) case \(index): \(method) \(path) answered \(answer.status) \(answer.json)")
                let now = try await fixture.store.read { try await $0.entryCount() }
                if answer.status >= 300 { #expect(now == stored, "seed \(seed) case \(index): a refused write stored entries") }
                stored = now
            }
            for index in 0..<fuzzCases(300) {
                let value = mutator.pick(Mutator.edgeNumbers + Mutator.edgeStrings).prefix(200)
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let path = mutator.pick(["/v1/cases?limit=\(value)", "/v1/cases?after=\(value)", "/v1/conflicts?status=\(value)",
                                         "/v1/certifications?limit=\(value)&after=\(value)", "/v1/cases/\(value)/history"])
                let answer = try await Self.call(client, .get, path, token: nil)
                #expect(answer.status < 500, "seed \(seed) case \(index): GET \(path.prefix(100)) answered \(answer.status)")
            }
            #expect(try await fixture.store.verify().isSound)
        }
    }

    @Test("fuzz: roster rows and configuration lines give precise errors, never a trap")
    func fuzzFiles() async throws {
        let seed = fuzzSeed()
        var mutator = Mutator(seed: seed)
        let fixture = try await NodeFixture()
        let roster = try String(exampleRoster().split(separator: "\n").prefix(6).joined(separator: "\n"))
        var stored = try await fixture.store.read { try await $0.entryCount() }
        for index in 0..<fuzzCases(300) {
            do {
                _ = try await fixture.node.importRoster(mutator.mutate(roster), author: "srv-prueba")
            } catch let refusal as Refusal {
                let error = APIError(refusal)
                #expect((400..<500).contains(error.status), "seed \(seed) case \(index): \(error.status) \(error.message)")
                #expect(try await fixture.store.read { try await $0.entryCount() } == stored)
            }
            stored = try await fixture.store.read { try await $0.entryCount() }
        }
        let folder = try TemporaryFolder()
        let config = try String(contentsOfFile: repositoryFile("config/node.conf"), encoding: .utf8)
        for index in 0..<fuzzCases(300) {
            let path = folder.sub("case-\(index).conf")
            try mutator.mutate(config).write(toFile: path, atomically: true, encoding: .utf8)
            do {
                let settings = Settings(file: try ConfigFile(path: path, keys: ["data", "central_url", "sync_interval", "batch_size",
                                                                                "log_level", "ca_file", "proxy", "http_listen",
                                                                                "sync_debounce", "backoff_initial", "backoff_max", "ventanilla_listen"]),
                                        environment: [:])
                _ = try settings.double("sync_interval", flag: nil, default: 60, range: 0.01...86_400)
                _ = try settings.int("batch_size", flag: nil, default: 500, range: 1...5000)
            } catch {
                // A refusal names the file and the line (and the key, when it got that far), or
                // says the file is not text.
                let message = "\(error)"
                let rest = message.hasPrefix(path + ":") ? String(message.dropFirst(path.count + 1)) : ""
                let line = rest.prefix { $0.isNumber }
                let precise = (!line.isEmpty && (rest.dropFirst(line.count).hasPrefix(": ") || rest.dropFirst(line.count).hasPrefix(" (")))
                    || rest == " not UTF-8 text"
                #expect(precise, "seed \(seed) case \(index): \(message)")
            }
        }
    }
}
