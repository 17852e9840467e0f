import Crypto
import CryptoExtras
import Foundation

/// A person's password as stored (an office user's at the desk, a servant's at the ventanilla): scrypt (memory-hard) with a random salt, written
/// `scrypt$LOG2N$R$P$SALT$HASH` (base64), so that its cost can rise without breaking old hashes.
public enum PasswordHash {
    /// 2^15 rounds, block size 8, parallelism 1: 32 MiB and about a tenth of a second here.
    public static let logRounds = 15
    static let blockSize = 8, parallelism = 1
    /// Shortest and longest accepted password (bytes of UTF-8).
    public static let minimumLength = 10, maximumLength = 1024

    /// Hashes `password` with a fresh salt, at 2^`logRounds` rounds.
    public static func make(_ password: String, logRounds: Int = logRounds) throws -> String {
        precondition((10...20).contains(logRounds), "scrypt cost out of range")
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let hash = try derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(logRounds)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    /// Whether `password` matches `stored`; a malformed or unsupported stored text matches nothing.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
              let logRounds = Int(parts[1]), (10...20).contains(logRounds),
              let blockSize = Int(parts[2]), (1...16).contains(blockSize),
              let parallelism = Int(parts[3]), (1...4).contains(parallelism),
              let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])), expected.count == 32,
              let hash = try? derive(password, salt: Array(salt), logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        // Constant time: compare every byte.
        return zip(hash, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A reason `password` may not be set, or nil.
    public static func weakness(_ password: String) -> String? {
        let count = password.utf8.count
        if count < minimumLength { return "the password must have at least \(minimumLength) characters" }
        if count > maximumLength { return "the password may have at most \(maximumLength) bytes" }
        return nil
    }

    private static func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int) throws -> [UInt8] {
        try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds,
                                 blockSize: blockSize, parallelism: parallelism).withUnsafeBytes { Array($0) }
    }
}
