#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// When plain HTTP is acceptable: only to a loopback address. Everything else needs HTTPS.
public enum TransportPolicy {
    /// Whether `host` names this machine's loopback: `localhost`, an IPv4 address in
    /// 127.0.0.0/8, or `::1` (brackets allowed). A name is parsed, never prefix-matched:
    /// `127.attacker.example` is a name like any other.
    public static func isLoopback(host: String) -> Bool {
        var text = host.lowercased()
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }

    /// Why `url` may not be used to reach a central server, or nil when it may: `https://`
    /// anywhere, `http://` only on loopback.
    public static func problem(centralURL url: String) -> String? {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
              let host = parsed.host, !host.isEmpty
        else {
            return "'\(url)' is not a URL"
        }
        if parsed.user != nil || parsed.password != nil { return "'\(url)': credentials do not belong in the URL" }
        if scheme == "https" { return nil }
        guard scheme == "http" else { return "'\(url)': expected https:// (or http:// on loopback)" }
        return isLoopback(host: host) ? nil : "'\(url)': https:// is required for a central server that is not on loopback"
    }
}
