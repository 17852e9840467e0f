import EnlaceDemo
import EnlaceModel
import EnlaceStore
import EnlaceTestSupport
import Foundation
import Testing

/// Private keys and a node's token kept outside the data folder (`--credentials`, or systemd's
/// `$CREDENTIALS_DIRECTORY`), with real processes: a copy of a data folder holds neither.
@Suite("Keys outside the data folder", .serialized)
struct KeyFolderEndToEndTests {
    @Test("a private key its group or others may read is refused, as ssh refuses one, naming the chmod that fixes it; the daemon does not start")
    func keyReadableByOthers() async throws {
        let central = try await RunningCentral()
        let key = central.data + "/central.key"
        #expect(try ReplicaKey.load(from: key).signingPublicKey.count == 32)
        for mode in [0o644, 0o640, 0o604] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: key)
            #expect { _ = try ReplicaKey.load(from: key) } throws: { "\($0)".contains("chmod 600 \(key)") }
        }
        let refused = try EnlaceBinary.run(["central", "enroll", "--data", central.data, "--node-id", "c4-09", "--department", "C4"])
        #expect(refused.status != 0 && refused.stderr.contains("chmod 600"), "\(refused.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        #expect(try EnlaceBinary.run(["central", "enroll", "--data", central.data, "--node-id", "c4-09", "--department", "C4"]).status == 0)
    }

    @Test("central and node keep their keys and the node its token in a credentials folder; daemons read them from $CREDENTIALS_DIRECTORY")
    func credentialsOutsideTheDataFolder() async throws {
        let secrets = try TemporaryFolder()
        let centralKeys = secrets.sub("central-credentials")
        let central = try await RunningCentral(credentials: centralKeys)
        #expect(FileManager.default.fileExists(atPath: centralKeys + "/central.key"))
        #expect(!FileManager.default.fileExists(atPath: central.data + "/central.key"))
        // Without its key the central server does not start, and says where it looked.
        let keyless = try EnlaceBinary.run(["central", "enroll", "--data", central.data, "--node-id", "c4-09", "--department", "C4"])
        #expect(keyless.status != 0 && keyless.stderr.contains("central.key"), "\(keyless.stderr)")
        try central.start(environment: ["CREDENTIALS_DIRECTORY": centralKeys])

        let token = try central.enroll("c4-01", "C4")
        let nodeKeys = secrets.sub("node-credentials")
        let node = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: token, credentials: nodeKeys)
        #expect(FileManager.default.fileExists(atPath: nodeKeys + "/node.key"))
        #expect(try String(contentsOfFile: nodeKeys + "/node.token", encoding: .utf8) == token)
        #expect(try await node.token() == "")
        #expect(!FileManager.default.fileExists(atPath: node.data + "/node.key"))

        // The daemon without its credentials folder refuses to start, naming what it lacks.
        let refused = try EnlaceBinary.run(["node", "run", "--data", node.data])
        #expect(refused.status != 0 && refused.stderr.contains("node.key"), "\(refused.stderr)")

        try node.start(["--sync-interval", "3600"], environment: ["CREDENTIALS_DIRECTORY": nodeKeys])
        let created = try node.request("POST", "/v1/cases", ["intake_channel": "presencial", "person": ["full_name": "Teresa Cano"]])
        #expect(created.status == 201)
        #expect(try node.request("POST", "/v1/sync").status == 200)
        let office = try central.user("lucia", role: "viewer")
        let id = created.json["id"]!.stringValue!
        #expect(try central.request("GET", "/v1/cases/\(id)", token: office).json["person"]?["full_name"] == "Teresa Cano")

        // A rotation writes its next key beside the current one, and the daemon binds it.
        #expect(try node.cli(["node", "rotate-key", "--credentials", nodeKeys]).status == 0)
        node.daemon?.signal(SIGTERM)
        _ = node.daemon?.waitForExit()
        try node.start(["--sync-interval", "3600", "--credentials", nodeKeys])
        #expect(try node.request("POST", "/v1/sync").status == 200)
        #expect(!FileManager.default.fileExists(atPath: nodeKeys + "/node.key.next"))

        // Neither data folder holds a token or a key file.
        for folder in [node.data, central.data] {
            #expect(DataFolderScan.files(in: folder, containing: token).isEmpty, "\(folder) holds the node's token")
            #expect(DataFolderScan.files(in: folder, containing: String(token.dropFirst(5).prefix(64))).isEmpty)
        }
        // Without its key the store's contents cannot be read, not even by `journal verify`.
        let locked = try node.cli(["journal", "verify"])
        #expect(locked.status != 0 && locked.stderr.contains("sin su llave privada"), "\(locked.stderr)")
        #expect(try node.cli(["journal", "verify", "--credentials", nodeKeys]).status == 0)
    }
}
