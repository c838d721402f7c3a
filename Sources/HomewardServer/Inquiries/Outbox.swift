import Foundation
import HomewardCore
import HomewardMail
import HomewardStore
import Logging
import ServiceLifecycle

/// What the bureau owes families when a status changes: the sweep that queues their notifications,
/// and the delivery of those that can go by e-mail.
///
/// Without a mail transport, every message waits in the outbox for liaison staff, who answer by
/// telephone or letter and mark it sent.
struct Outbox: Sendable {
    let database: HomewardDatabase
    let configuration: ServerConfiguration
    /// Sends one message by e-mail; nil when no SMTP server is configured.
    let deliver: (@Sendable (OutboxMessage) async throws -> Void)?
    let clock: @Sendable () -> Date
    let logger: Logger

    /// After this many failed tries a message is left to staff, with the last reason shown.
    static let maximumAttempts = 8

    private var register: Register { database.register(actor: "system:notifications", clock: clock) }

    func notificationFingerprint() async throws -> String { try await register.notificationFingerprint() }

    /// Queues a notification for every linked inquiry whose person's level changed. Pages that can
    /// change a status call it after the change; the service calls it for changes made elsewhere
    /// (an import from the command line, another server).
    ///
    /// - Parameter personIDs: the persons a change touched, when known; nil looks at every linked inquiry.
    @discardableResult
    func sweep(about personIDs: [UUID]? = nil) async throws -> [OutboxMessage] {
        let configuration = configuration
        return try await register.queueStatusNotifications(about: personIDs) { inquiry, level in
            Self.message(for: inquiry, level: level, configuration: configuration)
        }
    }

    /// The sweep, where a failure must not fail the change that came before it: the change is
    /// stored, and the next sweep of the service will queue what this one could not.
    func sweepAfterChange(about personIDs: [UUID]? = nil) async {
        do {
            try await sweep(about: personIDs)
        } catch {
            logger.error("the notifications owed after a change could not be queued; the next sweep will: \(error)")
        }
    }

    /// Sends the messages due by e-mail; returns how many went and how many failed.
    @discardableResult
    func deliverDue(limit: Int = 50) async throws -> (sent: Int, failed: Int) {
        guard let deliver else { return (0, 0) }
        let register = register
        var sent = 0
        var failed = 0
        for message in try await register.outboxDueByEmail(now: clock(), maximumAttempts: Self.maximumAttempts, limit: limit) {
            do {
                try await deliver(message)
                _ = try await register.markOutboxSent(message.id, via: .email)
                sent += 1
            } catch {
                failed += 1
                let attempt = message.attempts + 1
                // An address refused for good (550, or not an address at all) is not tried again.
                let permanent = (error as? SMTPError).map { !$0.isTransient } ?? (error is MailFormatError)
                let retryAt =
                    permanent || attempt >= Self.maximumAttempts
                    ? nil : clock().addingTimeInterval(Self.delay(beforeAttempt: attempt + 1))
                logger.warning("a notification could not be e-mailed (attempt \(attempt)): \(error)")
                _ = try await register.markOutboxFailed(message.id, error: "\(error)", retryAt: retryAt)
            }
        }
        return (sent, failed)
    }

    /// A queued message as an e-mail to the applicant, from the bureau.
    static func mail(_ message: OutboxMessage, from: MailAddress) throws -> OutgoingMail {
        OutgoingMail(
            from: from, to: [try MailAddress(message.recipient)], subject: message.subject, body: message.body,
            messageID: "<\(message.id.uuidString.lowercased())@\(from.domain)>")
    }

    /// Two minutes before the second try, doubling up to six hours: a mail server down for the
    /// night is tried again in the morning, not a thousand times.
    static func delay(beforeAttempt attempt: Int) -> TimeInterval {
        min(120 * pow(2, Double(max(0, attempt - 2))), 6 * 3_600)
    }

    /// The notification in the applicant's language. It gives the case code and the level, never a
    /// source, a place or another person, and never a death: that is told by a member of staff.
    static func message(for inquiry: Inquiry, level: AnswerLevel, configuration: ServerConfiguration) -> (
        subject: String, body: String
    ) {
        let t = Translations.forLanguage(inquiry.applicant.language ?? "uk")
        let code = inquiry.caseCode
        let checkAt =
            configuration.publicURL.map { t.format("notify_check_at", ["url": "\($0)\(Site.inquiryStatus.path)"]) }
            ?? t["notify_check_here"]
        let body = [
            t.format("notify_greeting", ["name": inquiry.applicant.name.fullName]),
            t.format("notify_intro", ["code": code]),
            t["answer_level_\(level.forPublic.rawValue)_explain"],
            t.format("notify_check", ["where": checkAt, "code": code]),
            t.format(
                "notify_signature",
                [
                    "bureau": configuration.bureauName == ServerConfiguration.defaultBureauName
                        ? t["bureau_default_name"] : configuration.bureauName
                ]),
        ].joined(separator: "\n\n")
        return (t.format("notify_subject", ["code": code]), body)
    }
}

/// Runs the outbox's sweep and delivery every `interval` while the server runs.
struct OutboxService: Service {
    let outbox: Outbox
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Most rounds find the register as it was: they skip the sweep, which reads every linked inquiry.
            var swept: String?
            while !Task.isCancelled {
                do {
                    let fingerprint = try await outbox.notificationFingerprint()
                    if fingerprint != swept {
                        try await outbox.sweep()
                        swept = fingerprint
                    }
                    try await outbox.deliverDue()
                } catch {
                    outbox.logger.error("the outbox could not be worked through; it will be tried again: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
