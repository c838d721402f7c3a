import Foundation
import HomewardCore

/// An item of information the Detaining Power owes the Central Tracing Agency for each prisoner
/// of war it holds (GC III Art. 122 §4, Art. 17).
public enum CTAItem: String, Sendable, Hashable, Codable, CaseIterable {
    case surname
    case firstNames = "first-names"
    /// Required of military personnel only (servicemembers, medical and religious personnel).
    case rank
    /// Army, regimental, personal or serial number; required of military personnel only.
    case serviceNumber = "service-number"
    /// Missing also when only the year or month is known: the Convention asks for the full date.
    case dateOfBirth = "date-of-birth"
    case placeOfBirth = "place-of-birth"
    /// The Power on which the person depends.
    case dependentPower = "dependent-power"
    case fatherFirstName = "father-first-name"
    case mothersMaidenName = "mothers-maiden-name"
    /// The name of the person to be informed.
    case personToBeInformed = "person-to-be-informed"
    case addressOfPersonToBeInformed = "address-of-person-to-be-informed"
    /// The address to which correspondence for the prisoner may be sent (their camp).
    case correspondenceAddress = "correspondence-address"

    /// The Ukrainian label, as the batch's header writes it.
    public var ukrainian: String {
        switch self {
        case .surname: "Прізвище"
        case .firstNames: "Імена"
        case .rank: "Військове звання"
        case .serviceNumber: "Особистий номер"
        case .dateOfBirth: "Дата народження (повна)"
        case .placeOfBirth: "Місце народження"
        case .dependentPower: "Держава, від якої залежить особа"
        case .fatherFirstName: "Ім’я батька"
        case .mothersMaidenName: "Дівоче прізвище матері"
        case .personToBeInformed: "Особа, яку слід повідомити"
        case .addressOfPersonToBeInformed: "Адреса особи, яку слід повідомити"
        case .correspondenceAddress: "Адреса для листування"
        }
    }

    /// The English label, as the batch's header writes it.
    public var english: String {
        switch self {
        case .surname: "Surname"
        case .firstNames: "First names"
        case .rank: "Rank"
        case .serviceNumber: "Army, regimental, personal or serial number"
        case .dateOfBirth: "Full date of birth"
        case .placeOfBirth: "Place of birth"
        case .dependentPower: "Power on which the person depends"
        case .fatherFirstName: "First name of the father"
        case .mothersMaidenName: "Maiden name of the mother"
        case .personToBeInformed: "Name of the person to be informed"
        case .addressOfPersonToBeInformed: "Address of the person to be informed"
        case .correspondenceAddress: "Address for correspondence"
        }
    }
}

/// The Art. 122 information on a batch of prisoners of war the bureau holds, for the ICRC Central
/// Tracing Agency: a CSV file with bilingual (Ukrainian / English) headers, the items still
/// missing for each person so they can be completed before sending, and a checksum to record with
/// the notification.
///
/// It is meant for people the bureau holds (affiliation `adversary`); choosing whom to notify, and
/// withholding what must be withheld, is the caller's decision. Every cell goes through
/// ``SpreadsheetSafety``, because the file is opened in spreadsheets on both ends.
public struct CTANotificationBatch: Sendable, Hashable {
    /// One person of the batch, with what the register does not say about them.
    public struct Entry: Sendable, Hashable {
        public var person: Person
        /// Where the person was captured, as the caller words it.
        public var placeOfCapture: String?
        /// The address of the camp or facility where the person can receive mail.
        public var correspondenceAddress: String?

