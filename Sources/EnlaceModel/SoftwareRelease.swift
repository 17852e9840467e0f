/// A release of Enlace, `MAJOR.MINOR.PATCH`, and which node releases a central server serves:
/// its own minor and the one before (upgrade the central server first, then the nodes, within
/// a minor release's time). A node further behind, or ahead of the central server, is refused
/// with both versions and what to do.
public struct SoftwareRelease: Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// A release from its text (`0.4.0`), or nil when it is not three small numbers.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ (1...6).contains($0.count) && $0.allSatisfy(\.isASCII) }),
              let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2]), major >= 0, minor >= 0, patch >= 0
        else { return nil }
        self.init(major: major, minor: minor, patch: patch)
    }

    /// This build's release: what `enlace --version` says, what every sync request names
    /// (`Enlace-Version`) and what a store records when this build writes it.
    public static let current = SoftwareRelease(major: 0, minor: 4, patch: 0)

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (a: SoftwareRelease, b: SoftwareRelease) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    /// The oldest node release `central` serves: the first of the minor release before its own.
    public static func oldestNode(servedBy central: SoftwareRelease) -> SoftwareRelease {
        SoftwareRelease(major: central.major, minor: max(0, central.minor - 1), patch: 0)
    }

    /// Why `central` does not serve a node running `node` (nil: it does), in English for the
    /// node's log and status.
    public static func refusal(node: SoftwareRelease, central: SoftwareRelease) -> String? {
        let oldest = oldestNode(servedBy: central)
        if node.major != central.major || node.minor > central.minor {
            return "this node runs Enlace \(node) and the central server \(central), which serves nodes from \(oldest) "
                + "to \(central.major).\(central.minor).x: upgrade the central server first, then the nodes"
        }
        if node < oldest {
            return "this node runs Enlace \(node) and the central server \(central), which serves nodes from \(oldest): "
                + "upgrade this node to \(central.major).\(central.minor)"
        }
        return nil
    }
}
