import Foundation

/// A short-lived folder under the system temp folder (short enough for Unix socket paths).
public final class TemporaryFolder: Sendable {
    public let path: String

    public init() throws {
        var template = Array("/tmp/enl-XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: result)
    }

    public func sub(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Makes every private key (`*.key`) in `folder` readable by its owner only.
public func restrictKeys(in folder: String) throws {
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".key") {
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: (folder as NSString).appendingPathComponent(name))
    }
}
