import EnlaceHTTP
import EnlaceModel
import EnlaceTestSupport
import Foundation
import Testing

/// HTTPS between nodes and the central server, with a CA made at test time.
@Suite("TLS end to end", .serialized)
struct TLSEndToEndTests {
    /// A test CA and a certificate for 127.0.0.1 signed by it (openssl, EC P-256).
    static func makeCertificates(in folder: TemporaryFolder) throws -> (ca: String, certificate: String, key: String) {
        func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CLIFailure(message: "openssl \(arguments.first ?? "") failed") }
        }
        let ca = folder.sub("ca.pem"), caKey = folder.sub("ca.key")
        let certificate = folder.sub("central.pem"), key = folder.sub("central.key"), request = folder.sub("central.csr")
        let extensions = folder.sub("ext.cnf")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey,
                     "-out", ca, "-days", "2", "-subj", "/CN=Enlace Test CA"])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                     "-out", request, "-subj", "/CN=localhost"])
        try openssl(["x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", certificate,
                     "-days", "2", "-extfile", extensions])
        return (ca, certificate, key)
    }

    /// Whether `openssl s_client` completes a handshake with only `version` enabled (security
    /// level 0 on the client side, so that the refusal, if any, is the server's).
    static func handshake(port: Int, version: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", version, "-cipher", "DEFAULT:@SECLEVEL=0"]
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 && text.contains("Cipher is") && !text.contains("Cipher is (NONE)")
    }

    @Test("a node syncs over HTTPS with the right CA and refuses a server whose certificate it cannot verify")
    func httpsSync() async throws {
        let central = try await RunningCentral()
        let files = try TLSEndToEndTests.makeCertificates(in: central.folder)
        central.scheme = "https"
        central.caFile = files.ca
        try central.start(["--tls-certificate", files.certificate, "--tls-key", files.key])

        let trusting = try RunningNode(nodeID: "c4-01", department: "C4", central: central.url, token: try central.enroll("c4-01", "C4"))
        try trusting.start(["--sync-interval", "3600", "--ca-file", files.ca])
        _ = try trusting.request("POST", "/v1/cases", ["intake_channel": "presencial"])
        let synced = try trusting.request("POST", "/v1/sync")
        #expect(synced.status == 200, "\(synced.json)")
        #expect(synced.json["pushed"] == 1)

        let wary = try central.node("dif-01", "DIF")
        try wary.start()
        let refused = try wary.request("POST", "/v1/sync")
        #expect(refused.status == 503)
        #expect(refused.json["error"]?.stringValue?.contains("SSL certificate problem") == true, "\(refused.json)")
        #expect(try wary.request("GET", "/v1/status").json["pending_entries"] == 0)

        // Plain HTTP to the HTTPS port is no way around it.
        do {
            let answer = try HTTPClient().perform(HTTPRequest(url: "http://127.0.0.1:\(central.port)/healthz"))
            Issue.record("plain HTTP to the HTTPS port got an answer: \(answer.status)")
        } catch {
            #expect(error.kind == .connection)
        }
        // TLS 1.2 at least: a client offering only TLS 1.1 gets no handshake; TLS 1.2 does.
        #expect(try TLSEndToEndTests.handshake(port: central.port, version: "-tls1_2"))
        #expect(try !TLSEndToEndTests.handshake(port: central.port, version: "-tls1_1"))
        let mismatched = try EnlaceBinary.run(["central", "run", "--data", central.folder.sub("other"), "--tls-certificate", files.certificate])
        #expect(mismatched.status == 2)
        #expect(mismatched.stderr.contains("tls_certificate y tls_key van juntos"), "\(mismatched.stderr)")
    }
}
