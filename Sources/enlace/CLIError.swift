import ArgumentParser
import EnlaceStore
import EnlaceModel
import Foundation

/// A failure reported as one line on stderr with the exit codes of INTERFACE.md:
/// 1 operational failure, 2 usage or validation error.
struct CLIError: Error {
    let message: String
    let exitCode: Int32

    static func operational(_ message: String) -> CLIError { CLIError(message: message, exitCode: 1) }
    static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }
}

/// Runs `body`, turning a `CLIError` into its message and exit code.
func reporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CLIError {
        FileHandle.standardError.write(Data("enlace: \(error.message)\n".utf8))
        throw ExitCode(error.exitCode)
    } catch let error as ExitCode {
        throw error
    } catch let refusal as Refusal {
        // What was asked is wrong (a malformed or refused value): a usage error, exit 2. What the
        // store says against it (unknown, already done, not allowed): exit 1.
        FileHandle.standardError.write(Data("enlace: \(refusal)\n".utf8))
        switch refusal {
        case .malformed, .invalid, .invalidRows: throw ExitCode(2)
        default: throw ExitCode(1)
        }
    } catch let error where StoreError(translating: error) != nil {
        FileHandle.standardError.write(Data("enlace: \(StoreError(translating: error)!)\n".utf8))
        throw ExitCode(1)
    } catch {
        FileHandle.standardError.write(Data("enlace: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
