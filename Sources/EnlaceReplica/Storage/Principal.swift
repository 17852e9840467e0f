/// Who presented a bearer token to the central server.
public struct Principal: Sendable, Equatable {
    /// A field node or a central-office user.
    public enum Kind: String, Sendable {
        case node
        case user
    }

    /// An office user's role.
    public enum Role: String, Sendable, CaseIterable {
        case viewer
        case resolver
        case admin
    }

    /// Node or user.
    public let kind: Kind
    /// The node id or the user's name.
    public let subject: String
    /// A node's department.
    public let department: String?
    /// A user's role.
    public let role: Role?

    /// A principal.
    public init(kind: Kind, subject: String, department: String?, role: Role?) {
        self.kind = kind
        self.subject = subject
        self.department = department
        self.role = role
    }
}
