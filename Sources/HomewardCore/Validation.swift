import Foundation

/// One thing wrong with an input: which field, which rule, and what to do about it.
public struct ValidationIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A dotted path into the input, e.g. `identity.name.surname`.
    public var field: String
    /// A stable rule name a program can act on: `required`, `max-length`, `not-in-future`, …
    public var rule: String
    /// A sentence for a person.
    public var message: String

    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Thrown when an input breaks one or more rules; lists every broken rule, not just the first.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

/// Collects issues while checking an input, so a person sees all of them at once.
public struct Validator: Sendable {
    public private(set) var issues: [ValidationIssue] = []
    /// The day against which "not in the future" is judged; injected so tests are deterministic.
    public let today: PartialDate

    public static let maxNameLength = 200
    public static let maxShortTextLength = 500
    public static let maxLongTextLength = 10_000

    public init(today: PartialDate) { self.today = today }

    public init(now: Date) {
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now)
        self.today = try! PartialDate(year: components.year!, month: components.month!, day: components.day!)
    }

    public mutating func add(_ field: String, _ rule: String, _ message: String) {
        issues.append(ValidationIssue(field: field, rule: rule, message: message))
    }

    public mutating func require(_ value: String?, _ field: String, maxLength: Int = maxNameLength) {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            add(field, "required", "is required")
            return
        }
        text(value, field, maxLength: maxLength)
    }

    public mutating func text(_ value: String?, _ field: String, maxLength: Int = maxShortTextLength) {
        guard let value else { return }
        if value.count > maxLength {
            add(field, "max-length", "is \(value.count) characters long; at most \(maxLength) are allowed")
        }
        let allowsLineBreaks = maxLength >= Self.maxLongTextLength
        if value.unicodeScalars.contains(where: { Self.isForbiddenControl($0, allowingLineBreaks: allowsLineBreaks) }) {
            add(field, "control-characters", "contains control characters")
        }
    }

    public mutating func notInFuture(_ date: PartialDate?, _ field: String) {
        guard let date, date.earliestDay > today.latestDay else { return }
        add(field, "not-in-future", "\(date) is in the future")
    }

    public func finish() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues) }
    }

    private static func isForbiddenControl(_ scalar: Unicode.Scalar, allowingLineBreaks: Bool) -> Bool {
        if allowingLineBreaks, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
        return scalar.properties.generalCategory == .control
    }
}

extension PersonDraft {
    public func validate(today: PartialDate) throws(ValidationError) {
        var validator = Validator(today: today)
        identity.check(into: &validator, prefix: "identity")
        try validator.finish()
    }
}

extension PersonIdentity {
    func check(into validator: inout Validator, prefix: String) {
        name.check(into: &validator, prefix: "\(prefix).name")
        validator.notInFuture(dateOfBirth, "\(prefix).dateOfBirth")
        validator.text(placeOfBirth, "\(prefix).placeOfBirth")
        validator.text(citizenship, "\(prefix).citizenship", maxLength: Validator.maxNameLength)
        validator.text(dependentPower, "\(prefix).dependentPower", maxLength: Validator.maxNameLength)
        validator.text(rank, "\(prefix).rank", maxLength: Validator.maxNameLength)
        validator.text(serviceNumber, "\(prefix).serviceNumber", maxLength: 50)
        validator.text(unit, "\(prefix).unit")
        validator.text(fatherFirstName, "\(prefix).fatherFirstName", maxLength: Validator.maxNameLength)
        validator.text(mothersMaidenName, "\(prefix).mothersMaidenName", maxLength: Validator.maxNameLength)
        if let nextOfKin {
            validator.require(nextOfKin.name, "\(prefix).nextOfKin.name")
            validator.text(nextOfKin.relationship, "\(prefix).nextOfKin.relationship", maxLength: Validator.maxNameLength)
            validator.text(nextOfKin.address, "\(prefix).nextOfKin.address")
            validator.text(nextOfKin.phone, "\(prefix).nextOfKin.phone", maxLength: 50)
        }
    }
}

extension PersonName {
    func check(into validator: inout Validator, prefix: String) {
        validator.require(surname, "\(prefix).surname")
        validator.text(givenNames, "\(prefix).givenNames", maxLength: Validator.maxNameLength)
        validator.text(patronymic, "\(prefix).patronymic", maxLength: Validator.maxNameLength)
    }
}

extension SourceDraft {
    public func validate(today: PartialDate) throws(ValidationError) {
        var validator = Validator(today: today)
        validator.require(title, "title", maxLength: Validator.maxShortTextLength)
        validator.notInFuture(receivedOn, "receivedOn")
        validator.text(reference, "reference")
        validator.text(notes, "notes", maxLength: Validator.maxLongTextLength)
        try validator.finish()
    }
}

extension FacilityDraft {
    public func validate() throws(ValidationError) {
        var validator = Validator(today: try! PartialDate(year: 2200))
        validator.require(name, "name")
        validator.text(location, "location")
        validator.text(notes, "notes", maxLength: Validator.maxLongTextLength)
        try validator.finish()
    }
}

extension RecordDraft {
    public func validate(today: PartialDate) throws(ValidationError) {
        var validator = Validator(today: today)
        particulars.name.check(into: &validator, prefix: "particulars.name")
        validator.notInFuture(particulars.dateOfBirth, "particulars.dateOfBirth")
        validator.text(particulars.dateOfBirthText, "particulars.dateOfBirthText", maxLength: 100)
        validator.text(particulars.placeOfBirth, "particulars.placeOfBirth")
        validator.text(particulars.citizenship, "particulars.citizenship", maxLength: Validator.maxNameLength)
        validator.text(particulars.rank, "particulars.rank", maxLength: Validator.maxNameLength)
        validator.text(particulars.serviceNumber, "particulars.serviceNumber", maxLength: 50)
        validator.text(particulars.unit, "particulars.unit")
        if let rowNumber, rowNumber < 1 { validator.add("rowNumber", "minimum", "must be 1 or more") }
        if raw.count > 500 { validator.add("raw", "max-items", "has \(raw.count) cells; at most 500 are allowed") }
        for (index, field) in raw.enumerated() {
            validator.text(field.column, "raw[\(index)].column", maxLength: Validator.maxNameLength)
            validator.text(field.value, "raw[\(index)].value", maxLength: Validator.maxLongTextLength)
        }
        try validator.finish()
    }
}

extension EventDraft {
    public func validate(today: PartialDate) throws(ValidationError) {
        var validator = Validator(today: today)
        validator.notInFuture(date, "date")
        validator.text(place, "place")
        validator.text(note, "note", maxLength: Validator.maxLongTextLength)
        if captureMode != nil, kind != .captured {
            validator.add("captureMode", "not-allowed", "is only recorded with a 'captured' event")
        }
        if kind == .retraction, supersedes == nil {
            validator.add("supersedes", "required", "a retraction must name the event it withdraws")
        }
        try validator.finish()
    }
}
