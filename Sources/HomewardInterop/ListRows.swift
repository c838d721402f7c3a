import HomewardCore

/// Something wrong with one cell of a list, said so that a person can find it in the file.
public struct ListRowProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        /// The row cannot be imported as it is; nothing of the list is imported until it is fixed.
        case error
        /// The row is imported, and what could not be read is kept as written.
        case warning
    }

    public var severity: Severity
    public var row: Int
    /// The header of the column, or empty when the problem is the row's as a whole.
    public var column: String
    /// Where the column is: its letter in a spreadsheet, its number in a CSV file.
    public var columnPosition: String
    public var message: String

    public init(severity: Severity, row: Int, column: String, columnPosition: String, message: String) {
        self.severity = severity
        self.row = row
        self.column = column
        self.columnPosition = columnPosition
        self.message = message
    }

    public var description: String {
        column.isEmpty
            ? "row \(row): \(message)" : "row \(row), column \(columnPosition) '\(column)': \(message)"
    }
}

/// One row of a list read into what the register keeps of it.
public struct ListEntry: Hashable, Sendable {
    public var row: Int
    public var particulars: RecordParticulars
    /// Every cell of the row, under its column's header, as written.
    public var raw: [RawField]
    public var eventDate: PartialDate?
    public var eventPlace: String?
    public var warnings: [ListRowProblem]
}

public enum ListRowOutcome: Hashable, Sendable {
    case entry(ListEntry)
    /// No column the register reads has anything in it; the row holds no statement.
    case blank
    case rejected([ListRowProblem])
}

/// Reads the rows of one list by its column mapping.
public struct ListRowReader: Sendable {
    public typealias NameSplitter = @Sendable (String) -> (surname: String, givenNames: String?, patronymic: String?)?

    public let mapping: ListColumnMapping
    public let format: ListFormat
    /// The language of Cyrillic names whose letters do not tell Ukrainian from Russian.
    public let nameLanguage: NameLanguage
    public let dates: ListDateReader
    /// Takes apart a name written in one cell; the matcher's name tables know which word is which.
    public let splitFullName: NameSplitter

    public init(
        mapping: ListColumnMapping, format: ListFormat, nameLanguage: NameLanguage, dates: ListDateReader,
        splitFullName: @escaping NameSplitter
    ) {
        self.mapping = mapping
        self.format = format
        self.nameLanguage = nameLanguage
        self.dates = dates
        self.splitFullName = splitFullName
    }

