import Foundation
import HomewardCore

/// One person to export as PFIF, with what is said about their fate.
public struct PFIFEntry: Hashable, Sendable {
    public var person: Person
    /// The person's events, in any order; they are written in the order they happened. Events
    /// about another person are left out rather than attributed to this one.
    public var events: [Event]
    /// Other spellings sources gave for the person, in any script; each is written with its
    /// romanisation as an alternate name.
    public var otherNames: [PersonName]
    /// The person's home city, when known.
    public var homeCity: String?
    /// The home country as an ISO 3166-1 alpha-2 code ("UA"). When `nil`, the citizenship is used
    /// if it is such a code; anything else is left out, because PFIF allows nothing else there.
    public var homeCountry: String?

    public init(
        person: Person,
        events: [Event] = [],
        otherNames: [PersonName] = [],
        homeCity: String? = nil,
        homeCountry: String? = nil
    ) {
        self.person = person
        self.events = events
        self.otherNames = otherNames
        self.homeCity = homeCity
        self.homeCountry = homeCountry
    }
}

/// The `status` of a PFIF note: what its author believes about the person.
public enum PFIFNoteStatus: String, Sendable, CaseIterable {
    case informationSought = "information_sought"
    case isNoteAuthor = "is_note_author"
    case believedAlive = "believed_alive"
    case believedMissing = "believed_missing"
    case believedDead = "believed_dead"

    /// What an event of this kind says about the person's fate, or `nil` when it says nothing
    /// (an identification, a retraction).
    public init?(_ kind: EventKind) {
        switch kind {
        case .captured, .captivityReported, .captivityConfirmed, .heldAt, .transferred, .hospitalised, .healthReport,
            .visitedByICRC, .released, .exchanged, .repatriated, .escaped, .refusedRepatriation:
            self = .believedAlive
        case .lastSeen: self = .believedMissing
        case .died, .remainsReturned: self = .believedDead
        case .identified, .retraction: return nil
        }
    }
}

public enum PFIFExportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Record identifiers start with the exporting repository's domain name (RFC 1034 labels).
    case invalidDomain(String)

    public var description: String {
        switch self {
        case .invalidDomain(let domain):
            "'\(domain)' is not a domain name (letters, digits and hyphens in dot-separated labels,"
                + " each starting with a letter); PFIF record identifiers must start with one"
        }
    }
}

/// Writes the register as PFIF 1.4 (People Finder Interchange Format, http://zesty.ca/pfif/1.4),
/// the format people-finder repositories and tracing services exchange records in.
///
/// Each person becomes a `<pfif:person>` and each of their events a `<pfif:note>` nested in it
/// (carrying the person's `person_record_id` as well). Fields are written in the order of the
/// PFIF 1.4 data model and empty fields are left out.
///
/// - Person: `entry_date` and `source_date` are the person's last change (the bureau is the
///   record's original repository, and PFIF takes the later `source_date` as the newer version);
///   `full_name` is surname first as registers write it; `given_name` is the given names followed
///   by the patronymic (PFIF has no middle-name field); `alternate_names` holds the romanisation and
///   every other spelling, one per line; `description` the category, rank, unit, service number and
///   place of birth in words. Next of kin and parents' names are never exported.
/// - Note: `entry_date` is when the bureau recorded the event, `source_date` the first moment of
///   its (possibly partial) date or, undated, when it was recorded. `status` follows
///   ``PFIFNoteStatus/init(_:)``, except that an event a later event corrects carries no status:
///   readers take the newest status, and a withdrawn statement must not stand as one.
public struct PFIFExporter: Hashable, Sendable {
    public static let namespace = "http://zesty.ca/pfif/1.4"

    /// The domain that starts every record identifier: the bureau's own.
    public let domain: String
    /// The `author_name` of every record: the bureau's name.
    public var authorName: String
    /// The `source_name` of person records; the bureau's name unless given.
    public var sourceName: String
    /// Whether an event's free-text note goes into the PFIF note. Off by default: analysts write
    /// internal remarks there that are not meant for a public repository.
    public var includeEventNotes: Bool

