import Dispatch
import Foundation

/// Pure CPU work spread over the machine's cores: a batch's records are materialised and sealed
/// side by side while its transaction waits (it holds the store's writer either way, and the
/// other cores would otherwise idle).
package enum ParallelMap {
    /// `transform` of every element, in order. Runs on the calling thread alone below
    /// `minimum` elements (a thread's wake-up costs more than a few records); otherwise in
    /// contiguous chunks, one per core, the calling thread taking one of them.
    package static func map<Element, Result>(_ elements: [Element], minimum: Int = 16,
                                             _ transform: (Element) -> Result) -> [Result] {
        precondition(minimum >= 2, "below two elements there is nothing to share")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard elements.count >= minimum, cores > 1 else { return elements.map(transform) }
        let chunks = min(cores, elements.count / (minimum / 2))
        return [Result](unsafeUninitializedCapacity: elements.count) { buffer, initialized in
            // Each chunk initialises its own disjoint slots of `buffer`, and nothing reads them
            // before `concurrentPerform` returns.
            nonisolated(unsafe) let slots = buffer
            nonisolated(unsafe) let elements = elements
            withoutActuallyEscaping(transform) { transform in
                nonisolated(unsafe) let transform = transform
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let range = chunk * elements.count / chunks..<(chunk + 1) * elements.count / chunks
                    for index in range { (slots.baseAddress! + index).initialize(to: transform(elements[index])) }
                }
            }
            initialized = elements.count
        }
    }
}
