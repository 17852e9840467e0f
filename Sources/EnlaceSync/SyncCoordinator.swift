import EnlaceModel
import EnlaceProtocol
import EnlaceStore
import Foundation
import Logging
import ServiceLifecycle

/// Schedules a node's sync rounds: soon after local writes (debounced), on an interval, and with
/// exponential backoff and jitter while the central server is unreachable. Never a busy loop.
///
/// One round at a time. A round asked for while one runs cannot join it — that round may have
/// read the journal before the write the caller just had acknowledged — so it waits for it and
/// then runs once more, shared by every caller that asked in the meantime. So the round a caller
/// is answered with always started after it asked.
public actor SyncCoordinator: Service {
    private let client: SyncClient
    private let configuration: SyncConfiguration
    private let logger: Logger
    /// The round running now.
    private var running: Task<Result<RoundReport, SyncError>, Never>?
    /// The round that starts when `running` ends, shared by every caller that asked meanwhile.
    private var queued: Task<Result<RoundReport, SyncError>, Never>?
    private var writePending = false
    private var waiter: (id: Int, interruptible: Bool, continuation: CheckedContinuation<Void, Never>)?
    private var waits = 0
    private var failures = 0
    /// When the schedule's next round is due (epoch milliseconds), while it waits for it.
    private var nextRoundAt: Int64?

    public init(client: SyncClient, configuration: SyncConfiguration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs a round that starts after this call (now, or right after the one running); returns
    /// its outcome.
    public func syncNow() async -> Result<RoundReport, SyncError> {
        if let queued { return await queued.value }
        guard let running else { return await start() }
        let next = Task { () -> Result<RoundReport, SyncError> in
            _ = await running.value
            return await self.startQueued()
        }
        queued = next
        return await next.value
    }

    private func startQueued() async -> Result<RoundReport, SyncError> {
        queued = nil
        return await start()
    }

    /// Starts a round (marking it running before any suspension) and logs its outcome.
    private func start() async -> Result<RoundReport, SyncError> {
        let client = self.client
        let task = Task.detached { () -> Result<RoundReport, SyncError> in
            do throws(SyncError) { return await .success(try client.round()) } catch { return .failure(error) }
        }
        running = task
        let result = await task.value
        if running == task { running = nil }
        switch result {
        case .success(let report):
            failures = 0
            if let recovery = report.recovery {
                logger.notice("recovered from a restore: the central server held entries this node lacked", metadata: [
                    "recovery.from_epoch": "\(recovery.fromEpoch.map(String.init) ?? "resumed")", "recovery.to_epoch": "\(recovery.toEpoch)",
                    "recovery.set_aside": "\(recovery.setAside)", "recovery.adopted": "\(recovery.adopted)",
                    "recovery.remade": "\(recovery.remade)", "recovery.renumbered": "\(recovery.renumbered)"])
            }
            logger.info("sync round done", metadata: [
                "sync.pushed": "\(report.pushed)", "sync.pulled": "\(report.pulled)",
                "sync.conflicts_opened": "\(report.conflictsOpened)",
                "sync.cases_purged": "\(report.casesPurged)", "sync.bodies_purged": "\(report.bodiesPurged)", "sync.duration_ms": "\(report.durationMillis)"])
        case .failure(let error):
            failures += 1
            logger.warning("sync round failed", metadata: ["sync.error": "\(error.message)", "sync.failures": "\(failures)"])
        }
        return result
    }

    /// Notes a local write: a round follows after the debounce delay.
    public func noteLocalWrite() {
        writePending = true
        if let current = waiter, current.interruptible { finishWait(current.id) }
    }

    /// The schedule loop; returns on graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    /// When the next scheduled round is due (epoch milliseconds), or nil while one runs.
    public func nextRound() -> Int64? { nextRoundAt }

    private func loop() async {
        while !Task.isCancelled {
            let delay = nextDelay()
            nextRoundAt = SystemClock.millis() + Int64(delay * 1000)
            await sleep(seconds: delay, interruptible: true)
            nextRoundAt = nil
            if Task.isCancelled { return }
            if writePending {
                await sleep(seconds: configuration.debounce, interruptible: false)
                if Task.isCancelled { return }
            }
            writePending = false
            _ = await syncNow()
        }
    }

    /// The interval, or after failures a doubling backoff with ±25 % jitter.
    private func nextDelay() -> Double {
        guard failures > 0 else { return configuration.interval }
        let base = min(configuration.backoffMax, configuration.backoffInitial * pow(2, Double(min(failures - 1, 30))))
        return base * Double.random(in: 0.75...1.25)
    }

    /// Sleeps, waking early on a local write when `interruptible`, and on cancellation.
    private func sleep(seconds: Double, interruptible: Bool) async {
        if interruptible && writePending { return }
        waits += 1
        let id = waits
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if Task.isCancelled { continuation.resume(); return }
                waiter = (id, interruptible, continuation)
                // The timer ends with the wait; it holds the actor weakly.
                Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                    await self?.finishWait(id)
                }
            }
        } onCancel: {
            Task { await self.finishWait(nil) }
        }
    }

    private func finishWait(_ id: Int?) {
        guard let current = waiter, id == nil || current.id == id else { return }
        waiter = nil
        current.continuation.resume()
    }
}
