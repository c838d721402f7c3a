import Foundation

/// How the applicant is related to the person they seek.
public enum Relationship: String, Sendable, Codable, CaseIterable {
    case mother, father, spouse, child, sibling, grandparent
    case otherRelative = "other-relative"
    /// A fiancée, a friend, a comrade: the bureau still answers, with the same care.
    case other
}

/// What the bureau may tell an applicant about the person they seek, in its five levels.
///
/// The level follows the linked person's derived status and nothing else: no source, no place, no
/// other person is ever part of it. A death is told by a member of staff, in person or by
/// telephone, never by a page: `deceased` exists for staff and is shown to the public as
/// `contactTheBureau`.
public enum AnswerLevel: String, Sendable, Codable, CaseIterable {
    case notInRegister = "not-in-register"
    case noInformation = "no-information"
    case captivityReported = "captivity-reported"
    case captivityConfirmed = "captivity-confirmed"
    case returned
    case deceased
    /// What a page says where staff have something to tell that a page must not.
    case contactTheBureau = "contact-the-bureau"

    /// The level an applicant is owed for a person of this status; nil when no person is linked.
    public static func level(for status: PersonStatus?) -> AnswerLevel {
        switch status {
        case nil: .notInRegister
        case .noInformation?: .noInformation
        case .captivityReported?, .inCustody?, .hospitalised?, .transferred?: .captivityReported
        case .captivityConfirmed?: .captivityConfirmed
        case .returned?, .released?, .exchanged?, .repatriated?: .returned
        case .died?, .remainsReturned?: .deceased
        // An escape from the adversary is not a return until the person is back with us.
        case .escaped?: .noInformation
        }
    }

    /// The level as a public page may show it.
    public var forPublic: AnswerLevel { self == .deceased ? .contactTheBureau : self }
}

/// The code an applicant is given to ask after their inquiry: short enough to read over the
/// telephone, long enough that guessing one is hopeless behind a rate limit and a date of birth.
///
/// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V), grouped 4–4, and a
/// ninth that checks them (Luhn mod 29), so a mistyped code is told apart from an unknown one.
public enum CaseCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTWXYZ")

    /// A fresh code from random bits; the caller supplies the randomness (tests pass a seeded one).
    public static func make(_ random: () -> UInt64) -> String {
        var bits = random()
        var characters: [Character] = []
        for _ in 0..<8 {
            characters.append(alphabet[Int(bits % UInt64(alphabet.count))])
            bits /= UInt64(alphabet.count)
        }
        let body = String(characters)
        return format(body + String(checkCharacter(for: body)))
    }

    /// The code as typed (any case, spaces or dashes) in its canonical form, or nil when it cannot be one.
    public static func normalised(_ typed: String) -> String? {
        let characters = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard characters.count == 9, characters.allSatisfy({ alphabet.contains($0) }) else { return nil }
        let body = String(characters.prefix(8))
        guard characters.last == checkCharacter(for: body) else { return nil }
        return format(characters)
    }

    private static func format(_ characters: String) -> String {
        let array = Array(characters)
        return "\(String(array[0..<4]))-\(String(array[4..<8]))-\(array[8])"
    }

    /// Luhn mod N over the 29 letters of the code's alphabet.
    static func checkCharacter(for body: String) -> Character {
        let n = alphabet.count
        var factor = 2
        var sum = 0
        for character in body.reversed() {
            let code = alphabet.firstIndex(of: character) ?? 0
            var addend = factor * code
            factor = factor == 2 ? 1 : 2
            addend = addend / n + addend % n
            sum += addend
        }
        return alphabet[(n - sum % n) % n]
    }
}