    public func read(_ row: CSVRow) -> ListRowOutcome {
        var problems: [ListRowProblem] = []
        func cell(_ field: ListField) -> String? {
            guard let column = mapping.column(of: field), column < row.fields.count else { return nil }
            let value = row.fields[column].trimmingSpaces()
            return value.isEmpty ? nil : value
        }
        func problem(_ severity: ListRowProblem.Severity, _ field: ListField?, _ message: String) {
            let column = field.flatMap { mapping.column(of: $0) }
            problems.append(
                ListRowProblem(
                    severity: severity, row: row.number, column: column.map { columnTitle($0) } ?? "",
                    columnPosition: column.map { ListReader.columnName($0, format: format) } ?? "", message: message))
        }

        guard ListField.allCases.contains(where: { mapping.column(of: $0) != nil && cell($0) != nil }) else {
            return .blank
        }

        var raw: [RawField] = []
        for (index, value) in row.fields.enumerated() where !value.isEmpty {
            raw.append(RawField(column: columnTitle(index), value: value))
        }
        if raw.count > Self.maximumRawCells {
            problem(.error, nil, "the row has \(raw.count) filled cells; at most \(Self.maximumRawCells) are kept")
        }
        for (index, value) in row.fields.enumerated() where value.count > Validator.maxLongTextLength {
            problems.append(
                ListRowProblem(
                    severity: .error, row: row.number, column: columnTitle(index),
                    columnPosition: ListReader.columnName(index, format: format),
                    message: "the cell has \(value.count) characters; at most \(Validator.maxLongTextLength) are kept"))
        }

        var surname = cell(.surname)
        var givenNames = cell(.givenNames)
        var patronymic = cell(.patronymic)
        if surname == nil, let fullName = cell(.fullName) {
            if let parts = splitFullName(fullName) {
                surname = parts.surname
                givenNames = givenNames ?? parts.givenNames
                patronymic = patronymic ?? parts.patronymic
            }
        }
        let nameField: ListField = mapping.column(of: .surname) != nil ? .surname : .fullName
        guard let surname, !surname.isEmpty else {
            problem(.error, nameField, "the row has no name")
            return .rejected(problems)
        }
        for (field, value) in [(nameField, surname), (.givenNames, givenNames), (.patronymic, patronymic)] {
            if let value, value.count > Validator.maxNameLength {
                problem(.error, field, "the name is longer than \(Validator.maxNameLength) characters")
            }
        }
        let name = PersonName(
            surname: surname, givenNames: givenNames, patronymic: patronymic, detectingLanguageWithFallback: nameLanguage)

        var particulars = RecordParticulars(name: name)
        if let text = cell(.dateOfBirth) {
            do {
                particulars.dateOfBirth = try dates.read(text)
                if let date = particulars.dateOfBirth, date.relation(to: dates.today) == .after {
                    problem(.warning, .dateOfBirth, "\(date) is in the future; kept as written only")
                    particulars.dateOfBirth = nil
                    particulars.dateOfBirthText = String(text.prefix(100))
                }
            } catch {
                problem(.warning, .dateOfBirth, "\(error); kept as written")
                particulars.dateOfBirthText = String(text.prefix(100))
            }
        }
        if let text = cell(.sex) {
            particulars.sex = Self.sex(text)
            if particulars.sex == nil { problem(.warning, .sex, "'\(text)' is not a sex the register knows; kept as written") }
        }
        let shortTexts: [(ListField, WritableKeyPath<RecordParticulars, String?>, Int)] = [
            (.placeOfBirth, \.placeOfBirth, Validator.maxShortTextLength),
            (.citizenship, \.citizenship, Validator.maxNameLength),
            (.rank, \.rank, Validator.maxNameLength),
            (.serviceNumber, \.serviceNumber, 50),
            (.unit, \.unit, Validator.maxShortTextLength),
        ]
        for (field, path, limit) in shortTexts {
            guard let value = cell(field) else { continue }
            if value.count > limit {
                problem(.error, field, "the value has \(value.count) characters; at most \(limit) are allowed")
            } else {
                particulars[keyPath: path] = value
            }
        }

        var eventDate: PartialDate?
        if let text = cell(.eventDate) {
            do {
                eventDate = try dates.read(text)
                if let date = eventDate, date.relation(to: dates.today) == .after {
                    problem(.warning, .eventDate, "\(date) is in the future; the event is recorded without a date")
                    eventDate = nil
                }
            } catch {
                problem(.warning, .eventDate, "\(error); the event is recorded without a date")
            }
        }
        var eventPlace = cell(.eventPlace)
        if let place = eventPlace, place.count > Validator.maxShortTextLength {
            problem(.warning, .eventPlace, "the place is longer than \(Validator.maxShortTextLength) characters; left out")
            eventPlace = nil
        }

        if problems.contains(where: { $0.severity == .error }) { return .rejected(problems) }
        return .entry(
            ListEntry(
                row: row.number, particulars: particulars, raw: raw, eventDate: eventDate, eventPlace: eventPlace,
                warnings: problems))
    }

    /// A record keeps at most this many cells (``RecordDraft/validate(today:)``).
    public static let maximumRawCells = 500

    private func columnTitle(_ index: Int) -> String {
        let title = index < mapping.header.count ? mapping.header[index].trimmingSpaces() : ""
        let limited = title.isEmpty ? "column \(ListReader.columnName(index, format: format))" : title
        return String(limited.prefix(Validator.maxNameLength))
    }

    static func sex(_ text: String) -> Sex? {
        switch ListColumnMapping.normalisedHeader(text) {
        case "ч", "чол", "чоловіча", "чоловік", "м", "муж", "мужской", "мужчина", "male", "m", "man": .male
        case "ж", "жін", "жіноча", "жінка", "жен", "женский", "женщина", "female", "f", "woman": .female
        default: nil
        }
    }
}