    public init(
        domain: String,
        authorName: String,
        sourceName: String? = nil,
        includeEventNotes: Bool = false
    ) throws(PFIFExportError) {
        guard Self.isDomainName(domain) else { throw .invalidDomain(domain) }
        self.domain = domain
        self.authorName = authorName
        self.sourceName = sourceName ?? authorName
        self.includeEventNotes = includeEventNotes
    }

    /// `<domain>/person.<uuid>`, the UUID in lower case.
    public func personRecordID(_ id: UUID) -> String { "\(domain)/person.\(id.uuidString.lowercased())" }

    /// `<domain>/note.<uuid>`, the event's UUID in lower case.
    public func noteRecordID(_ id: UUID) -> String { "\(domain)/note.\(id.uuidString.lowercased())" }

    /// A whole PFIF document, for exports small enough to hold in memory; ``PFIFWriter`` streams
    /// the same bytes to a file.
    public func document(for entries: [PFIFEntry]) -> String {
        var text = Self.documentStart
        for entry in entries { appendPerson(entry, to: &text) }
        text += Self.documentEnd
        return text
    }

    static let documentStart = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pfif:pfif xmlns:pfif=\"\(namespace)\">\n"
    static let documentEnd = "</pfif:pfif>\n"

    // MARK: - Records

    /// Appends one `<pfif:person>` element with its notes.
    func appendPerson(_ entry: PFIFEntry, to text: inout String) {
        let person = entry.person
        let identity = person.identity
        let name = identity.name
        let personID = personRecordID(person.id)
        let changed = ExportDates.utcDateTime(person.updatedAt)
        let indent = "    "

        text += "  <pfif:person>\n"
        Self.appendField("person_record_id", personID, indent: indent, to: &text)
        Self.appendField("entry_date", changed, indent: indent, to: &text)
        Self.appendField("author_name", authorName.exportNonBlank, indent: indent, to: &text)
        Self.appendField("source_name", sourceName.exportNonBlank, indent: indent, to: &text)
        Self.appendField("source_date", changed, indent: indent, to: &text)
        Self.appendField("full_name", name.fullName, indent: indent, to: &text)
        Self.appendField("given_name", Self.givenName(name), indent: indent, to: &text)
        Self.appendField("family_name", name.surname.exportNonBlank, indent: indent, to: &text)
        Self.appendField("alternate_names", Self.alternateNames(entry), indent: indent, to: &text)
        Self.appendField("description", Self.description(of: person), indent: indent, to: &text)
        Self.appendField("sex", identity.sex.map(Self.sex), indent: indent, to: &text)
        Self.appendField("date_of_birth", identity.dateOfBirth?.description, indent: indent, to: &text)
        Self.appendField("home_city", entry.homeCity.exportNonBlank, indent: indent, to: &text)
        Self.appendField("home_country", Self.countryCode(entry.homeCountry ?? identity.citizenship), indent: indent, to: &text)

        let events = entry.events.filter { $0.personID == person.id }
        let corrected = Set(events.compactMap(\.supersedes))
        var correctedBy: [UUID: UUID] = [:]
        for event in events { if let old = event.supersedes, correctedBy[old] == nil { correctedBy[old] = event.id } }
        for event in events.sorted(by: StatusRules.happenedBefore) {
            appendNote(
                event,
                personID: personID,
                superseded: corrected.contains(event.id),
                correctedBy: correctedBy[event.id],
                to: &text
            )
        }
        text += "  </pfif:person>\n"
    }

