import Foundation

/// The 125-servant certification roster the demo imports, bundled with the package as a
/// resource, found wherever `enlace` is started from: beside the executable (as `swift build`
/// and `make install` leave it), or in the installed share folder.
public enum DemoRoster {
    /// The resource bundle's folder name SwiftPM gives this target.
    static let bundleName = "Enlace_EnlaceDemo.resources"
    static let fileName = "roster-ec0539.csv"

    /// The roster's path, or nil when no copy is found (never a trap).
    public static func path(executable: String) -> String? {
        let directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        let candidates = [
            directory.appendingPathComponent(bundleName).appendingPathComponent(fileName).path,
            directory.appendingPathComponent("../share/enlace/\(bundleName)").appendingPathComponent(fileName).standardized.path,
            directory.appendingPathComponent("../share/enlace/examples").appendingPathComponent(fileName).standardized.path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
