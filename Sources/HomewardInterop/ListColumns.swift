import Foundation

/// What a column of a received list holds, as far as the register reads it.
///
/// Every column, read or not, is kept in the record's raw cells; these are the ones parsed into
/// the record's particulars or into the event the list reports.
public enum ListField: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Surname, given names and patronymic in one cell, as most lists write them.
    case fullName = "full-name"
    case surname
    case givenNames = "given-names"
    case patronymic
    case dateOfBirth = "date-of-birth"
    case placeOfBirth = "place-of-birth"
    case sex
    case citizenship
    case rank
    case serviceNumber = "service-number"
    case unit
    /// When what the list reports happened: the capture, the disappearance, the registration.
    case eventDate = "event-date"
    case eventPlace = "event-place"

    public var description: String { rawValue }

    /// Headers as Ukrainian, Russian and English lists write them, normalised by ``ListColumnMapping/normalisedHeader(_:)``.
    static let headerSynonyms: [ListField: [String]] = [
        .fullName: [
            "піб", "прізвищеімяпобатькові", "прізвищеімятапобатькові", "прізвищеініціали", "фио", "фамилияимяотчество",
            "фамилияиинициалы", "fullname", "name", "nameinfull", "surnameandname", "surnamefirstname", "імяпрізвище",
            "прізвищеімя", "фамилияимя", "особа", "лицо",
        ],
        .surname: ["прізвище", "фамилия", "surname", "familyname", "lastname"],
        .givenNames: ["імя", "имя", "givenname", "givennames", "firstname", "firstnames", "forename", "forenames"],
        .patronymic: ["побатькові", "отчество", "patronymic", "fathersname", "middlename", "patronym"],
        .dateOfBirth: [
            "датанародження", "датанар", "роківнародження", "рікнародження", "датарождения", "годрождения", "датарожд",
            "дата рождения", "dateofbirth", "dob", "birthdate", "birthday", "yearofbirth", "born", "др", "дн",
        ],
        .placeOfBirth: [
            "місценародження", "месторождения", "placeofbirth", "birthplace", "pob", "placeofbirthcity",
        ],
        .sex: ["стать", "пол", "sex", "gender"],
        .citizenship: ["громадянство", "гражданство", "citizenship", "nationality"],
        .rank: ["звання", "військовезвання", "звание", "воинскоезвание", "rank", "militaryrank"],
        .serviceNumber: [
            "особистийномер", "особовийномер", "номержетона", "жетон", "личныйномер", "номержетона", "servicenumber",
            "serviceno", "servicenum", "militaryid", "militarynumber", "armynumber", "serialnumber", "personalnumber",
        ],
        .unit: [
            "військовачастина", "вч", "частина", "підрозділ", "войсковаячасть", "часть", "подразделение", "unit",
            "militaryunit",
        ],
        .eventDate: [
            "датаполонення", "датазахоплення", "датазникнення", "датапленения", "датазахвата", "датаисчезновения",
            "dateofcapture", "capturedate", "datecaptured", "dateofdisappearance", "datemissing", "lastseendate",
            "датаподії", "датасобытия", "eventdate",
        ],
        .eventPlace: [
            "місцеполонення", "місцезахоплення", "місцезникнення", "местопленения", "местозахвата",
            "местоисчезновения", "placeofcapture", "captureplace", "placecaptured", "lastseenplace",
            "placeofdisappearance", "місцеподії", "местособытия", "eventplace",
        ],
    ]

    static let fieldByHeader: [String: ListField] = {
        var byHeader: [String: ListField] = [:]
        for (field, headers) in headerSynonyms {
            for header in headers { byHeader[ListColumnMapping.normalisedHeader(header)] = field }
        }
        return byHeader
    }()
}

/// Which column of a list holds which field: recognised from the header, corrected by a person.
public struct ListColumnMapping: Sendable, Hashable {
    /// The header as the file gives it, one entry per column.
    public let header: [String]
    /// The field each column is read as; `nil` keeps the column in the raw cells only.
    public private(set) var fields: [ListField?]