    private func appendNote(
        _ event: Event,
        personID: String,
        superseded: Bool,
        correctedBy: UUID?,
        to text: inout String
    ) {
        let indent = "      "
        text += "    <pfif:note>\n"
        Self.appendField("note_record_id", noteRecordID(event.id), indent: indent, to: &text)
        Self.appendField("person_record_id", personID, indent: indent, to: &text)
        Self.appendField("entry_date", ExportDates.utcDateTime(event.recordedAt), indent: indent, to: &text)
        Self.appendField("author_name", authorName, indent: indent, to: &text)
        let sourceDate = event.date.map(ExportDates.utcDateTime) ?? ExportDates.utcDateTime(event.recordedAt)
        Self.appendField("source_date", sourceDate, indent: indent, to: &text)
        let status = superseded ? nil : PFIFNoteStatus(event.kind)
        Self.appendField("status", status?.rawValue, indent: indent, to: &text)
        Self.appendField("last_known_location", event.place.exportNonBlank, indent: indent, to: &text)
        Self.appendField("text", noteText(event, correctedBy: correctedBy), indent: indent, to: &text)
        text += "    </pfif:note>\n"
    }

    /// Writes `<pfif:name>value</pfif:name>`, or nothing when the value is missing. Required fields
    /// are always given a value by the callers.
    private static func appendField(_ name: String, _ value: String?, indent: String, to text: inout String) {
        guard let value else { return }
        text += indent
        text += "<pfif:\(name)>"
        text += ExportMarkup.escape(value)
        text += "</pfif:\(name)>\n"
    }

    // MARK: - Field values

    private static func givenName(_ name: PersonName) -> String? {
        [name.givenNames, name.patronymic].compactMap(\.exportNonBlank).joined(separator: " ").exportNonBlank
    }

    /// The romanisation of the name, then every other spelling and its romanisation; each once,
    /// none equal to the full name.
    static func alternateNames(_ entry: PFIFEntry) -> String? {
        let name = entry.person.identity.name
        var seen: Set<String> = [name.fullName]
        var names: [String] = []
        for candidate in [name.latin.fullName] + entry.otherNames.flatMap({ [$0.fullName, $0.latin.fullName] }) {
            // One name per line: a line break inside a name would make two.
            let single = candidate.split(whereSeparator: \.isNewline).joined(separator: " ")
            guard let value = single.exportNonBlank, seen.insert(value).inserted else { continue }
            names.append(value)
        }
        return names.isEmpty ? nil : names.joined(separator: "\n")
    }

    static func description(of person: Person) -> String? {
        let identity = person.identity
        let lines = [
            ("Category", category(person.category)),
            ("Rank", identity.rank.exportNonBlank),
            ("Unit", identity.unit.exportNonBlank),
            ("Service number", identity.serviceNumber.exportNonBlank),
            ("Place of birth", identity.placeOfBirth.exportNonBlank),
        ].compactMap { label, value in value.map { "\(label): \($0)" } }
        return lines.joined(separator: "\n")
    }

    private static func category(_ category: PersonCategory) -> String {
        switch category {
        case .servicemember: "servicemember"
        case .civilian: "civilian"
        case .medicalPersonnel: "medical personnel"
        case .religiousPersonnel: "religious personnel"
        case .journalist: "journalist"
        case .other: "other"
        }
    }

    private static func sex(_ sex: Sex) -> String {
        switch sex {
        case .female: "female"
        case .male: "male"
        }
    }