        public init(person: Person, placeOfCapture: String? = nil, correspondenceAddress: String? = nil) {
            self.person = person
            self.placeOfCapture = placeOfCapture
            self.correspondenceAddress = correspondenceAddress
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// A batch of `persons`, in that order, with places of capture and correspondence addresses looked up by person.
    public init(
        persons: [Person],
        placesOfCapture: [UUID: String] = [:],
        correspondenceAddresses: [UUID: String] = [:]
    ) {
        entries = persons.map {
            Entry(
                person: $0,
                placeOfCapture: placesOfCapture[$0.id],
                correspondenceAddress: correspondenceAddresses[$0.id]
            )
        }
    }

    // MARK: - The file

    /// The header: Ukrainian and English labels in one cell, "Прізвище / Surname".
    public static let header: [String] = [
        "№ / No.",
        "Реєстраційний номер бюро / Bureau reference",
        bilingual(.surname),
        bilingual(.firstNames),
        "По батькові / Patronymic",
        "Ім’я латиницею / Name in Latin script",
        bilingual(.rank),
        bilingual(.serviceNumber),
        bilingual(.dateOfBirth),
        bilingual(.placeOfBirth),
        bilingual(.dependentPower),
        bilingual(.fatherFirstName),
        bilingual(.mothersMaidenName),
        bilingual(.personToBeInformed),
        bilingual(.addressOfPersonToBeInformed),
        "Місце взяття в полон / Place of capture",
        bilingual(.correspondenceAddress),
    ]

    private static func bilingual(_ item: CTAItem) -> String { "\(item.ukrainian) / \(item.english)" }

    /// The header and one row per person, every cell passed through ``SpreadsheetSafety/cell(_:)``.
    public var rows: [[String]] {
        var rows = [Self.header.map(SpreadsheetSafety.cell)]
        rows.reserveCapacity(entries.count + 1)
        for (index, entry) in entries.enumerated() {
            rows.append(Self.row(number: index + 1, entry).map(SpreadsheetSafety.cell))
        }
        return rows
    }

    private static func row(number: Int, _ entry: Entry) -> [String] {
        let identity = entry.person.identity
        let name = identity.name
        let kin = identity.nextOfKin
        let kinName = kin.map { kin in
            guard let relationship = kin.relationship.exportNonBlank else { return kin.name }
            return "\(kin.name) (\(relationship))"
        }
        return [
            String(number),
            entry.person.id.uuidString.lowercased(),
            name.surname,
            name.givenNames ?? "",
            name.patronymic ?? "",
            name.language == .latin ? "" : name.latin.fullName,
            identity.rank ?? "",
            identity.serviceNumber ?? "",
            identity.dateOfBirth?.description ?? "",
            identity.placeOfBirth ?? "",
            identity.dependentPower ?? "",
            identity.fatherFirstName ?? "",
            identity.mothersMaidenName ?? "",
            kinName ?? "",
            kin?.address ?? "",
            entry.placeOfCapture ?? "",
            entry.correspondenceAddress ?? "",
        ].map(singleLine)
    }

    /// Line breaks typed into a field become "; " so every person is one line in any viewer.
    private static func singleLine(_ value: String) -> String {
        guard value.contains(where: \.isNewline) else { return value }
        return value.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// The batch as CSV. By default it starts with a UTF-8 byte order mark, without which
    /// spreadsheets read Cyrillic as mojibake; ``CSVReader`` skips it.
    public func csvBytes(delimiter: CSVDelimiter = .comma, byteOrderMark: Bool = true) -> [UInt8] {
        let text = CSVWriter.bytes(for: rows, delimiter: delimiter)
        return byteOrderMark ? TextEncoding.utf8.byteOrderMark + text : text
    }

    // MARK: - Completeness

    /// The items each person is still missing, for persons missing any; empty when the batch is complete.
    public var missingItems: [UUID: [CTAItem]] {
        var missing: [UUID: [CTAItem]] = [:]
        for entry in entries {
            let items = Self.missingItems(of: entry)
            if !items.isEmpty { missing[entry.person.id] = items }
        }
        return missing
    }

    /// The items `entry` is missing, in the order of ``CTAItem/allCases``. A blank value is missing.
    public static func missingItems(of entry: Entry) -> [CTAItem] {
        let identity = entry.person.identity
        let military: Bool =
            switch entry.person.category {
            case .servicemember, .medicalPersonnel, .religiousPersonnel: true
            case .civilian, .journalist, .other: false
            }
        return CTAItem.allCases.filter { item in
            switch item {
            case .surname: identity.name.surname.exportNonBlank == nil
            case .firstNames: identity.name.givenNames.exportNonBlank == nil
            case .rank: military && identity.rank.exportNonBlank == nil
            case .serviceNumber: military && identity.serviceNumber.exportNonBlank == nil
            case .dateOfBirth: identity.dateOfBirth?.precision != .day
            case .placeOfBirth: identity.placeOfBirth.exportNonBlank == nil
            case .dependentPower: identity.dependentPower.exportNonBlank == nil
            case .fatherFirstName: identity.fatherFirstName.exportNonBlank == nil
            case .mothersMaidenName: identity.mothersMaidenName.exportNonBlank == nil
            case .personToBeInformed: identity.nextOfKin?.name.exportNonBlank == nil
            case .addressOfPersonToBeInformed: identity.nextOfKin?.address.exportNonBlank == nil
            case .correspondenceAddress: entry.correspondenceAddress.exportNonBlank == nil
            }
        }
    }

    // MARK: - Checksum

    /// A checksum of `bytes` to record with what was sent: `fnv1a64:` and 16 lower-case hex digits.
    ///
    /// FNV-1a (64-bit) is not a cryptographic hash: it tells two versions of a batch apart and
    /// detects accidental changes, but anyone can make a different file with the same value.
    /// Where tampering matters, hash the same bytes with SHA-256 where swift-crypto is available
    /// (the storage layer), and keep this for display.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
