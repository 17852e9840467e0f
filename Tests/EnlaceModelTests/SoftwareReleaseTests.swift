import EnlaceModel
import Testing

/// Which node releases a central server serves: its minor release and the one before.
@Suite("Software releases")
struct SoftwareReleaseTests {
    @Test("a release parses from three small numbers and orders by them; anything else is refused")
    func parsing() {
        #expect(SoftwareRelease("0.4.0") == SoftwareRelease(major: 0, minor: 4, patch: 0))
        #expect(SoftwareRelease("1.10.2")! > SoftwareRelease("1.9.30")!)
        for text in ["", "0.4", "0.4.0.1", "0.4.x", "-1.4.0", "0.4.0-beta", "0..0", "９.1.0", "1234567.0.0", "0.4.0 "] {
            #expect(SoftwareRelease(text) == nil, "\(text)")
        }
    }

    @Test("the central server serves nodes of its minor release and the one before; older or newer are refused naming both")
    func servedWindow() {
        let central = SoftwareRelease("0.4.2")!
        #expect(SoftwareRelease.refusal(node: SoftwareRelease("0.4.0")!, central: central) == nil)
        #expect(SoftwareRelease.refusal(node: SoftwareRelease("0.4.9")!, central: central) == nil, "a newer patch of its minor")
        #expect(SoftwareRelease.refusal(node: SoftwareRelease("0.3.0")!, central: central) == nil, "one minor behind")
        let old = SoftwareRelease.refusal(node: SoftwareRelease("0.2.7")!, central: central)
        #expect(old?.contains("0.2.7") == true && old?.contains("0.4.2") == true && old?.contains("upgrade this node") == true)
        let ahead = SoftwareRelease.refusal(node: SoftwareRelease("0.5.0")!, central: central)
        #expect(ahead?.contains("upgrade the central server first") == true)
        #expect(SoftwareRelease.refusal(node: SoftwareRelease("1.4.2")!, central: central) != nil, "another major")
        #expect(SoftwareRelease.refusal(node: SoftwareRelease("1.0.0")!, central: SoftwareRelease("1.0.0")!) == nil)
    }
}
