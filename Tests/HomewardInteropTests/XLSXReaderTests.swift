import Foundation
import HomewardCore
import HomewardInterop
import Testing

@Suite("XLSXReader: workbooks")
struct XLSXReaderTests {
    @Test("shared strings, inline strings, numbers, booleans, formulas, a gap cell and rich text read as text")
    func cellKinds() throws {
        let workbook = TestWorkbook(
            sheetData: """
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
                <row r="2" spans="1:5"><c r="A2" t="s" s="3"><v>3</v></c><c r="B2" s="1"><v>33116</v></c>\
                <c r="D2" t="inlineStr"><is><t>Київ</t></is></c><c r="E2" t="n"><v>1.0</v></c></row>
                <row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="str"><f>A3&amp;"!"</f><v>Ок!</v></c>\
                <c r="D3" t="e"><v>#N/A</v></c><c r="E3" s="2"/></row>
                """,
            sharedStrings: [
                "<t>ПІБ</t>", "<t>Дата народження</t>", "<t xml:space=\"preserve\">Місце </t>",
                "<t>Шевченко Тарас</t>",
                "<r><rPr><b/></rPr><t>Ґудзь</t></r><r><t xml:space=\"preserve\"> Євген</t></r>",
            ])
        let rows = try readWorkbook(workbook.bytes).get()
        #expect(
            rows == [
                CSVRow(number: 1, fields: ["ПІБ", "Дата народження", "Місце "]),
                CSVRow(number: 2, fields: ["Шевченко Тарас", "33116", "", "Київ", "1.0"]),
                CSVRow(number: 3, fields: ["Ґудзь Євген", "TRUE", "Ок!", "#N/A"]),
            ])
    }

    @Test("row numbers are the spreadsheet's; rows without values are skipped; missing references count on")
    func rowNumbers() throws {
        let workbook = TestWorkbook(
            sheetData: """
                <row r="2"><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>
                <row r="5"/><row r="6"><c r="A6" s="1"/><c r="B6"><v></v></c></row>
                <row><c r="C7"><v>7</v></c></row>
                <row r="12"><c r="B12" t="inlineStr"><is><t>x</t></is></c><c><v>13</v></c></row>
                """)
        let rows = try readWorkbook(workbook.bytes).get()
        #expect(
            rows == [
                CSVRow(number: 2, fields: ["a", "b"]), CSVRow(number: 7, fields: ["", "", "7"]),
                CSVRow(number: 12, fields: ["", "x", "13"]),
            ])
    }

    @Test("references, CDATA, escaped control characters, phonetic runs and namespace prefixes")
    func textDetails() throws {
        var workbook = TestWorkbook(
            sheetData: """
                <x:row r="1" xmlns:x="urn:x"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v> 1 </x:v></x:c>\
                <x:c r="C1" t="inlineStr"><x:is><x:t><![CDATA[<b> & "c"]]></x:t></x:is></x:c></x:row>
                <!-- a comment --><?processing instruction?>
                <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>
                """,
            sharedStrings: [
                "<t>&lt;Коваль&gt; &amp; &quot;син&quot; &apos;1&apos; &#1028;&#x0490;</t>",
                "<t>рядок_x000D_\r\nдругий\rтретій _x005F_x000D_</t>",
                "<r><t>東京</t></r><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh>",
                "<t></t>",
            ])
        workbook.sheetName = "A &amp; B"
        var reader = try XLSXReader(bytes: workbook.bytes)
        #expect(reader.sheetName == "A & B")
        #expect(
            try reader.nextRow()
                == CSVRow(number: 1, fields: ["<Коваль> & \"син\" '1' ЄҐ", "рядок\r\nдругий\nтретій _x000D_", "<b> & \"c\""]))
        #expect(try reader.nextRow() == CSVRow(number: 2, fields: ["東京"]))
        #expect(try reader.nextRow() == nil)
        #expect(try reader.nextRow() == nil)
    }

    @Test("stored entries read as deflated ones do")
    func storedEntries() throws {
        var workbook = TestWorkbook(
            sheetData: "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>", sharedStrings: ["<t>Іван</t>"])
        workbook.method = .stored
        #expect(try readWorkbook(workbook.bytes).get() == [CSVRow(number: 1, fields: ["Іван"])])
    }

    @Test("the first sheet in tab order is read, whatever its part is called")
    func firstSheetInTabOrder() throws {
        let declaration = TestWorkbook.declaration
        let relationships = TestWorkbook.relationshipNamespace
        let entries = [
            TestZIPEntry(
                "xl/workbook.xml",
                declaration + "<workbook xmlns:r=\"\(relationships)\"><sheets>"
                    + "<sheet name=\"Діаграма\" sheetId=\"3\" r:id=\"rId3\"/>"
                    + "<sheet name=\"Перший\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"Другий\" sheetId=\"1\" r:id=\"rId1\"/>"
                    + "</sheets></workbook>"),
            TestZIPEntry(
                "xl/_rels/workbook.xml.rels",
                declaration + "<Relationships>"
                    + "<Relationship Id=\"rId1\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                    + "<Relationship Id=\"rId2\" Type=\"\(relationships)/worksheet\" Target=\"./sheets/../worksheets/Data.xml\"/>"
                    + "<Relationship Id=\"rId3\" Type=\"\(relationships)/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
                    + "<Relationship Id=\"rId9\" Type=\"\(relationships)/hyperlink\" Target=\"http://x\" TargetMode=\"External\"/>"
                    + "</Relationships>"),
            TestZIPEntry(
                "XL/Worksheets/data.xml",
                "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>так</t></is></c></row></sheetData></worksheet>"),
            TestZIPEntry("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>"),
        ]
        var reader = try XLSXReader(bytes: TestZIP.archive(entries))
        #expect(reader.sheetName == "Перший")
        #expect(try reader.nextRow() == CSVRow(number: 1, fields: ["так"]))
        #expect(try reader.nextRow() == nil)
    }

    @Test("a workbook without relationships falls back to the usual part names")
    func fallbackPartNames() throws {
        let entries = [
            TestZIPEntry(
                "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>"),
            TestZIPEntry("xl/sharedStrings.xml", "<sst><si><t>один</t></si></sst>"),
        ]
        #expect(try readWorkbook(TestZIP.archive(entries)).get() == [CSVRow(number: 1, fields: ["один"])])
    }

    @Test("a workbook a spreadsheet library wrote (openpyxl; see Fixtures/make_xlsx_fixture.py)")
    func openpyxlFixture() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/list-openpyxl.xlsx").path
        var reader = try XLSXReader(path: path)
        #expect(reader.sheetName == "Список")
        var rows: [CSVRow] = []
        while let row = try reader.nextRow() { rows.append(row) }
        #expect(
            rows == [
                CSVRow(number: 1, fields: ["ПІБ", "Дата народження", "Особистий номер", "Примітка"]),
                CSVRow(number: 2, fields: ["Шевченко Тарас Григорович", "33116", "1234567", "звільнений"]),
                CSVRow(number: 3, fields: ["Коваленко Ірина", "31049", "42.5"]),
                CSVRow(number: 5, fields: ["Ґудзь Євген", "", "007", "жирний і звичайний"]),
                CSVRow(number: 7, fields: ["рядок після пропуску", "", "", "", "", "TRUE"]),
            ])
    }

    @Test("errors in cells name the row and the column letter")
    func cellErrors() {
        let missingString = TestWorkbook(
            sheetData: "<row r=\"12\"><c r=\"A12\" t=\"s\"><v>0</v></c><c r=\"C12\" t=\"s\"><v>7</v></c></row>",
            sharedStrings: ["<t>a</t>"])
        let error = readWorkbook(missingString.bytes).error
        #expect(error == CSVError(.sharedStringMissing(index: "7"), row: 12, column: 3, format: .xlsx))
        #expect(error?.description.hasPrefix("row 12, column C: ") == true)

        let badReference = TestWorkbook(sheetData: "<row r=\"3\"><c r=\"XFE3\"><v>1</v></c></row>")
        #expect(
            readWorkbook(badReference.bytes).error == CSVError(.invalidCellReference("XFE3"), row: 3, column: 0, format: .xlsx))
        let badRow = TestWorkbook(sheetData: "<row r=\"1048577\"><c><v>1</v></c></row>")
        #expect(readWorkbook(badRow.bytes).error?.problem == .invalidCellReference("1048577"))

        let longText = String(repeating: "Ж", count: 5_000_000)
        // Stored, since text this repetitive deflates past the zip-bomb ratio.
        var longCell = TestWorkbook(
            sheetData: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"AB2\" t=\"s\"><v>0</v></c></row>",
            sharedStrings: ["<t>\(longText)</t>"])
        longCell.method = .stored
        let longError = readWorkbook(longCell.bytes).error
        #expect(longError == CSVError(.fieldTooLarge(limit: 1 << 20), row: 2, column: 28, format: .xlsx))
        #expect(longError?.description.hasPrefix("row 2, column AB: the field is longer") == true)
        var inlineLong = TestWorkbook(sheetData: "<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t>\(longText)</t></is></c></row>")
        inlineLong.method = .stored
        #expect(
            readWorkbook(inlineLong.bytes).error == CSVError(.fieldTooLarge(limit: 1 << 20), row: 4, column: 2, format: .xlsx))
    }

    @Test("malformed XML names the part and the line")
    func malformedXML() {
        let cases: [(sheetData: String, reason: String)] = [
            ("<row r=\"1\"><c><v>1</v></row>", "</row> closes <c>"),
            ("<row r=\"1\"><c><v>1 &nbsp;</v></c></row>", "the reference &nbsp; is not one XML defines"),
            ("<row r=\"1\"><c><v>&#xD800;</v></c></row>", "the character reference &#xD800; is not a character"),
            ("<row r=\"1\"><c r=A1><v>1</v></c></row>", "an attribute value without quotes"),
            ("<row r=\"1\"><c><v>1 & 2</v></c></row>", "an \"&\" that does not start a reference (write it as &amp;)"),
        ]
        for (sheetData, reason) in cases {
            let error = readWorkbook(TestWorkbook(sheetData: sheetData).bytes).error
            #expect(error?.problem == .malformedXML(part: "xl/worksheets/sheet1.xml", line: 3, reason: reason), "\(sheetData)")
            #expect(error?.row == 1)
        }
        let doctype = TestWorkbook(sheetData: "").entries.map { entry in
            var entry = entry
            if entry.name == "xl/workbook.xml" {
                entry.content = Array("<!DOCTYPE lol [<!ENTITY lol \"lol\">]><workbook>&lol;</workbook>".utf8)
            }
            return entry
        }
        #expect(
            readWorkbook(TestZIP.archive(doctype)).error?.problem
                == .malformedXML(part: "xl/workbook.xml", line: 1, reason: "document type declarations are not allowed"))
        let deep = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        #expect(
            readWorkbook(TestWorkbook(sheetData: deep).bytes).error?.description.contains("nested more than 256 deep") == true)
    }

    @Test("archive problems are errors in plain words")
    func archiveErrors() {
        let workbook = TestWorkbook(sheetData: "<row r=\"1\"><c><v>1</v></c></row>")
        func withSheet(_ change: (inout TestZIPEntry) -> Void) -> [UInt8] {
            TestZIP.archive(
                workbook.entries.map { entry in
                    var entry = entry
                    if entry.name == "xl/worksheets/sheet1.xml" { change(&entry) }
                    return entry
                })
        }
        #expect(
            readWorkbook(withSheet { $0.declaredCRC = 1 }).error?.problem
                == .corruptEntry(name: "xl/worksheets/sheet1.xml", reason: "its checksum (CRC-32) does not match its content"))
        #expect(
            readWorkbook(withSheet { $0.declaredSize = 10 }).error?.problem
                == .corruptEntry(name: "xl/worksheets/sheet1.xml", reason: "it unpacks to more than its declared size"))
        #expect(
            readWorkbook(withSheet { $0.declaredMethod = 12 }).error?.problem
                == .unsupportedCompression(entry: "xl/worksheets/sheet1.xml", method: 12))
        #expect(
            readWorkbook(withSheet { $0.flags = 1 }).error?.problem == .unsupportedArchive(feature: "encryption (a password)"))

        let withoutWorkbook = TestZIP.archive([TestZIPEntry("docProps/app.xml", "<Properties/>")])
        #expect(readWorkbook(withoutWorkbook).error?.problem == .missingPart(name: "xl/workbook.xml"))
        let openDocument = TestZIP.archive([TestZIPEntry("mimetype", "x", method: .stored), TestZIPEntry("content.xml", "<a/>")])
        #expect(
            readWorkbook(openDocument).error?.problem == .unsupportedFileFormat(description: "an OpenDocument spreadsheet (.ods)")
        )
        #expect(readWorkbook(Array("ПІБ;Дата\n".utf8)).error?.problem == .notAnXLSXFile)
        #expect(readWorkbook([]).error?.problem == .notAnXLSXFile)

        var zip64 = workbook.bytes
        let endRecord = zip64.count - 22
        zip64[endRecord + 10] = 0xFF
        zip64[endRecord + 11] = 0xFF
        #expect(
            readWorkbook(zip64).error?.problem
                == .unsupportedArchive(feature: "ZIP64 extensions (over 4 GB or over 65,535 parts)"))
    }

    @Test("a zip bomb is refused before it is unpacked, by ratio and by total size")
    func zipBombs() {
        var bomb = TestWorkbook(sheetData: "").entries
        bomb.append(TestZIPEntry("xl/sharedStrings.xml", [UInt8](repeating: 0x20, count: 20 << 20)))
        let error = readWorkbook(TestZIP.archive(bomb)).error
        #expect(error?.problem == .compressionRatioTooHigh(entry: "xl/sharedStrings.xml", limit: 1_000))
        #expect(error?.description.contains("zip bomb") == true)

        let large = TestWorkbook(sheetData: (1...20_000).map { "<row r=\"\($0)\"><c><v>\($0)</v></c></row>" }.joined())
        let limited = XLSXReader.Options(maximumUnpackedSize: 100_000)
        #expect(readWorkbook(large.bytes, options: limited).error?.problem == .archiveTooLarge(limit: 100_000))
        #expect(readWorkbook(large.bytes).value?.count == 20_000)
    }
}

