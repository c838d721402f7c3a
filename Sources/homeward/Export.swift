import ArgumentParser
import Foundation
import HomewardCore
import HomewardInterop
import HomewardServer
import HomewardStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Writes what the bureau sends out: PFIF 1.4, Art. 122 notification batches, capture cards, CSV.",
        subcommands: [PFIF.self, CTA.self, CaptureCardCommand.self, CSV.self]
    )

    /// Options every export shares: who the bureau is, and the register.
    struct Common: ParsableArguments {
        @Option(help: "The bureau's name, as exports give their author.")
        var bureauName = "National Information Bureau"

        @Option(help: "The domain of Homeward's record identifiers in PFIF (DOMAIN/person.UUID).")
        var recordDomain = "homeward.bureau.example"

        @OptionGroup var storage: StorageOptions

        func exports(_ database: HomewardDatabase) -> BureauExports {
            var exports = BureauExports(register: database.register(actor: "cli:\(NSUserName())"))
            exports.bureauName = bureauName
            exports.recordDomain = recordDomain
            return exports
        }
    }

    struct PFIF: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pfif", abstract: "Every person of one side as PFIF 1.4 XML, with a note per event.")

        @Option(help: "Whose people: own (ours, held or missing) or adversary (those we hold).")
        var affiliation: Affiliation = .own

        @Option(help: "The file to write.")
        var out: String

        @OptionGroup var common: Common

        func run() async throws {
            try await withDatabase(common.storage) { database in
                let count = try await common.exports(database).writePFIF(affiliation: affiliation, to: out)
                print("Wrote \(count) persons to \(out) (PFIF 1.4).")
            }
        }
    }

    struct CTA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cta",
            abstract: "Makes a batch of the GC III Art. 122 notifications not yet made, keeps it, and writes its file.")

        @Option(help: "The file to write (CSV, UTF-8).")
        var out: String

        @Option(help: "Record the batch as sent to this recipient now (e.g. 'ICRC Central Tracing Agency').")
        var sentTo: String?

        @OptionGroup var common: Common

        func run() async throws {
            try await withDatabase(common.storage) { database in
                let exports = common.exports(database)
                guard let (batch, content) = try await exports.makeArticle122Batch(on: Validator(now: Date()).today) else {
                    print("Everyone we hold is in a batch already; nothing was made.")
                    return
                }
                try Data(content.csvBytes()).write(to: URL(fileURLWithPath: out))
                print("Batch \(batch.id): \(batch.persons) persons, written to \(out) (SHA-256 \(batch.checksum)).")
                let missing = content.missingItems.filter { !$0.value.isEmpty }
                if !missing.isEmpty {
                    print("\(missing.count) persons lack items the Convention asks for; the file says what is known.")
                }
                if let sentTo {
                    let sent = try await exports.register.markNotificationSent(batch.id, to: sentTo)
                    print("Recorded as sent to \(sentTo) at \(sent.sentAt?.formatted(.iso8601) ?? "").")
                }
            }
        }
    }

    struct CaptureCardCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "capture-card", abstract: "The capture card (GC III Annex IV B) of a person we hold, as printable HTML.")

        @Argument(help: "The person's id.")
        var person: String

        @Option(help: "The file to write (HTML).")
        var out: String

        @OptionGroup var common: Common

        func run() async throws {
            guard let id = UUID(uuidString: person) else { throw ValidationError("'\(person)' is not a person's id") }
            try await withDatabase(common.storage) { database in
                let html = try await common.exports(database).captureCard(of: id, on: Validator(now: Date()).today)
                try Data(html.utf8).write(to: URL(fileURLWithPath: out))
                print("Wrote the capture card to \(out); open it in a browser and print it.")
            }
        }
    }

    struct CSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csv", abstract: "Persons as CSV for a spreadsheet, formulas neutralised.")

        @Option(help: "Only one side: own or adversary.")
        var affiliation: Affiliation?

        @Option(help: "Only persons with this status.")
        var status: String?

        @Option(help: "The file to write.")
        var out: String

        @OptionGroup var common: Common

        func run() async throws {
            let statusFilter = try status.map { text in
                guard let status = PersonStatus(rawValue: text) else {
                    throw ValidationError(
                        "--status '\(text)' is not a status; use one of \(PersonStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                return status
            }
            try await withDatabase(common.storage) { database in
                let register = database.register(actor: "cli:\(NSUserName())")
                var writer = try CSVWriter(path: out)
                try writer.writeRow([
                    "id", "surname", "given_names", "patronymic", "date_of_birth", "status", "affiliation", "category", "rank",
                    "service_number", "unit",
                ])
                var offset = 0
                let filter = PersonFilter(affiliation: affiliation, status: statusFilter)
                while true {
                    let page = try await register.persons(filter, offset: offset, limit: 1_000)
                    for person in page.items {
                        let identity = person.identity
                        try writer.writeSpreadsheetSafeRow([
                            person.id.uuidString, identity.name.surname, identity.name.givenNames ?? "",
                            identity.name.patronymic ?? "", identity.dateOfBirth?.description ?? "", person.status.rawValue,
                            person.affiliation.rawValue, person.category.rawValue, identity.rank ?? "",
                            identity.serviceNumber ?? "", identity.unit ?? "",
                        ])
                    }
                    offset += page.items.count
                    if page.items.isEmpty || offset >= page.total { break }
                }
                try writer.close()
                try await register.noteListing(entity: "person", query: "export \(offset) persons as CSV")
                print("Wrote \(offset) persons to \(out).")
            }
        }
    }
}
