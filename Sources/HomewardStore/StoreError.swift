import Foundation

/// What the register refuses, in terms a caller can answer with an HTTP status or a CLI message.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(entity: String, id: UUID)
    /// The item changed since the version the caller based its update on; nothing was written.
    case conflict(entity: String, id: UUID, currentVersion: Int)
    case internalInconsistency(String)
    /// The action was done already (a notification sent, say) and is not done twice.
    case alreadyDone(String)

    public var description: String {
        switch self {
        case .notFound(let entity, let id): "no \(entity) with id \(id)"
        case .conflict(let entity, let id, let currentVersion):
            "the \(entity) \(id) was changed by someone else (it is now at version \(currentVersion)); reload it and apply your change again"
        case .internalInconsistency(let detail): detail
        case .alreadyDone(let what): what
        }
    }
}
