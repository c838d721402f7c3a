import Foundation
import Synchronization

/// Counts attempts by key in a sliding window and refuses those beyond the limit: how the public
/// pages keep one address from filing a flood of inquiries or guessing at case codes.
///
/// It lives in the server's memory. A restart forgets the counts, which costs an attacker at most
/// one more window; a bureau running several servers behind one address would need a shared store.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    /// Keys kept at most; beyond this the expired ones are dropped, so a sweep of addresses cannot
    /// grow the table without end.
    let capacity: Int
    private let attempts = Mutex<[String: [Date]]>([:])

    init(limit: Int, window: TimeInterval, capacity: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Counts an attempt for `key` and says whether it is allowed; when it is not, how long until
    /// the oldest attempt of the window expires.
    func attempt(_ key: String, now: Date) -> (allowed: Bool, retryAfter: TimeInterval) {
        attempts.withLock { table in
            let since = now.addingTimeInterval(-window)
            var recent = (table[key] ?? []).filter { $0 > since }
            guard recent.count < limit else {
                table[key] = recent
                return (false, max(1, recent[0].timeIntervalSince(since)))
            }
            recent.append(now)
            if table[key] == nil, table.count >= capacity {
                table = table.filter { $0.value.contains { $0 > since } }
            }
            table[key] = recent
            return (true, 0)
        }
    }

    /// Takes back the attempt counted for `key` at `time`: a check counted as failed in advance
    /// that turned out to succeed.
    func forget(_ key: String, at time: Date) {
        attempts.withLock { table in
            guard let index = table[key]?.lastIndex(of: time) else { return }
            table[key]?.remove(at: index)
        }
    }

    /// Whether `key` has attempts left, without counting one.
    func hasRoom(_ key: String, now: Date) -> Bool {
        let since = now.addingTimeInterval(-window)
        return attempts.withLock { ($0[key] ?? []).filter { $0 > since }.count < limit }
    }
}

/// The limits of the public pages, one limiter each.
struct PublicLimits: Sendable {
    /// Inquiries filed from one address: a family files a few, a flood is not a family.
    let filing: RateLimiter
    /// Posts of the inquiry form from one address, filed or refused: each may carry megabytes of
    /// documents, so they are counted before the body is read.
    let filingAttempts: RateLimiter
    /// Status checks from one address, whatever their outcome.
    let statusChecks: RateLimiter
    /// Failed checks of one case code, from any address: a code seen over a shoulder cannot be
    /// tried against every date of birth.
    let failedChecksOfCode: RateLimiter

    static func standard() -> PublicLimits {
        PublicLimits(
            filing: RateLimiter(limit: 5, window: 3_600),
            filingAttempts: RateLimiter(limit: 30, window: 3_600),
            statusChecks: RateLimiter(limit: 10, window: 900),
            failedChecksOfCode: RateLimiter(limit: 5, window: 3_600))
    }
}
