import Hummingbird

/// A page's refusal: its status and what the page tells the person, in Spanish.
public struct WebRefusal: Error {
    public let status: HTTPResponse.Status
    public let explanation: String
    public init(_ status: HTTPResponse.Status, _ explanation: String) {
        self.status = status
        self.explanation = explanation
    }
}