@Suite("XLSXReader: damaged and hostile input")
struct XLSXMalformedInputTests {
    static let workbook = TestWorkbook(
        sheetData: """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
            <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>33116</v></c><c r="D2" t="inlineStr"><is><t>Київ</t></is></c></row>
            """,
        sharedStrings: ["<t>ПІБ</t>", "<t>Дата народження</t>", "<r><t>Шевченко</t></r><r><t> Тарас</t></r>"])

    @Test("a workbook cut short at any byte is an error, never a crash")
    func truncatedEverywhere() {
        let bytes = Self.workbook.bytes
        #expect(readWorkbook(bytes).value?.count == 2)
        for cut in 0..<bytes.count {
            let error = readWorkbook(Array(bytes.prefix(cut))).error
            #expect(error != nil, "cut at \(cut) of \(bytes.count)")
            #expect(error?.format == .xlsx, "cut at \(cut)")
        }
    }

    @Test("random byte changes end in rows or an error", arguments: [TestZIPEntry.Method.deflated, .stored])
    func randomByteFlips(method: TestZIPEntry.Method) {
        var workbook = Self.workbook
        workbook.method = method
        let original = workbook.bytes
        var generator = SplitMix64(seed: method == .stored ? 7 : 11)
        var outcomes = (rows: 0, errors: 0)
        for _ in 0..<1_500 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            switch readWorkbook(bytes) {
            case .success: outcomes.rows += 1
            case .failure: outcomes.errors += 1
            }
        }
        #expect(outcomes.errors > 0)
    }

    @Test("random bytes, with and without a ZIP signature, end in rows or an error")
    func randomGarbage() {
        var generator = SplitMix64(seed: 0x5849_4C53)
        for sample in 0..<500 {
            let length = Int.random(in: 0...600, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if sample.isMultiple(of: 2) { bytes = [0x50, 0x4B, 0x03, 0x04] + bytes }
            if sample.isMultiple(of: 3) {
                bytes += TestZIP.le32(0x0605_4B50) + (0..<18).map { _ in UInt8.random(in: 0...3, using: &generator) }
            }
            _ = readWorkbook(bytes)
            _ = readList(bytes)
        }
    }

    @Test("random XML inside a valid archive ends in rows or an error")
    func randomSheetXML() {
        let pieces = [
            "<row>", "</row>", "<row r=\"3\">", "<c>", "</c>", "<c r=\"B2\" t=\"s\">", "<c t=\"inlineStr\">", "<v>", "</v>",
            "<is>", "</is>", "<t>", "</t>", "0", "1", "Ж", "&amp;", "&#65;", "&", "<", ">", "\"", "/>", "<![CDATA[", "]]>",
            "<!--", "-->", "<?x", "?>", " ", "\n", "<rPh>", "</rPh>",
        ]
        var generator = SplitMix64(seed: 99)
        for _ in 0..<400 {
            let sheetData = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined()
            let workbook = TestWorkbook(sheetData: sheetData, sharedStrings: ["<t>a</t>"])
            if case .failure(let error) = readWorkbook(workbook.bytes) {
                #expect(!error.description.isEmpty)
            }
        }
    }
}
