import Foundation
import PackagePlugin

/// Records the commit a binary is built from (`enlace --version`): before every build it writes
/// `BuildCommit.swift` with the short commit id of the package's checkout (with «+modificado»
/// when tracked files differ from it), rewriting the file only when that changes so that an
/// unchanged checkout rebuilds nothing. A build outside a git checkout (a source tarball)
/// records `ENLACE_COMMIT` from the environment or «sin commit».
@main
struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = """
            mkdir -p "$2"
            commit=$(/usr/bin/git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || commit="${ENLACE_COMMIT:-sin commit}"
            if [ -n "$(/usr/bin/git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+modificado"; fi
            printf '// Generated before the build by the BuildCommit plugin.\\n/// The commit this binary was built from.\\nlet buildCommit = "%s"\\n' "$commit" > "$2/BuildCommit.swift.new"
            if cmp -s "$2/BuildCommit.swift.new" "$2/BuildCommit.swift"; then rm "$2/BuildCommit.swift.new"; else mv "$2/BuildCommit.swift.new" "$2/BuildCommit.swift"; fi
            """
        return [.prebuildCommand(displayName: "Recording the commit of this build", executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path], outputFilesDirectory: output)]
    }
}
