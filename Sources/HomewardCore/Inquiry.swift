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

/// Who asks, and how to reach them: the person the bureau owes its answers to.
public struct Applicant: Hashable, Sendable, Codable {
    public var name: PersonName
    /// Asked again, with the case code, before any answer is given on a page.
    public var dateOfBirth: PartialDate
    public var relationship: Relationship
    public var email: String?
    public var phone: String?
    public var address: String?
    /// The language the applicant wrote in (`uk`, `en`): notifications are written in it.
    public var language: String?

    public init(
        name: PersonName, dateOfBirth: PartialDate, relationship: Relationship, email: String? = nil, phone: String? = nil,
        address: String? = nil, language: String? = nil
    ) {
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.relationship = relationship
        self.email = email
        self.phone = phone
        self.address = address
        self.language = language
    }
}

/// What the applicant knows of the person they seek.
public struct SoughtParticulars: Hashable, Sendable, Codable {
    public var name: PersonName
    public var dateOfBirth: PartialDate?
    public var unit: String?
    public var serviceNumber: String?
    public var lastSeenOn: PartialDate?
    public var lastSeenPlace: String?
    public var circumstances: String?

    public init(
        name: PersonName, dateOfBirth: PartialDate? = nil, unit: String? = nil, serviceNumber: String? = nil,
        lastSeenOn: PartialDate? = nil, lastSeenPlace: String? = nil, circumstances: String? = nil
    ) {
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.unit = unit
        self.serviceNumber = serviceNumber
        self.lastSeenOn = lastSeenOn
        self.lastSeenPlace = lastSeenPlace
        self.circumstances = circumstances
    }
}

/// How an inquiry reached the bureau.
public enum InquiryChannel: String, Sendable, Codable, CaseIterable {
    /// The public form, without an account.
    case publicForm = "public-form"
    /// Taken down by liaison staff: at the desk, on the hotline, from a letter.
    case liaison
}

/// A family's tracing request as filed.
public struct InquiryDraft: Hashable, Sendable {
    public var applicant: Applicant
    public var sought: SoughtParticulars
    /// The applicant agreed to the processing of their data and the sought person's for tracing.
    public var consent: Bool
    public var channel: InquiryChannel

    public init(applicant: Applicant, sought: SoughtParticulars, consent: Bool, channel: InquiryChannel) {
        self.applicant = applicant
        self.sought = sought
        self.consent = consent
        self.channel = channel
    }

    /// Every problem at once, each named by its field (`applicant.email`, `sought.name.surname`,
    /// `documents[2]`).
    public func validate(today: PartialDate, documents: [KinshipDocument] = []) throws(ValidationError) {
        var validator = Validator(today: today)
        applicant.name.check(into: &validator, prefix: "applicant.name")
        validator.notInFuture(applicant.dateOfBirth, "applicant.dateOfBirth")
        validator.text(applicant.email, "applicant.email", maxLength: 254)
        if let email = applicant.email, !Self.looksLikeEmail(email) {
            validator.add("applicant.email", "format", "is not an e-mail address")
        }
        validator.text(applicant.phone, "applicant.phone", maxLength: 50)
        validator.text(applicant.address, "applicant.address")
        validator.text(applicant.language, "applicant.language", maxLength: 10)
        if applicant.email == nil, applicant.phone == nil, applicant.address == nil {
            validator.add("applicant.contact", "required", "give an e-mail address, a telephone number or a postal address")
        }
        sought.name.check(into: &validator, prefix: "sought.name")
        validator.notInFuture(sought.dateOfBirth, "sought.dateOfBirth")
        validator.text(sought.unit, "sought.unit")
        validator.text(sought.serviceNumber, "sought.serviceNumber", maxLength: 50)
        validator.notInFuture(sought.lastSeenOn, "sought.lastSeenOn")
        validator.text(sought.lastSeenPlace, "sought.lastSeenPlace")
        validator.text(sought.circumstances, "sought.circumstances", maxLength: Validator.maxLongTextLength)
        if !consent {
            validator.add("consent", "required", "the bureau cannot trace without consent to process these data")
        }
        KinshipDocument.validate(documents, into: &validator)
        try validator.finish()
    }

    /// Whether the text can be an e-mail address: one @, a dot in the domain, no spaces.
    public static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
    }
}

/// A document an applicant sends to show they are family: a birth or marriage certificate, a
/// scan or a photograph of one.
public struct KinshipDocument: Hashable, Sendable {
    /// The name the applicant's file had; shown to staff, never used to open anything.
    public var fileName: String
    public var bytes: [UInt8]

    public init(fileName: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.bytes = bytes
    }

    /// More than a family needs to prove kinship, few enough that a form cannot fill the disk.
    public static let maximumCount = 3
    /// A phone's photograph of a certificate fits; a video does not.
    public static let maximumBytes = 5 << 20
    public static let maximumFileNameLength = 200

    /// What the bytes are, told by their first bytes: the name and the browser's word are the
    /// sender's to choose, so neither decides. Nil for anything but PDF, JPEG or PNG.
    public var contentType: String? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        return nil
    }

    /// Every problem with a set of documents, each named `documents[N]` from 1 with its file name.
    public static func validate(_ documents: [KinshipDocument], into validator: inout Validator) {
        if documents.count > maximumCount {
            validator.add("documents", "max-count", "\(documents.count) files were sent; at most \(maximumCount) are accepted")
        }
        for (index, document) in documents.enumerated() {
            let field = "documents[\(index + 1)]"
            validator.text(document.fileName, "\(field).fileName", maxLength: maximumFileNameLength)
            if document.bytes.isEmpty {
                validator.add(field, "empty", "\(document.fileName) is empty")
            } else if document.bytes.count > maximumBytes {
                validator.add(
                    field, "max-size",
                    "\(document.fileName) is \(document.bytes.count >> 10) KiB; at most \(maximumBytes >> 20) MiB are accepted")
            } else if document.contentType == nil {
                validator.add(field, "type", "\(document.fileName) is not a PDF, JPEG or PNG file")
            }
        }
    }
}
