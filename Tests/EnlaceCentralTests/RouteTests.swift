import EnlaceModel
import EnlaceProtocol
import Foundation
import Testing

/// Every path both sides use is a constant of `Route`, `OfficeRoute` or `NodeRoute`, and the
/// constants are exactly the paths the OpenAPI documents describe: a path added on one side
/// only, or documented and never served, fails here.
@Suite("Routes")
struct RouteTests {
    /// The paths an OpenAPI document describes, `{id}` as the routers spell it (`:id`).
    static func documented(_ name: String) throws -> Set<String> {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi/\(name)").standardized
        let text = try String(contentsOf: file, encoding: .utf8)
        return Set(text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  /"), line.hasSuffix(":") else { return nil }
            return String(line.dropFirst(2).dropLast()).replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        })
    }

    @Test("the central server's constants are the paths openapi/central.yaml describes")
    func central() throws {
        let served: Set<String> = [
            Route.bind, Route.rotate, Route.holdings, Route.relay, Route.epoch, Route.push, Route.pull,
            OfficeRoute.status, OfficeRoute.quarantine, OfficeRoute.conflicts, OfficeRoute.conflictPattern, OfficeRoute.resolvePattern,
            OfficeRoute.cases, OfficeRoute.recordPattern(.caseFile), OfficeRoute.recordPattern(.certification), OfficeRoute.leadPattern,
            OfficeRoute.historyPattern(.caseFile), OfficeRoute.historyPattern(.certification), "/healthz", "/metrics",
        ]
        #expect(served == (try Self.documented("central.yaml")))
    }

    @Test("the node's constants are the paths openapi/node.yaml describes")
    func node() throws {
        var served: Set<String> = [NodeRoute.status, NodeRoute.sync, NodeRoute.conflicts, NodeRoute.certificationImport, "/metrics", "/healthz",
                                   NodeRoute.attentionsPattern, NodeRoute.referralsPattern, NodeRoute.referralPattern]
        for type in RecordType.allCases {
            served.formUnion([NodeRoute.collection(type), NodeRoute.recordPattern(type), NodeRoute.historyPattern(type)])
        }
        #expect(served == (try Self.documented("node.yaml")))
    }

    @Test("a builder fills its pattern, each id one escaped segment")
    func builders() {
        func matches(_ path: String, _ pattern: String) -> Bool {
            let (parts, slots) = (path.split(separator: "/"), pattern.split(separator: "/"))
            return parts.count == slots.count && zip(parts, slots).allSatisfy { $1.hasPrefix(":") || $0 == $1 }
        }
        #expect(matches(NodeRoute.referral(caseID: "01A", "02B"), NodeRoute.referralPattern))
        #expect(matches(NodeRoute.attentions(caseID: "01A"), NodeRoute.attentionsPattern))
        #expect(matches(NodeRoute.history(.certification, "01A"), NodeRoute.historyPattern(.certification)))
        #expect(matches(OfficeRoute.resolve("c-1"), OfficeRoute.resolvePattern))
        #expect(matches(OfficeRoute.lead(caseID: "01A"), OfficeRoute.leadPattern))
        #expect(NodeRoute.record(.caseFile, "../v1/sync") == "/v1/cases/..%2Fv1%2Fsync", "an id never adds a segment")
    }
}
