import Foundation
import HomewardCore
import HomewardInterop
import Testing

@Suite("CTA notification batch")
struct CTANotificationBatchTests {
    let batch = CTANotificationBatch(
        persons: [ExportSamples.smirnov, ExportSamples.shevchenko, ExportSamples.hostile],
        placesOfCapture: [ExportSamples.smirnov.id: "Маріуполь"],
        correspondenceAddresses: [ExportSamples.smirnov.id: "Табір № 1, а/с 17, Львів"]
    )

    @Test("the header is bilingual and covers every Article 122 item")
    func header() {
        let header = CTANotificationBatch.header
        #expect(header.count == 17)
        #expect(header.contains("Прізвище / Surname"))
        #expect(header.contains("Держава, від якої залежить особа / Power on which the person depends"))
        for item in CTAItem.allCases {
            #expect(header.contains { $0.contains(item.ukrainian) && $0.contains(item.english) }, "\(item)")
        }
    }

    @Test("a complete person's row, in the script it was written in, with the romanisation")
    func completeRow() {
        let row = batch.rows[1]
        #expect(
            row
                == [
                    "1", "00000000-0000-4000-8000-000000000001", "Смирнов", "Алексей", "Петрович",
                    "Smirnov Aleksei Petrovich", "младший сержант", "АБ-123456", "1995-03-17", "Курск",
                    "Російська Федерація", "Пётр", "Кузнецова", "Смирнова Ольга (мать)", "Курск, ул. Леніна, 1",
                    "Маріуполь", "Табір № 1, а/с 17, Львів",
                ].map { $0.replacingOccurrences(of: "Леніна", with: "Ленина") })
    }

    @Test("every cell is guarded against formulas")
    func injection() {
        let row = batch.rows[3]
        #expect(row[6] == "'=HYPERLINK(\"http://x\",\"click\")")
        let text = String(decoding: batch.csvBytes(byteOrderMark: false), as: UTF8.self)
        #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""))
        #expect(!text.contains(",=HYPERLINK"))
    }

    @Test("missing items per person, so the batch can be completed before it is sent")
    func missingItems() {
        let missing = batch.missingItems
        #expect(missing[ExportSamples.smirnov.id] == nil)
        // A civilian owes no rank or service number; a date known only to the month is not a full date.
        #expect(
            missing[ExportSamples.shevchenko.id] == [
                .dateOfBirth, .placeOfBirth, .dependentPower, .fatherFirstName, .mothersMaidenName, .personToBeInformed,
                .addressOfPersonToBeInformed, .correspondenceAddress,
            ])
        #expect(missing[ExportSamples.hostile.id]?.contains(.serviceNumber) == false)
        #expect(missing[ExportSamples.hostile.id]?.contains(.dateOfBirth) == true)

        var soldier = ExportSamples.smirnov
        soldier.identity.rank = "  "
        soldier.identity.serviceNumber = nil
        soldier.identity.nextOfKin?.address = nil
        #expect(
            CTANotificationBatch.missingItems(of: .init(person: soldier, correspondenceAddress: "Табір № 1"))
                == [.rank, .serviceNumber, .addressOfPersonToBeInformed])
    }

    @Test("the CSV reads back, starts with a byte order mark, and keeps one line per person")
    func csvReadsBack() throws {
        var person = ExportSamples.smirnov
        person.identity.placeOfBirth = "Курск,\nРосія"
        let bytes = CTANotificationBatch(persons: [person]).csvBytes(delimiter: .semicolon)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        var reader = CSVReader(bytes: bytes, options: .init(delimiter: .semicolon))
        var rows: [[String]] = []
        while let row = try reader.nextRow() { rows.append(row.fields) }
        #expect(rows.count == 2)
        #expect(rows[0] == CTANotificationBatch.header)
        #expect(rows[1][9] == "Курск,; Росія")
    }

    @Test("the checksum is FNV-1a 64 of the bytes sent")
    func checksum() {
        #expect(CTANotificationBatch.checksum([]) == "fnv1a64:cbf29ce484222325")
        #expect(CTANotificationBatch.checksum(Array("a".utf8)) == "fnv1a64:af63dc4c8601ec8c")
        #expect(CTANotificationBatch.checksum(Array("foobar".utf8)) == "fnv1a64:85944171f73967e8")
        let bytes = batch.csvBytes()
        #expect(CTANotificationBatch.checksum(bytes) == CTANotificationBatch.checksum(batch.csvBytes()))
        var changed = batch
        changed.entries[0].correspondenceAddress = "Табір № 2"
        #expect(CTANotificationBatch.checksum(changed.csvBytes()) != CTANotificationBatch.checksum(bytes))
    }
}