    /// Recognises the columns by their headers in Ukrainian, Russian or English.
    public init(recognising header: [String]) {
        self.header = header
        var taken = Set<ListField>()
        fields = header.map { title in
            guard let field = Self.field(forHeader: title), taken.insert(field).inserted else { return nil }
            return field
        }
    }

    /// The field a header names, if it is one the register reads.
    public static func field(forHeader title: String) -> ListField? {
        let header = normalisedHeader(title)
        guard !header.isEmpty else { return nil }
        if let field = ListField.fieldByHeader[header] { return field }
        // "Дата народження (дд.мм.рррр)", "Rank / Звання": a known header followed by a note.
        for (synonym, field) in ListField.fieldByHeader.sorted(by: { $0.key.count > $1.key.count })
        where synonym.count >= 5 && header.hasPrefix(synonym) {
            return field
        }
        return nil
    }

    /// Lower case letters and digits only, apostrophes dropped and ё read as е, so that
    /// "Ім'я", "ІМ’Я" and "имя " compare equal to their synonyms.
    public static func normalisedHeader(_ title: String) -> String {
        String(
            String.UnicodeScalarView(
                title.lowercased().unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
                    if scalar == "ё" { return "е" }
                    return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) ? scalar : nil
                }
            )
        )
    }

    /// The column a field is read from.
    public func column(of field: ListField) -> Int? { fields.firstIndex(of: field) }

    /// Reads `column` as `field` from now on (`nil`: keep it raw only); a field is read from one
    /// column only, so a column that held it before gives it up.
    public mutating func assign(_ field: ListField?, toColumn column: Int) throws(ListMappingError) {
        guard fields.indices.contains(column) else { throw .noSuchColumn(String(column + 1), header: header) }
        if let field, let previous = self.column(of: field) { fields[previous] = nil }
        fields[column] = field
    }

    /// Applies corrections written `COLUMN=FIELD`, where COLUMN is a header or a 1-based
    /// position and FIELD a ``ListField`` name or `ignore`.
    public mutating func apply(corrections: [String]) throws(ListMappingError) {
        for correction in corrections {
            guard let equals = correction.lastIndex(of: "=") else { throw .malformedCorrection(correction) }
            let columnText = correction[..<equals].trimmingCharacters(in: .whitespaces)
            let fieldText = correction[correction.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let field: ListField?
            if fieldText == "ignore" {
                field = nil
            } else if let named = ListField(rawValue: fieldText) {
                field = named
            } else {
                throw .unknownField(fieldText)
            }
            let wanted = Self.normalisedHeader(columnText)
            if let byHeader = header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == columnText })
                ?? header.firstIndex(where: { !wanted.isEmpty && Self.normalisedHeader($0) == wanted })
            {
                try assign(field, toColumn: byHeader)
            } else if let position = Int(columnText), position >= 1 {
                try assign(field, toColumn: position - 1)
            } else {
                throw .noSuchColumn(columnText, header: header)
            }
        }
    }

    /// Whether rows can be read at all: a list without a name column says nothing about anyone.
    public func checkReadable() throws(ListMappingError) {
        guard column(of: .fullName) != nil || column(of: .surname) != nil else { throw .noNameColumn(header: header) }
    }
}

public enum ListMappingError: Error, Hashable, Sendable, CustomStringConvertible {
    case noNameColumn(header: [String])
    case noSuchColumn(String, header: [String])
    case unknownField(String)
    case malformedCorrection(String)

    public var description: String {
        switch self {
        case .noNameColumn(let header):
            "no column holds a name: expected a header such as ПІБ, ФИО, Full name, Прізвище, Фамилия or Surname"
                + " (the header is: \(Self.quoted(header))); name the column with --column 'HEADER=full-name'"
        case .noSuchColumn(let column, let header):
            "the list has no column '\(column)' (the header is: \(Self.quoted(header)))"
        case .unknownField(let field):
            "'\(field)' is not a field; use one of \(ListField.allCases.map(\.rawValue).joined(separator: ", ")) or ignore"
        case .malformedCorrection(let text):
            "'\(text)' is not a column correction; write COLUMN=FIELD, e.g. 'ПІБ=full-name' or '3=ignore'"
        }
    }

    private static func quoted(_ header: [String]) -> String {
        header.map { "'\($0)'" }.joined(separator: ", ")
    }
}
