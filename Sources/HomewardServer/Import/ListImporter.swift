import Foundation
import HomewardCore
import HomewardInterop
import HomewardMatching
import HomewardStore

/// Where a list's bytes are: a file on disk (read as a stream, however large) or an upload.
public enum ListInput: Sendable {
    case file(path: String)
    case upload(name: String, bytes: [UInt8])

    public var name: String {
        switch self {
        case .file(let path): URL(fileURLWithPath: path).lastPathComponent
        case .upload(let name, _): name
        }
    }

    func reader(_ options: ListReadOptions) throws(CSVError) -> ListReader {
        switch self {
        case .file(let path): try ListReader(path: path, options: options)
        case .upload(_, let bytes): try ListReader(bytes: bytes, options: options)
        }
    }

    func checksum() throws -> String {
        switch self {
        case .file(let path): try Secrets.sha256Hex(ofFileAt: path)
        case .upload(_, let bytes): Secrets.sha256Hex(bytes: bytes)
        }
    }
}

/// How a list is to be read and what it is.
public struct ListImportOptions: Sendable {
    public var sourceKind: SourceKind
    public var sourceTitle: String?
    public var reliability: Reliability?
    /// Whose people the list names; by default the kind of source tells.
    public var affiliation: Affiliation?
    public var category: PersonCategory = .servicemember
    /// The event every row reports; by default the kind of source tells, `.some(nil)` records none.
    public var event: EventKind??
    public var read = ListReadOptions()
    /// `COLUMN=FIELD` corrections of the recognised columns.
    public var columnCorrections: [String] = []

    public init(sourceKind: SourceKind) {
        self.sourceKind = sourceKind
    }

    var resolvedAffiliation: Affiliation { affiliation ?? (sourceKind == .ownRegistration ? .adversary : .own) }

    /// The people we hold are registered at capture; everyone else on a list is ours, reported by
    /// the side that holds them, by those who saw them, or missed by their families.
    var resolvedEvent: EventKind? {
        if let event { return event }
        return switch sourceKind {
        case .adversaryList, .returneeTestimony, .openSource: .captivityReported
        case .icrcNotification: .captivityConfirmed
        case .relativeApplication: .lastSeen
        case .ownRegistration: .captured
        case .officialDocument: nil
        }
    }

    var resolvedReliability: Reliability {
        if let reliability { return reliability }
        return switch sourceKind {
        case .icrcNotification, .ownRegistration, .officialDocument: .completelyReliable
        case .adversaryList, .relativeApplication: .usuallyReliable
        case .returneeTestimony: .fairlyReliable
        case .openSource: .cannotBeJudged
        }
    }

    /// How far a row of such a source is believed.
    var credibility: Credibility {
        switch sourceKind {
        case .icrcNotification, .ownRegistration, .officialDocument: .confirmed
        case .adversaryList, .relativeApplication: .probablyTrue
        case .returneeTestimony: .possiblyTrue
        case .openSource: .cannotBeJudged
        }
    }

    /// Cyrillic names whose letters fit both languages are read as the language of whoever wrote the list.
    var nameLanguage: NameLanguage { sourceKind == .adversaryList ? .russian : .ukrainian }
}

/// What the register would do with one row.
public enum ListRowDecision: Hashable, Sendable {
    case newPerson
    /// Another row of this list names the same person, who is new to the register.
    case sameAsRow(Int)
    case knownPerson(UUID, probability: Double)
    /// Close to a known person but not close enough: the row is kept for no one and the pair is
    /// put before an analyst.
    case review(UUID, probability: Double)
}

/// A list read and matched, before anything is written.
public struct ListPreview: Sendable {
    public struct Row: Hashable, Sendable {
        public var row: Int
        public var name: String
        public var dateOfBirth: String
        public var decision: ListRowDecision
    }

    public var file: ListFile
    public var format: ListFormat
    public var encoding: TextEncoding?
    public var delimiter: CSVDelimiter?
    public var mapping: ListColumnMapping
    /// Rows after the header, blank ones included.
    public var dataRows: Int
    public var blankRows: Int
    public var entries: Int
    public var errorCount: Int
    public var warningCount: Int
    /// The first problems, at most ``ListImporter/problemsShown`` of each kind.
    public var errors: [ListRowProblem]
    public var warnings: [ListRowProblem]
    public var newPersons: Int
    public var knownPersonRows: Int
    public var reviewRows: Int
    /// Every readable row's decision, in file order.
    public var rows: [Row]
    /// Set when this very file was imported before.
    public var previousImport: ListImport?

