import EnlaceModel
import Synchronization
import Testing

@testable import EnlaceCentral

@Suite("A node's pipelined pushes keep their chain's order")
struct PushOrderTests {
    @Test("a batch that overtook the one before it waits for it; other chains, resends and the first batch do not wait")
    func laterBatchWaits() async throws {
        let order = PushOrder()
        let node = try #require(NodeID("c4-01"))
        let replica = ReplicaID(node, epoch: 1)
        let other = ReplicaID(try #require(NodeID("dif-01")), epoch: 1)
        let first = order.arrive(replica, first: 1)
        let second = order.arrive(replica, first: 501)
        let resend = order.arrive(replica, first: 1)
        let elsewhere = order.arrive(other, first: 900)
        // Neither the first batch, its resend (same first seq) nor another node's chain waits.
        await order.turn(first)
        await order.turn(resend)
        await order.turn(elsewhere)
        let reached = Mutex(false)
        let waiting = Task {
            await order.turn(second)
            reached.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!reached.withLock { $0 }, "the second batch must wait while a batch before it is in this process")
        order.leave(first)
        try await Task.sleep(for: .milliseconds(50))
        #expect(!reached.withLock { $0 }, "the resend of the first batch is still in this process")
        order.leave(resend)
        await waiting.value
        #expect(reached.withLock { $0 })
        order.leave(second)
        order.leave(elsewhere)
        #expect(order.count == 0)
    }
}
