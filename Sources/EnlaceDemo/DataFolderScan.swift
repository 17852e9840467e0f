import Foundation

/// Searches every file of a data folder (the SQLite file, its WAL and shared memory, keys,
/// logs) for a text's UTF-8 bytes: what a stolen copy of the folder would reveal.
public enum DataFolderScan {
    /// The files under `folder` whose bytes contain `text` (paths relative to `folder`).
    public static func files(in folder: String, containing text: String) -> [String] {
        files(in: folder, containing: Array(text.utf8))
    }

    /// The files under `folder` whose bytes contain `bytes` (paths relative to `folder`): a
    /// sealed body's ciphertext, say, which no text search finds.
    public static func files(in folder: String, containing bytes: [UInt8]) -> [String] {
        let needle = Data(bytes)
        guard !needle.isEmpty, let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        for case let relative as String in walker {
            let path = (folder as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let bytes = FileManager.default.contents(atPath: path)
            else { continue }
            if bytes.range(of: needle) != nil { found.append(relative) }
        }
        return found.sorted()
    }
}