    /// An ISO 3166-1 alpha-2 code in upper case, or `nil` for anything else ("Україна", "UKR").
    static func countryCode(_ value: String?) -> String? {
        guard let value = value.exportNonBlank?.uppercased(), value.count == 2,
            value.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) })
        else { return nil }
        return value
    }

    /// The event in words, in English (the working language of people-finder repositories and the
    /// ICRC); the place is kept as written.
    func noteText(_ event: Event, correctedBy: UUID?) -> String {
        var sentences: [String] = []
        var what = Self.kindInWords(event.kind)
        if let mode = event.captureMode { what += " (\(Self.captureModeInWords(mode)))" }
        sentences.append(what + ".")
        if let date = event.date {
            sentences.append("Date: \(date).")
        } else {
            sentences.append("Date: unknown (recorded \(ExportDates.utcDateTime(event.recordedAt))).")
        }
        if let place = event.place.exportNonBlank { sentences.append("Place: \(place).") }
        sentences.append("Credibility: \(Self.credibilityInWords(event.credibility)).")
        if let old = event.supersedes { sentences.append("Corrects note \(noteRecordID(old)).") }
        if let newer = correctedBy { sentences.append("Superseded by note \(noteRecordID(newer)).") }
        if includeEventNotes, let note = event.note.exportNonBlank { sentences.append("Note: \(note)") }
        return sentences.joined(separator: " ")
    }

    static func kindInWords(_ kind: EventKind) -> String {
        switch kind {
        case .lastSeen: "Last seen"
        case .captured: "Captured"
        case .captivityReported: "Captivity reported"
        case .captivityConfirmed: "Captivity confirmed by the ICRC"
        case .heldAt: "Held at a place of detention"
        case .transferred: "Transferred"
        case .hospitalised: "Admitted to hospital"
        case .healthReport: "Health report"
        case .visitedByICRC: "Visited by the ICRC"
        case .released: "Released"
        case .exchanged: "Exchanged"
        case .repatriated: "Repatriated"
        case .escaped: "Escaped"
        case .refusedRepatriation: "Refused repatriation"
        case .died: "Died"
        case .remainsReturned: "Remains returned"
        case .identified: "Identified"
        case .retraction: "An earlier statement is withdrawn"
        }
    }

    private static func captureModeInWords(_ mode: CaptureMode) -> String {
        switch mode {
        case .combat: "in combat"
        case .voluntarySurrender: "voluntary surrender"
        case .orderedSurrender: "surrender on orders"
        case .wounded: "while wounded"
        case .encirclement: "in encirclement"
        case .filtration: "at filtration"
        case .other: "other circumstances"
        }
    }

    private static func credibilityInWords(_ credibility: Credibility) -> String {
        switch credibility {
        case .confirmed: "confirmed (1)"
        case .probablyTrue: "probably true (2)"
        case .possiblyTrue: "possibly true (3)"
        case .doubtful: "doubtful (4)"
        case .improbable: "improbable (5)"
        case .cannotBeJudged: "cannot be judged (6)"
        }
    }

    /// Dot-separated RFC 1034 labels: a letter, then letters, digits or hyphens, not ending in a hyphen.
    static func isDomainName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let scalars = Array(label.unicodeScalars)
            guard let first = scalars.first, let last = scalars.last, scalars.count <= 63 else { return false }
            func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
            func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
            return isLetter(first) && (isLetter(last) || isDigit(last))
                && scalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "-" }
        }
    }
}

/// Streams a PFIF document to a file one person at a time, so a register of any size is exported
/// in bounded memory: the text of one person is built, appended to a buffer, and the buffer is
/// written in large blocks.
///
/// The document is complete only after ``close()``, which writes the closing tag: a file left by
/// a failed or abandoned export is not well-formed XML and cannot be mistaken for a whole one.
public struct PFIFWriter: ~Copyable, Sendable {
    public static let defaultBufferCapacity = 1 << 20

    public let exporter: PFIFExporter
    private var output: BufferedFileOutput

    public var path: String { output.path }

    /// Creates the file (or empties it) and writes the start of the document.
    public init(path: String, exporter: PFIFExporter, bufferCapacity: Int = defaultBufferCapacity)
        throws(ExportWriteError)
    {
        var output = try BufferedFileOutput(path: path, capacity: bufferCapacity)
        try output.append(PFIFExporter.documentStart)
        self.exporter = exporter
        self.output = output
    }

    public mutating func write(_ entry: PFIFEntry) throws(ExportWriteError) {
        var text = ""
        exporter.appendPerson(entry, to: &text)
        try output.append(text)
    }

    /// Ends the document, writes what is buffered and closes the file; closing twice does nothing.
    public mutating func close() throws(ExportWriteError) {
        guard output.isOpen else { return }
        try output.append(PFIFExporter.documentEnd)
        try output.close()
    }
}
