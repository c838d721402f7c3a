/// What a member of the bureau's staff may do. Least privilege: each role has only what its work needs.
public enum Permission: String, Sendable, CaseIterable, Codable {
    /// Search the register and read person pages: personal data, so every read is audited.
    case readRegister = "read-register"
    /// Register persons, keep records as received, add events.
    case editRegister = "edit-register"
    /// Decide whether two records are one person; link and unlink records.
    case reviewMatches = "review-matches"
    /// Negotiate exchanges and keep their lists.
    case negotiateExchanges = "negotiate-exchanges"
    /// Answer families' tracing requests.
    case answerInquiries = "answer-inquiries"
    /// Read the audit log.
    case readAudit = "read-audit"
    /// Create, disable and reset the accounts of others.
    case manageAccounts = "manage-accounts"
}

/// The roles of the bureau's staff.
public enum Role: String, Sendable, CaseIterable, Codable {
    case admin
    /// Enters and edits data.
    case registrar
    /// Reviews possible duplicates; links and unlinks records.
    case analyst
    /// Works on exchanges.
    case negotiator
    /// Answers families.
    case liaison
    /// Reads the audit log, and nothing personal beyond it.
    case auditor
    /// Reads the register.
    case viewer

    public var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases)
        case .registrar: [.readRegister, .editRegister]
        case .analyst: [.readRegister, .reviewMatches]
        case .negotiator: [.readRegister, .negotiateExchanges]
        case .liaison: [.readRegister, .answerInquiries]
        case .auditor: [.readAudit]
        case .viewer: [.readRegister]
        }
    }

    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

/// What a personal access token of the JSON API may do.
public enum TokenScope: String, Sendable, CaseIterable, Codable {
    /// GET requests: read persons, records, events, sources, facilities.
    case read
    /// Every other method: create and change them.
    case write
    /// The exchange routes (`/api/v1/exchange…`), as well as read or write: negotiations are for
    /// negotiators only.
    case exchanges
}
