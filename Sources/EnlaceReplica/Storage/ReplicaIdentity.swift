import EnlaceModel

/// Who this replica is and where its central server lives.
public struct ReplicaIdentity: Sendable, Equatable {
    /// The replica's node id.
    public let nodeID: NodeID
    /// Its epoch: a new one after a restore, so that its identities are never reused.
    public let epoch: UInt32
    /// Its department.
    public let department: String
    /// The central server's URL.
    public let centralURL: String
    /// The node's credential for the central server.
    public let token: String
    /// The replica id its entries and clock counters carry.
    public var replica: ReplicaID { ReplicaID(nodeID, epoch: epoch) }
    /// When the store was created (RFC 3339).
    public let createdAt: String

    /// An identity.
    public init(nodeID: NodeID, epoch: UInt32 = 1, department: String, centralURL: String, token: String, createdAt: String) {
        self.nodeID = nodeID
        self.epoch = epoch
        self.department = department
        self.centralURL = centralURL
        self.token = token
        self.createdAt = createdAt
    }
}
