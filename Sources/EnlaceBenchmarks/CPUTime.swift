import Foundation

/// The CPU time (user + system) processes spent between laps, read from `/proc`.
struct CPUTime {
    let pids: [pid_t]
    private var last: [Double]

    init(_ pids: [pid_t]) throws {
        self.pids = pids
        last = try pids.map(CPUTime.seconds)
    }

    /// Each process's seconds of CPU since the previous lap (or the start).
    mutating func lap() throws -> [Double] {
        let now = try pids.map(CPUTime.seconds)
        defer { last = now }
        return zip(now, last).map { $0 - $1 }
    }

    /// utime + stime of `/proc/PID/stat`, in seconds.
    static func seconds(of pid: pid_t) throws -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { throw BenchError("cannot read /proc/\(pid)/stat") }
        // After "pid (comm)": state is field 3, utime field 14, stime field 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("unexpected /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
