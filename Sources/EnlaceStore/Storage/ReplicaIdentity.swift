import EnlaceModel

/// Who this replica is and where its central server lives.
public struct ReplicaIdentity: Sendable, Equatable {
    /// The replica's node id.
    public let nodeID: NodeID
    /// Its department.
    public let department: String
    /// The central server's URL.
    public let centralURL: String
    /// The node's credential for the central server.
    public let token: String
    /// When the store was created (RFC 3339).
    public let createdAt: String

    /// An identity.
    public init(nodeID: NodeID, department: String, centralURL: String, token: String, createdAt: String) {
        self.nodeID = nodeID
        self.department = department
        self.centralURL = centralURL
        self.token = token
        self.createdAt = createdAt
    }
}
