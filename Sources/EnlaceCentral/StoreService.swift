import EnlaceStore
import ServiceLifecycle

/// The central store's place in the daemon's service group: shut down after the HTTP server
/// (the group stops its services in reverse order), it ends the store's connections — a
/// PostgreSQL store's client — once no request can use them.
struct StoreService: Service {
    let store: any CentralStore

    func run() async throws {
        try? await gracefulShutdown()
        await store.close()
    }
}
