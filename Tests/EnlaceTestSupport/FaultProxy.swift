#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A TCP proxy on a loopback port in front of a server, injecting network faults on the
/// connections it accepts: the faults a department's network shows between a node and the
/// central server.
public final class FaultProxy: @unchecked Sendable {
    public enum Fault: Sendable, Equatable {
        /// Forward faithfully.
        case none
        /// Reset the connection at once (RST).
        case reset
        /// Forward the request, then only `bytes` of the answer, then close.
        case cutAnswer(bytes: Int)
        /// Forward only `bytes` of the request, then close.
        case cutRequest(bytes: Int)
        /// Wait `millis` before forwarding.
        case delay(millis: Int)
        /// Answer with this status and no body, as a failing gateway would.
        case status(Int)
        /// Accept and never answer nor read.
        case stall
        /// Forward faithfully, waiting `millis` before each piece of the answer: a slow link
        /// that keeps a transfer in flight long enough to interrupt it.
        case pace(millis: Int)
    }

    public let port: Int
    private let targets: [Int]
    private let nextTarget = Atomic<Int>(0)
    private let listener: Int32
    private let current = Mutex<Fault>(.none)
    private let open = Mutex<[Int32]>([])
    private let running = Atomic<Bool>(true)
    private let injectedCount = Atomic<Int>(0)
    private let acceptedCount = Atomic<Int>(0)

    /// Listens on a free loopback port, forwarding to `targetPort` on loopback.
    public convenience init(to targetPort: Int) throws {
        try self.init(balancing: [targetPort])
    }

    /// A load balancer: each connection goes to the next of `targetPorts` in turn, or to the
    /// one after when that one refuses it (a stopped server).
    public init(balancing targetPorts: [Int]) throws {
        targets = targetPorts
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = FaultProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            Glibc.close(fd)
            throw CLIFailure(message: "fault proxy: cannot listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// The fault for connections accepted from now on. The connections open now are closed, as
    /// a network that changes drops them: a client that kept one alive must open a new one,
    /// which meets the new fault.
    public func set(_ fault: Fault) {
        current.withLock { $0 = fault }
        open.withLock { sockets in
            for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    /// How many connections met a fault (any but `.none`): a test proves its faults were seen.
    public var injected: Int { injectedCount.load(ordering: .sequentiallyConsistent) }
    /// How many connections the proxy accepted.
    public var accepted: Int { acceptedCount.load(ordering: .sequentiallyConsistent) }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Stops listening and closes every connection.
    public func close() {
        guard running.exchange(false, ordering: .sequentiallyConsistent) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        open.withLock { sockets in
            for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    deinit { close() }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while running.load(ordering: .sequentiallyConsistent) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { if errno == EINTR { continue } else { return } }
            open.withLock { $0.append(client) }
            let fault = current.withLock { $0 }
            acceptedCount.add(1, ordering: .sequentiallyConsistent)
            if fault != .none { injectedCount.add(1, ordering: .sequentiallyConsistent) }
            let thread = Thread { [self] in serve(client, fault) }
            thread.start()
        }
    }

    private func serve(_ client: Int32, _ fault: Fault) {
        defer { finish(client) }
        switch fault {
        case .reset:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            return
        case .stall:
            while running.load(ordering: .sequentiallyConsistent) { usleep(20_000) }
            return
        case .status(let code):
            _ = readHead(client)
            let answer = "HTTP/1.1 \(code) Injected\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = answer.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            return
        case .delay(let millis):
            usleep(UInt32(millis) * 1000)
        default:
            break
        }
        let first = nextTarget.add(1, ordering: .relaxed).oldValue
        var connectedSocket: Int32 = -1
        for offset in 0..<targets.count {
            let candidate = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = FaultProxy.loopback(port: UInt16(targets[(first + offset) % targets.count]))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(candidate, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if connected == 0 {
                connectedSocket = candidate
                break
            }
            Glibc.close(candidate)
        }
        let upstream = connectedSocket
        guard upstream >= 0 else { return }
        open.withLock { $0.append(upstream) }
        defer { finish(upstream) }
        let requestLimit = if case .cutRequest(let bytes) = fault { bytes } else { Int.max }
        let answerLimit = if case .cutAnswer(let bytes) = fault { bytes } else { Int.max }
        let pause = if case .pace(let millis) = fault { millis } else { 0 }
        // Both directions end before either socket is closed (a closed descriptor is reused).
        let upDone = DispatchSemaphore(value: 0)
        let up = Thread { [self] in
            pump(from: client, to: upstream, limit: requestLimit)
            upDone.signal()
        }
        up.start()
        pump(from: upstream, to: client, limit: answerLimit, pause: pause)
        shutdown(client, Int32(SHUT_RDWR))
        shutdown(upstream, Int32(SHUT_RDWR))
        upDone.wait()
    }

    /// Copies bytes until either side closes or `limit` bytes went through; then closes both ways.
    private func pump(from source: Int32, to sink: Int32, limit: Int, pause: Int = 0) {
        var buffer = [UInt8](repeating: 0, count: pause > 0 ? 1_024 : 16_384)
        var sent = 0
        while sent < limit {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, min($0.count, limit - sent), 0) }
            guard count > 0 else { break }
            if pause > 0 { usleep(UInt32(pause) * 1000) }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { send(sink, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { return }
                offset += written
            }
            sent += count
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(sink, Int32(SHUT_RDWR))
    }

    /// Reads until the end of a request's head (or the peer stops).
    private func readHead(_ socket: Int32) -> Bool {
        var seen: [UInt8] = []
        var byte: UInt8 = 0
        while recv(socket, &byte, 1, 0) == 1 {
            seen.append(byte)
            if seen.count >= 4, seen.suffix(4) == [13, 10, 13, 10] { return true }
            if seen.count > 65_536 { return false }
        }
        return false
    }

    private func finish(_ socket: Int32) {
        open.withLock { $0.removeAll { $0 == socket } }
        Glibc.close(socket)
    }
}

/// What the kernel says of a listening TCP socket on loopback (`/proc/net/tcp`).
public enum ListenBacklog {
    /// The connections waiting in the accept queue of the socket listening on `port` (nil when
    /// nothing listens there): 0 once the server has accepted every connection made to it.
    public static func pending(port: Int) -> Int? {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return nil }
        let local = String(format: ":%04X", port)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // sl, local_address, rem_address, st, tx_queue:rx_queue, …; state 0A is LISTEN.
            guard fields.count > 4, fields[1].hasSuffix(local), fields[3] == "0A" else { continue }
            return fields[4].split(separator: ":").last.flatMap { Int($0, radix: 16) }
        }
        return nil
    }
}
