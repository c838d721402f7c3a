import ArgumentParser
import Foundation
import HomewardCore
import HomewardInterop
import HomewardServer
import HomewardStore

extension SourceKind: ExpressibleByArgument {}
extension Affiliation: ExpressibleByArgument {}
extension PersonCategory: ExpressibleByArgument {}
extension Reliability: ExpressibleByArgument {}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Imports a list (CSV or XLSX): every row becomes a record of one new source, matched against the register.",
        discussion: """
            The columns are recognised by their headers in Ukrainian, Russian or English (ПІБ, ФИО, Full name, \
            Прізвище, Дата народження, Звание, Service number, …); correct them with --column. A row that names a \
            person the register knows is joined to them, one close to a known person but not certain waits for \
            review, and anyone else becomes a new person. Nothing is written while any row has an error, and the \
            same file (by its SHA-256) is imported once.
            """
    )

    @Argument(help: "The list: a .csv (UTF-8, Windows-1251 or KOI8-U; comma, semicolon or tab) or an .xlsx file.")
    var file: String

    @Option(help: "What the list is: \(SourceKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sourceKind: SourceKind

    @Option(help: "The source's title (default: the file's name).")
    var sourceTitle: String?

    @Option(help: "The source's reliability, A to F (default: by kind of source).")
    var reliability: Reliability?

    @Option(help: "Whose people the list names: own or adversary (default: adversary for own-registration, else own).")
    var affiliation: Affiliation?

    @Option(help: "The category of new persons.")
    var category: PersonCategory = .servicemember

    @Option(help: "The event each row reports, or 'none' (default: by kind of source).")
    var event: String?

    @Option(help: "The file's text encoding: utf-8, windows-1251 or koi8-u (default: detected).")
    var encoding: String?

    @Option(help: "The field separator: comma, semicolon or tab (default: detected).")
    var delimiter: String?

    @Option(
        name: .customLong("column"),
        help:
            "Corrects the recognised columns: 'HEADER=FIELD' or 'POSITION=FIELD', FIELD one of \(ListField.allCases.map(\.rawValue).joined(separator: ", ")) or ignore (may be repeated)."
    )
    var columns: [String] = []

    @Flag(help: "Read, check and match the list, and say what importing it would do, without writing anything.")
    var dryRun = false

    @Flag(
        help:
            "Only read and check the file (encoding, columns, every row): no matching, nothing written, any length in the same memory."
    )
    var check = false

    @Option(help: "How many rows' outcomes to print.")
    var showRows = 20

    @OptionGroup var storage: StorageOptions

    func options() throws -> ListImportOptions {
        var options = ListImportOptions(sourceKind: sourceKind)
        options.sourceTitle = sourceTitle
        options.reliability = reliability
        options.affiliation = affiliation
        options.category = category
        if let event {
            if event == "none" {
                options.event = .some(nil)
            } else if let kind = EventKind(rawValue: event) {
                options.event = kind
            } else {
                throw ValidationError(
                    "--event '\(event)' is not an event; use none or one of \(EventKind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
        if let encoding {
            guard let named = TextEncoding(name: encoding) else {
                throw ValidationError("--encoding '\(encoding)' is not known; use utf-8, windows-1251 or koi8-u")
            }
            options.read.encoding = named
        }
        if let delimiter {
            guard let named = CSVDelimiter.allCases.first(where: { $0.description == delimiter }) else {
                throw ValidationError("--delimiter '\(delimiter)' is not known; use comma, semicolon or tab")
            }
            options.read.delimiter = named
        }
        options.columnCorrections = columns
        return options
    }

    func run() async throws {
        let options = try options()
        guard FileManager.default.isReadableFile(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let started = Date()
        let progress: @Sendable (String) -> Void = { message in
            let seconds = String(format: "%6.1f s", Date().timeIntervalSince(started))
            FileHandle.standardError.write(Data("\(seconds)  \(message)\n".utf8))
        }
        try await withDatabase(storage) { database in
            let importer = ListImporter(database: database, actor: "cli:\(NSUserName())")
            let input = ListInput.file(path: file)
            if check {
                let preview = try await importer.check(input, options: options, progress: progress)
                print(Self.report(preview, showRows: 0, matched: false))
                print(
                    preview.errorCount == 0
                        ? "Checked: every row can be read; nothing was written."
                        : "Checked: nothing was written; this list cannot be imported as it is.")
                return
            }
            if dryRun {
                let preview = try await importer.preview(input, options: options, progress: progress)
                print(Self.report(preview, showRows: showRows))
                print(
                    preview.canCommit
                        ? "Dry run: nothing was written." : "Dry run: nothing was written; this list cannot be imported as it is."
                )
                return
            }
            let (preview, result) = try await importer.commit(input, options: options, progress: progress)
            print(Self.report(preview, showRows: showRows))
            switch result {
            case .imported(let done):
                print(
                    "Imported \(preview.entries) records as source \(done.sourceID): \(done.newPersons) new persons, "
                        + "\(done.linkedRecords) joined to known persons, \(done.reviewRecords) waiting for review "
                        + "(\(String(format: "%.1f", Date().timeIntervalSince(started))) s).")
            case .alreadyImported(let earlier):
                print(Self.alreadyImported(earlier))
            case nil:
                throw CommandFailure("nothing was imported: fix the errors above (or the column mapping) and import again")
            }
        }
    }

    static func alreadyImported(_ earlier: ListImport) -> String {
        "This file was imported already on \(earlier.importedAt.formatted(.iso8601)) by \(earlier.importedBy) "
            + "as source \(earlier.sourceID) (\(earlier.file.rows) rows); nothing was added."
    }

    static func report(_ preview: ListPreview, showRows: Int, matched: Bool = true) -> String {
        var lines: [String] = []
        let file = preview.file
        var reading = "\(file.name): \(file.format.uppercased())"
        if let encoding = preview.encoding { reading += ", \(encoding)" }
        if let delimiter = preview.delimiter { reading += ", \(delimiter)-separated" }
        lines.append(reading + ", SHA-256 \(file.checksum)")
        lines.append("Columns:")
        for (index, title) in preview.mapping.header.enumerated() {
            let position = ListReader.columnName(index, format: preview.format)
            let field = preview.mapping.fields[index].map(\.rawValue) ?? "(kept as written only)"
            lines.append("  \(position.padding(toLength: 4, withPad: " ", startingAt: 0)) \(title) → \(field)")
        }
        lines.append(
            "Rows: \(preview.dataRows) (\(preview.entries) readable, \(preview.blankRows) blank, "
                + "\(preview.errorCount) errors, \(preview.warningCount) warnings)")
        if matched {
            lines.append(
                "Outcome: \(preview.newPersons) new persons, \(preview.knownPersonRows) rows of known persons, "
                    + "\(preview.reviewRows) rows for review, "
                    + "\(preview.entries - preview.newPersons - preview.knownPersonRows - preview.reviewRows) rows repeating another row's new person"
            )
        }
        if let previous = preview.previousImport { lines.append(alreadyImported(previous)) }
        if preview.errorCount > 0 {
            lines.append("Errors (nothing will be imported until they are fixed):")
            lines += preview.errors.map { "  \($0)" }
            if preview.errorCount > preview.errors.count {
                lines.append("  … and \(preview.errorCount - preview.errors.count) more")
            }
        }
        if preview.warningCount > 0 {
            lines.append("Warnings (the rows are imported, the values kept as written):")
            lines += preview.warnings.prefix(20).map { "  \($0)" }
            if preview.warningCount > 20 { lines.append("  … and \(preview.warningCount - 20) more") }
        }
        if showRows > 0, !preview.rows.isEmpty {
            lines.append("Rows:")
            for row in preview.rows.prefix(showRows) {
                lines.append("  row \(row.row): \(row.name) \(row.dateOfBirth) → \(describe(row.decision))")
            }
            if preview.rows.count > showRows { lines.append("  … and \(preview.rows.count - showRows) more") }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ decision: ListRowDecision) -> String {
        switch decision {
        case .newPerson: "new person"
        case .sameAsRow(let row): "the same new person as row \(row)"
        case .knownPerson(let person, let probability):
            "known person \(person) (\(String(format: "%.3f", probability)))"
        case .review(let person, let probability):
            "for review with person \(person) (\(String(format: "%.3f", probability)))"
        }
    }
}
