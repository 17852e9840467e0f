// enlace-bench: throughput figures, never assertions. Run with `swift run -c release enlace-bench`.
//   enlace-bench [merge] [ENTRIES RECORDS REPLICAS]   the merge core (default 1,000,000 / 10,000 / 8)
//   enlace-bench store [ENTRIES RECORDS BATCH]         the SQLite journal (default 100,000 / 10,000 / 500)
//   enlace-bench store-postgres [ENTRIES RECORDS BATCH] the same on PostgreSQL (default 20,000 / 2,000 / 500)
//   enlace-bench scope [CASES PAGE]                    the feed through a department's scope (default 20,000 / 500)
//   enlace-bench seal [CASES PAGE]                     what encrypting case contents costs (default 5,000 / 500)
//   enlace-bench sync [CASES CLIENTS]                  sync end to end with real processes, beside SQLite's floors (default 5,000 / 8)
//   enlace-bench postgres [CASES NODES PER_NODE]       sync's PostgreSQL mode: the central server on PostgreSQL beside COPY
//                                                      (default 2,000 / 16 / 150; `sync-postgres` is the same)
import EnlaceStore
import Foundation

let usage = """
    enlace-bench: throughput figures, never assertions (build with -c release).
      enlace-bench [merge] [ENTRIES RECORDS REPLICAS]    the merge core (default 1,000,000 / 10,000 / 8)
      enlace-bench store [ENTRIES RECORDS BATCH]          the SQLite journal (default 100,000 / 10,000 / 500)
      enlace-bench store-postgres [ENTRIES RECORDS BATCH] the same on PostgreSQL, ENLACE_TEST_POSTGRES (default 20,000 / 2,000 / 500)
      enlace-bench scope [CASES PAGE]                     the feed through a department's scope (default 20,000 / 500)
      enlace-bench seal [CASES PAGE]                      what encrypting case contents costs (default 5,000 / 500)
      enlace-bench sync [CASES CLIENTS]                   sync end to end with real processes, beside SQLite's floors (default 5,000 / 8)
      enlace-bench postgres [CASES NODES PER_NODE]        the central server on PostgreSQL beside COPY (default 2,000 / 16 / 150)
    """

var arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first.flatMap { Int($0) == nil ? $0 : nil } ?? "merge"
if Int(arguments.first ?? "") == nil, !arguments.isEmpty { arguments.removeFirst() }
let numbers = arguments.compactMap { Int($0) }
switch mode {
case "merge":
    try MergeBenchmark.run(entryCount: numbers.count > 0 ? numbers[0] : 1_000_000, recordCount: numbers.count > 1 ? numbers[1] : 10_000,
                           replicaCount: numbers.count > 2 ? numbers[2] : 8)
case "store":
    try await StoreBenchmark.run(entryCount: numbers.count > 0 ? numbers[0] : 100_000, recordCount: numbers.count > 1 ? numbers[1] : 10_000,
                           batchSize: numbers.count > 2 ? numbers[2] : 500)
case "store-postgres":
    guard let server = ProcessInfo.processInfo.environment["ENLACE_TEST_POSTGRES"] else {
        FileHandle.standardError.write(Data("enlace-bench: store-postgres needs ENLACE_TEST_POSTGRES (a PostgreSQL superuser's URL)\n".utf8))
        exit(2)
    }
    try await StoreBenchmark.run(entryCount: numbers.count > 0 ? numbers[0] : 20_000, recordCount: numbers.count > 1 ? numbers[1] : 2_000,
                           batchSize: numbers.count > 2 ? numbers[2] : 500, postgres: try PostgresLocation(url: server))
case "scope":
    try await ScopeBenchmark.run(caseCount: numbers.count > 0 ? numbers[0] : 20_000, pageSize: numbers.count > 1 ? numbers[1] : 500)
case "sync":
    try SyncBenchmark.run(caseCount: numbers.count > 0 ? numbers[0] : 5_000, clients: numbers.count > 1 ? numbers[1] : 8)
case "postgres", "sync-postgres":
    try await PostgresBenchmark.run(caseCount: numbers.count > 0 ? numbers[0] : 2_000, nodeCount: numbers.count > 1 ? numbers[1] : 16,
                              casesPerNode: numbers.count > 2 ? numbers[2] : 150)
case "seal":
    try await SealBenchmark.run(caseCount: numbers.count > 0 ? numbers[0] : 5_000, pageSize: numbers.count > 1 ? numbers[1] : 500)
case "--help", "-h", "help":
    print(usage)
default:
    FileHandle.standardError.write(Data("enlace-bench: unknown mode \(mode): expected merge, store, store-postgres, scope, seal, sync or postgres (--help lists them)\n".utf8))
    exit(2)
}