    public var canCommit: Bool { errorCount == 0 && previousImport == nil && entries > 0 }
}

/// Why a list could not be read at all.
public struct ListImportError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String

    public var description: String { "\(file): \(message)" }
}

/// Reads a list, matches every row against the register, shows what it would do, and does it.
///
/// A preview reads the file once, keeping a few numbers per row and never the rows themselves;
/// committing reads it again, checks it is the same file, and writes the rows batch by batch
/// inside one transaction, so that a list of any length is imported whole or not at all.
public struct ListImporter: Sendable {
    public let database: HomewardDatabase
    public let actor: String
    public var settings = LinkageSettings()
    public var clock: @Sendable () -> Date = Date.init

    public static let problemsShown = 200
    static let rowsPerBatch = 2_000

    public init(database: HomewardDatabase, actor: String) {
        self.database = database
        self.actor = actor
    }

    /// Reads and matches the list; writes nothing.
    public func preview(
        _ input: ListInput, options: ListImportOptions, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> ListPreview {
        try await plan(input, options: options, matching: true, progress: progress).preview
    }

    /// Reads and checks every row without matching: holds nothing per row, so a list of any
    /// length is checked in the same memory. The preview's decisions are left empty.
    public func check(
        _ input: ListInput, options: ListImportOptions, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> ListPreview {
        try await plan(input, options: options, matching: false, progress: progress).preview
    }

    /// Imports the list if it can be imported whole; returns the preview it acted on and what was done.
    public func commit(
        _ input: ListInput, options: ListImportOptions, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> (ListPreview, ListImportResult?) {
        let plan = try await plan(input, options: options, matching: true, progress: progress)
        if let previous = plan.preview.previousImport { return (plan.preview, .alreadyImported(previous)) }
        guard plan.preview.canCommit else { return (plan.preview, nil) }
        progress("writing \(plan.preview.entries) records")
        let register = database.register(actor: actor, clock: clock)
        let sourceID = UUID()
        let source = SourceDraft(
            kind: options.sourceKind, title: options.sourceTitle ?? plan.preview.file.name,
            reliability: options.resolvedReliability, receivedOn: Validator(now: clock()).today,
            reference: "\(plan.preview.file.name) (SHA-256 \(plan.preview.file.checksum))")
        let content = ListImportContent(
            file: plan.preview.file, sourceID: sourceID, source: source, candidates: plan.candidates,
            linkedRecords: plan.preview.knownPersonRows, reviewRecords: plan.preview.reviewRows)
        let result = try await register.importList(content) { sink in
            try await writeRows(plan, input: input, options: options, sourceID: sourceID, into: sink)
        }
        return (plan.preview, result)
    }

    // MARK: Planning

    /// The preview, and what committing needs that a person does not: each row's record and
    /// person identifiers, and the pairs for review.
    struct Plan: Sendable {
        var preview: ListPreview
        /// By row number.
        var recordIDs: [Int: UUID]
        var personIDs: [Int: UUID]
        /// The persons this list brings to the register, as opposed to those it names again.
        var newPersonIDs: Set<UUID>
        var candidates: [CandidateDraft]
    }

    func rowReader(_ mapping: ListColumnMapping, format: ListFormat, options: ListImportOptions) -> ListRowReader {
        let parser = FullNameParser(isGivenName: Self.isGivenName)
        return ListRowReader(
            mapping: mapping, format: format, nameLanguage: options.nameLanguage,
            dates: ListDateReader(today: Validator(now: clock()).today),
            splitFullName: { Self.split($0, parser: parser) })
    }

    /// A list's reader, past the header, and how its columns are read.
    struct OpenList: ~Copyable {
        var reader: ListReader
        let mapping: ListColumnMapping
    }

    func openList(_ input: ListInput, options: ListImportOptions) throws -> OpenList {
        var reader: ListReader
        do {
            reader = try input.reader(options.read)
        } catch {
            throw ListImportError(file: input.name, message: error.description)
        }
        let header: [String]
        do {
            guard let read = try reader.readHeader() else {
                throw ListImportError(file: input.name, message: "the file holds no rows, not even a header")
            }
            header = read
        } catch let error as CSVError {
            throw ListImportError(file: input.name, message: error.description)
        }
        var mapping = ListColumnMapping(recognising: header)
        do {
            try mapping.apply(corrections: options.columnCorrections)
            try mapping.checkReadable()
        } catch {
            throw ListImportError(file: input.name, message: error.description)
        }
        return OpenList(reader: reader, mapping: mapping)
    }

    func plan(
        _ input: ListInput, options: ListImportOptions, matching: Bool, progress: @Sendable (String) -> Void
    ) async throws -> Plan {
        let checksum = try input.checksum()
        let register = database.register(actor: actor, clock: clock)
        let previous = try await register.listImport(checksum: checksum)

        progress("reading \(input.name)")
        var list = try openList(input, options: options)
        let mapping = list.mapping
        let format = list.reader.format
        let rowReader = rowReader(mapping, format: format, options: options)
        var dataRows = 0
        var blankRows = 0
        var errors: [ListRowProblem] = []
        var warnings: [ListRowProblem] = []
        var errorCount = 0
        var warningCount = 0
        var listInputs: [MatchInput] = []
        var rows: [ListPreview.Row] = []
        var entries = 0
        while true {
            let next: CSVRow?
            do {
                next = try list.reader.nextRow()
            } catch {
                throw ListImportError(file: input.name, message: error.description)
            }
            guard let row = next else { break }
            dataRows += 1
            switch rowReader.read(row) {
            case .blank:
                blankRows += 1
            case .rejected(let problems):
                for problem in problems {
                    if problem.severity == .error {
                        errorCount += 1
                        if errors.count < Self.problemsShown { errors.append(problem) }
                    } else {
                        warningCount += 1
                        if warnings.count < Self.problemsShown { warnings.append(problem) }
                    }
                }
            case .entry(let entry):
                entries += 1
                warningCount += entry.warnings.count
                warnings += entry.warnings.prefix(max(0, Self.problemsShown - warnings.count))
                guard matching else { continue }
                listInputs.append(Self.matchInput(entry))
                rows.append(
                    ListPreview.Row(
                        row: entry.row, name: entry.particulars.name.fullName,
                        dateOfBirth: entry.particulars.dateOfBirth?.description ?? entry.particulars.dateOfBirthText ?? "",
                        decision: .newPerson))
            }
        }
        let file = ListFile(
            name: input.name, checksum: checksum, format: format.rawValue, encoding: list.reader.encoding?.rawValue,
            rows: dataRows)

        var plan = Plan(
            preview: ListPreview(
                file: file, format: format, encoding: list.reader.encoding, delimiter: list.reader.delimiter, mapping: mapping,
                dataRows: dataRows, blankRows: blankRows, entries: entries, errorCount: errorCount,
                warningCount: warningCount, errors: errors, warnings: warnings, newPersons: 0, knownPersonRows: 0,
                reviewRows: 0, rows: rows, previousImport: previous),
            recordIDs: [:], personIDs: [:], newPersonIDs: [], candidates: [])
        // A file imported before is not matched again: committing it adds nothing whatever the matcher says.
        guard matching, previous == nil, !rows.isEmpty else { return plan }
        try await match(listInputs, into: &plan, options: options, progress: progress)
        return plan
    }

    /// Decides every row: the person it names, if the register knows them; a new person, shared
    /// with the rows of this list that name the same one; or a pair for review.
    func match(
        _ listInputs: [MatchInput], into plan: inout Plan, options: ListImportOptions,
        progress: @Sendable (String) -> Void
    ) async throws {
        progress("reading the register's records for matching")
        let register = database.register(actor: actor, clock: clock)
        let known = try await register.recordsForMatching().filter { $0.personID != nil }
        let registerInputs = known.map(DuplicateFinder.input)
        var settings = self.settings
        settings.reportFloor = settings.reviewFloor
        let linker = Linker(knowledge: .standard, settings: settings)
        let result = await linker.link(listInputs, against: registerInputs, progress: progress)

        let firstNew = registerInputs.count
        let threshold = Float(settings.threshold)
        let reviewFloor = Float(settings.reviewFloor)
        // Each new row's likeliest known record, and whether it clears the threshold.
        var bestKnown = [(record: Int, probability: Float)?](repeating: nil, count: listInputs.count)
        for batch in result.batches {
            for index in batch.left.indices {
                let (left, right, probability) = (Int(batch.left[index]), Int(batch.right[index]), batch.probability[index])
                guard probability >= reviewFloor, left < firstNew, right >= firstNew else { continue }
                let row = right - firstNew
                if bestKnown[row].map({ probability > $0.probability }) ?? true { bestKnown[row] = (left, probability) }
            }
        }
        // Rows of one cluster are one person: the known person their best pairs agree on, or a new one.
        // Rows that repeat another word for word are the same statement twice, however few rows
        // the model had to learn from.
        var clusterOf = listInputs.indices.map { Int(result.clusters[firstNew + $0]) }
        var firstWithParticulars: [MatchInput: Int] = [:]
        var merged: [Int: Int] = [:]
        func root(_ cluster: Int) -> Int {
            var current = cluster
            while let next = merged[current] { current = next }
            return current
        }
        for row in listInputs.indices {
            var particulars = listInputs[row]
            particulars.id = ""
            if let first = firstWithParticulars[particulars] {
                let (mine, theirs) = (root(clusterOf[row]), root(clusterOf[first]))
                if mine != theirs { merged[mine] = theirs }
            } else {
                firstWithParticulars[particulars] = row
            }
        }
        for row in listInputs.indices { clusterOf[row] = root(clusterOf[row]) }
        var rowsByCluster: [Int: [Int]] = [:]
        for row in listInputs.indices { rowsByCluster[clusterOf[row], default: []].append(row) }
        var decisions = [ListRowDecision](repeating: .newPerson, count: listInputs.count)
        for (_, members) in rowsByCluster.sorted(by: { $0.value[0] < $1.value[0] }) {
            let confident = Set(
                members.compactMap { row in
                    bestKnown[row].flatMap { $0.probability >= threshold ? known[$0.record].personID : nil }
                })
            if confident.count == 1, let person = confident.first {
                for row in members {
                    decisions[row] = .knownPerson(person, probability: Double(bestKnown[row]?.probability ?? threshold))
                }
                continue
            }
            let doubtful = members.contains { bestKnown[$0] != nil }
            if confident.count > 1 || doubtful {
                for row in members {
                    if let best = bestKnown[row], let person = known[best.record].personID {
                        decisions[row] = .review(person, probability: Double(best.probability))
                    } else if let other = members.first(where: { bestKnown[$0] != nil }),
                        let best = bestKnown[other], let person = known[best.record].personID
                    {
                        decisions[row] = .review(person, probability: Double(best.probability))
                    }
                }
                continue
            }
            for row in members.dropFirst() { decisions[row] = .sameAsRow(plan.preview.rows[members[0]].row) }
        }

        progress("explaining the pairs for review")
        for (index, decision) in decisions.enumerated() {
            let rowNumber = plan.preview.rows[index].row
            plan.preview.rows[index].decision = decision
            let recordID = UUID()
            plan.recordIDs[rowNumber] = recordID
            switch decision {
            case .newPerson:
                let person = UUID()
                plan.preview.newPersons += 1
                plan.personIDs[rowNumber] = person
                plan.newPersonIDs.insert(person)
            case .sameAsRow(let first):
                plan.personIDs[rowNumber] = plan.personIDs[first]
            case .knownPerson(let person, _):
                plan.preview.knownPersonRows += 1
                plan.personIDs[rowNumber] = person
            case .review(let person, let probability):
                plan.preview.reviewRows += 1
                guard let best = bestKnown[index] ?? bestRecord(of: person, in: known) else { continue }
                let explanation = linker.explain(registerInputs[best.record], listInputs[index], model: result.model)
                plan.candidates.append(
                    CandidateDraft(
                        left: known[best.record].id, right: recordID, probability: probability,
                        // A record of no one has no status: it differs from the known person's whatever theirs is.
                        priority: DuplicateFinder.priority(
                            probability: probability, rightIsUnlinked: true, statusesDiffer: true),
                        evidence: explanation.contributions.map {
                            FieldEvidence(field: "\($0.field)", level: $0.level, weight: $0.weight)
                        },
                        limit: explanation.limit))
            }
        }
    }

    private func bestRecord(of person: UUID, in known: [RecordForMatching]) -> (record: Int, probability: Float)? {
        known.firstIndex { $0.personID == person }.map { ($0, 0) }
    }

    // MARK: Writing

    func writeRows(
        _ plan: Plan, input: ListInput, options: ListImportOptions, sourceID: UUID, into sink: ListImportRows
    ) async throws {
        guard try input.checksum() == plan.preview.file.checksum else {
            throw ListImportError(file: input.name, message: "the file changed while it was being imported; nothing was written")
        }
        var list = try openList(input, options: options)
        let rowReader = rowReader(list.mapping, format: list.reader.format, options: options)
        let affiliation = options.resolvedAffiliation
        let event = options.resolvedEvent
        var batch = RegisterBatch()
        var createdPersons = Set<UUID>()
        var written = 0
        while let row = try list.reader.nextRow() {
            guard case .entry(let entry) = rowReader.read(row) else { continue }
            guard let recordID = plan.recordIDs[entry.row] else {
                throw ListImportError(file: input.name, message: "row \(entry.row) was not in the preview; nothing was written")
            }
            let personID = plan.personIDs[entry.row]
            if let personID, plan.newPersonIDs.contains(personID), createdPersons.insert(personID).inserted {
                let particulars = entry.particulars
                batch.addPerson(
                    PersonDraft(
                        affiliation: affiliation, category: options.category,
                        identity: PersonIdentity(
                            name: particulars.name, sex: particulars.sex, dateOfBirth: particulars.dateOfBirth,
                            placeOfBirth: particulars.placeOfBirth, citizenship: particulars.citizenship,
                            rank: particulars.rank, serviceNumber: particulars.serviceNumber, unit: particulars.unit)),
                    id: personID)
            }
            batch.addRecord(
                RecordDraft(
                    sourceID: sourceID, personID: personID, rowNumber: entry.row, particulars: entry.particulars,
                    raw: entry.raw),
                id: recordID)
            if let event, let personID {
                batch.addEvent(
                    EventDraft(
                        kind: event, date: entry.eventDate, place: entry.eventPlace, sourceID: sourceID,
                        recordID: recordID, credibility: options.credibility),
                    to: personID)
            }
            written += 1
            if batch.records.count >= Self.rowsPerBatch {
                try await sink.write(batch)
                batch = RegisterBatch()
            }
        }
        if !batch.isEmpty { try await sink.write(batch) }
        guard written == plan.preview.entries else {
            throw ListImportError(
                file: input.name,
                message: "reading the file again gave \(written) rows instead of \(plan.preview.entries); nothing was written")
        }
    }

    // MARK: Reading rows

    static func matchInput(_ entry: ListEntry) -> MatchInput {
        let particulars = entry.particulars
        return MatchInput(
            id: "row-\(entry.row)", surname: particulars.name.surname, givenName: particulars.name.givenNames ?? "",
            patronymic: particulars.name.patronymic ?? "", dateOfBirth: particulars.dateOfBirth?.description ?? "",
            placeOfBirth: particulars.placeOfBirth ?? "", serviceNumber: particulars.serviceNumber ?? "",
            unit: particulars.unit ?? "")
    }

    /// Takes a whole name apart with the matcher's parser, which decides each word's role, and
    /// gives back the words as written.
    /// Whether a normalised word is a given name: in Cyrillic as the name tables have it, in Latin
    /// as the national romanisations write those names ("Andrii", "Aleksandr"), so that a Latin
    /// list's "Kovalenko Andrii" is not read surname-last.
    static func isGivenName(_ word: String) -> Bool {
        !NameKnowledge.standard.givenNameForms(of: word).isEmpty || latinGivenNames.contains(word)
    }

    static let latinGivenNames: Set<String> = {
        var names = Set<String>()
        for name in NameKnowledge.standard.givenNames {
            names.insert(NameNormaliser.normalise(Transliteration.latin(name.ukrainian, from: .ukrainian)))
            names.insert(NameNormaliser.normalise(Transliteration.latin(name.russian, from: .russian)))
        }
        return names
    }()

    static func split(_ fullName: String, parser: FullNameParser) -> (surname: String, givenNames: String?, patronymic: String?)?
    {
        let words = fullName.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return nil }
        let parsed = parser.parse(fullName)
        var unused = words
        func take(_ normalised: String?) -> String? {
            guard let normalised, let index = unused.firstIndex(where: { NameNormaliser.normalise($0) == normalised }) else {
                return nil
            }
            return unused.remove(at: index)
        }
        let surname = take(parsed.surname)
        let patronymic = take(parsed.patronymic)
        // Given names and initials keep their order in the cell.
        let givenNames = unused.joined(separator: " ")
        guard let surname else { return (words[0], words.count > 1 ? words.dropFirst().joined(separator: " ") : nil, nil) }
        return (surname, givenNames.isEmpty ? nil : givenNames, patronymic)
    }
}
