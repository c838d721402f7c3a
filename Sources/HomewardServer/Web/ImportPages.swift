import Foundation
import HomewardCore
import HomewardInterop
import HomewardStore
import Hummingbird
import Synchronization

/// Lists uploaded through the browser, waiting for their preview to be looked at and committed.
///
/// They live in memory only: a preview can always be made again from the file, and a file that was
/// never committed should not outlive the person's attention. Each belongs to the one who sent it.
final class PendingImports: Sendable {
    struct Upload: Sendable {
        let id: UUID
        let owner: String
        let file: UploadedFile
        var options: ListImportOptions
        let receivedAt: Date
        /// The last preview, with the register's fingerprint when it was made: matching a large
        /// list takes seconds, and a reload of the page should not pay for it again.
        var preview: (ListPreview, fingerprint: String)?
    }

    static let lifetime: TimeInterval = 2 * 3600
    /// What all waiting uploads together may hold; the oldest give way first.
    static let capacity = 256 << 20

    private let uploads = Mutex<[UUID: Upload]>([:])

    func add(_ file: UploadedFile, options: ListImportOptions, owner: String, now: Date) -> UUID {
        let upload = Upload(id: UUID(), owner: owner, file: file, options: options, receivedAt: now)
        uploads.withLock { uploads in
            uploads = uploads.filter { now.timeIntervalSince($0.value.receivedAt) < Self.lifetime }
            var held = uploads.values.reduce(0) { $0 + $1.file.bytes.count } + file.bytes.count
            for old in uploads.values.sorted(by: { $0.receivedAt < $1.receivedAt }) where held > Self.capacity {
                uploads[old.id] = nil
                held -= old.file.bytes.count
            }
            uploads[upload.id] = upload
        }
        return upload.id
    }

    func upload(_ id: UUID, owner: String, now: Date) -> Upload? {
        uploads.withLock { uploads in
            guard let upload = uploads[id], upload.owner == owner,
                now.timeIntervalSince(upload.receivedAt) < Self.lifetime
            else { return nil }
            return upload
        }
    }

    func update(_ id: UUID, options: ListImportOptions) {
        uploads.withLock { uploads in
            uploads[id]?.options = options
            uploads[id]?.preview = nil
        }
    }

    func remember(_ preview: ListPreview, fingerprint: String, for id: UUID) {
        uploads.withLock { $0[id]?.preview = (preview, fingerprint) }
    }

    func remove(_ id: UUID) {
        _ = uploads.withLock { $0.removeValue(forKey: id) }
    }
}

extension WebApplication {
    /// The upload form, and the lists imported before.
    func importsPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let offset = max(0, Int(page.query("offset") ?? "") ?? 0)
        let imports = try await register.listImports(offset: offset, limit: 50)
        let timestamp = ISO8601DateFormatter()
        var sourceTitles: [UUID: String] = [:]
        for item in imports.items { sourceTitles[item.sourceID] = try? await register.source(item.sourceID).label }
        return pages.render(
            "imports",
            [
                "error": error as Any,
                "uploadAction": Site.uploadList.path,
                "sourceKinds": SourceKind.allCases.map { ["value": $0.rawValue, "label": t["source_\($0.rawValue)"]] },
                "encodings": encodingOptions(t, selected: nil),
                "delimiters": delimiterOptions(t, selected: nil),
                "maximumMegabytes": WebRouter.maximumUpload >> 20,
                "imports": imports.items.map { item in
                    [
                        "file": item.file.name, "source": sourceTitles[item.sourceID] ?? "", "rows": t.number(item.file.rows),
                        "newPersons": t.number(item.newPersons), "linked": t.number(item.linkedRecords),
                        "review": t.number(item.reviewRecords), "at": timestamp.string(from: item.importedAt),
                        "by": item.importedBy, "checksum": String(item.file.checksum.prefix(12)),
                    ] as [String: Any]
                },
                "empty": imports.items.isEmpty,
            ],
            for: page, title: t["import_title"], status: status)
    }

    func uploadList(_ page: PageRequest) async throws -> Response {
        let viewer = try page.signedIn
        guard let file = page.files["file"], !file.bytes.isEmpty else {
            return try await importsPage(page, error: page.t["import_no_file"], status: .unprocessableContent)
        }
        var options = ListImportOptions(sourceKind: page.form["sourceKind"].flatMap(SourceKind.init(rawValue:)) ?? .adversaryList)
        applyReadingChoices(page.form, to: &options)
        let id = pendingImports.add(file, options: options, owner: viewer.user.username, now: clock())
        return pages.redirect(to: Site.pendingImport.link(id.uuidString))
    }

    /// The preview: how the file was read, what each column is taken for, every error and what
    /// each row would become; nothing is written.
    func pendingImportPage(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let viewer = try page.signedIn
        let upload = try pendingUpload(page, viewer)
        let importer = listImporter(for: viewer)
        let fingerprint = try await register(page).searchFingerprint()
        var preview: ListPreview
        do {
            if let (cached, madeAt) = upload.preview, madeAt == fingerprint {
                preview = cached
                // Whether this file was imported meanwhile is cheap to ask and must not be stale.
                preview.previousImport = try await register(page).listImport(checksum: cached.file.checksum)
            } else {
                preview = try await importer.preview(
                    .upload(name: upload.file.name, bytes: upload.file.bytes), options: upload.options)
                pendingImports.remember(preview, fingerprint: fingerprint, for: upload.id)
            }
        } catch let error as ListImportError {
            return pages.render(
                "import_preview",
                [
                    "fileName": upload.file.name, "readError": error.description,
                    "adjustAction": Site.adjustImport.link(upload.id.uuidString),
                    "options": optionsContext(t, upload.options), "columns": [[String: Any]](),
                ],
                for: page, title: t["import_preview_title"], status: .unprocessableContent)
        }
        try await register(page).noteListing(entity: "list_import", query: "preview of \(upload.file.name)")
        return pages.render(
            "import_preview", previewContext(preview, upload: upload, t: t), for: page, title: t["import_preview_title"])
    }

    /// Takes the person's corrections of the reading (encoding, separator, columns, what the list is) and previews again.
    func adjustImport(_ page: PageRequest) async throws -> Response {
        let viewer = try page.signedIn
        var upload = try pendingUpload(page, viewer)
        if page.form["discard"] != nil {
            pendingImports.remove(upload.id)
            return pages.redirect(to: Site.imports.path)
        }
        if let kind = page.form["sourceKind"].flatMap(SourceKind.init(rawValue:)) { upload.options.sourceKind = kind }
        applyReadingChoices(page.form, to: &upload.options)
        let columns = page.form.values.keys.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("column_"), let index = Int(name.dropFirst("column_".count)), index >= 0 else { return nil }
            return (index, page.form[name] ?? "ignore")
        }
        if !columns.isEmpty {
            upload.options.columnCorrections = columns.sorted { $0.0 < $1.0 }.map { "\($0.0 + 1)=\($0.1)" }
        }
        pendingImports.update(upload.id, options: upload.options)
        return pages.redirect(to: Site.pendingImport.link(upload.id.uuidString))
    }

    func commitImport(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let viewer = try page.signedIn
        let upload = try pendingUpload(page, viewer)
        let importer = listImporter(for: viewer)
        let (preview, result) = try await importer.commit(
            .upload(name: upload.file.name, bytes: upload.file.bytes), options: upload.options)
        switch result {
        case .imported(let done):
            pendingImports.remove(upload.id)
            try await search.load()
            await outbox.sweepAfterChange()
            return pages.render(
                "import_done",
                [
                    "summary": t.format(
                        "import_done_summary",
                        [
                            "file": done.file.name, "records": t.number(preview.entries), "new": t.number(done.newPersons),
                            "linked": t.number(done.linkedRecords), "review": t.number(done.reviewRecords),
                        ]),
                    "reviewLink": (done.reviewRecords > 0 ? Site.reviewQueue.path : nil) as Any,
                    "importsLink": Site.imports.path,
                ] as [String: Any],
                for: page, title: t["import_done_title"])
        case .alreadyImported:
            pendingImports.remove(upload.id)
            return pages.render(
                "import_preview", previewContext(preview, upload: upload, t: t), for: page, title: t["import_preview_title"],
                status: .conflict)
        case nil:
            return pages.render(
                "import_preview", previewContext(preview, upload: upload, t: t), for: page, title: t["import_preview_title"],
                status: .unprocessableContent)
        }
    }

    /// The viewer's own upload named by the address; someone else's is as good as none.
    private func pendingUpload(_ page: PageRequest, _ viewer: Viewer) throws -> PendingImports.Upload {
        guard let upload = pendingImports.upload(try page.id(), owner: viewer.user.username, now: clock()) else {
            throw HTTPError(.notFound)
        }
        return upload
    }

    private func listImporter(for viewer: Viewer) -> ListImporter {
        var importer = ListImporter(database: database, actor: viewer.actor)
        importer.clock = clock
        return importer
    }

    // MARK: Drawing

    private func applyReadingChoices(_ form: FormFields, to options: inout ListImportOptions) {
        options.sourceTitle = form["sourceTitle"] ?? options.sourceTitle
        if let encoding = form["encoding"] { options.read.encoding = encoding == "detect" ? nil : TextEncoding(name: encoding) }
        if let delimiter = form["delimiter"] {
            options.read.delimiter = CSVDelimiter.allCases.first { $0.description == delimiter }
        }
    }

    private func encodingOptions(_ t: Translations, selected: TextEncoding?) -> [[String: Any]] {
        [["value": "detect", "label": t["import_detect"], "selected": selected == nil]]
            + TextEncoding.allCases.map { ["value": $0.rawValue, "label": $0.rawValue, "selected": $0 == selected] }
    }

    private func delimiterOptions(_ t: Translations, selected: CSVDelimiter?) -> [[String: Any]] {
        [["value": "detect", "label": t["import_detect"], "selected": selected == nil]]
            + CSVDelimiter.allCases.map {
                ["value": $0.description, "label": t["import_delimiter_\($0.description)"], "selected": $0 == selected]
            }
    }

    private func optionsContext(_ t: Translations, _ options: ListImportOptions) -> [String: Any] {
        [
            "sourceKinds": SourceKind.allCases.map {
                ["value": $0.rawValue, "label": t["source_\($0.rawValue)"], "selected": $0 == options.sourceKind]
            },
            "sourceTitle": options.sourceTitle ?? "",
            "encodings": encodingOptions(t, selected: options.read.encoding),
            "delimiters": delimiterOptions(t, selected: options.read.delimiter),
        ]
    }

    private func previewContext(_ preview: ListPreview, upload: PendingImports.Upload, t: Translations) -> [String: Any] {
        let mapping = preview.mapping
        let fieldChoices =
            [("ignore", t["import_field_ignore"])] + ListField.allCases.map { ($0.rawValue, t["import_field_\($0.rawValue)"]) }
        let columns: [[String: Any]] = mapping.header.indices.map { index in
            let current = mapping.fields[index]?.rawValue ?? "ignore"
            return [
                "position": ListReader.columnName(index, format: preview.format),
                "header": mapping.header[index],
                "name": "column_\(index)",
                "choices": fieldChoices.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == current] },
                "recognised": mapping.fields[index] != nil,
            ]
        }
        func problems(_ list: [ListRowProblem]) -> [[String: Any]] {
            list.map {
                ["row": $0.row, "column": $0.column.isEmpty ? "" : "\($0.columnPosition) · \($0.column)", "message": $0.message]
            }
        }
        let rows: [[String: Any]] = preview.rows.prefix(Self.previewRows).map { row in
            var context: [String: Any] = ["row": row.row, "name": row.name, "dateOfBirth": row.dateOfBirth]
            switch row.decision {
            case .newPerson:
                context["outcome"] = t["import_outcome_new"]
                context["kind"] = "new"
            case .sameAsRow(let first):
                context["outcome"] = t.format("import_outcome_same_row", ["row": String(first)])
                context["kind"] = "new"
            case .knownPerson(let person, let probability):
                context["outcome"] = t.format("import_outcome_known", ["score": percent(probability)])
                context["link"] = Site.person.link(person.uuidString)
                context["kind"] = "known"
            case .review(let person, let probability):
                context["outcome"] = t.format("import_outcome_review", ["score": percent(probability)])
                context["link"] = Site.person.link(person.uuidString)
                context["kind"] = "review"
            }
            return context
        }
        var reading = [preview.format.rawValue.uppercased()]
        if let encoding = preview.encoding { reading.append(encoding.rawValue) }
        if let delimiter = preview.delimiter { reading.append(t["import_delimiter_\(delimiter.description)"]) }
        /// "… and 12 more" for what a table leaves out; nothing when it leaves nothing out.
        func more(_ count: Int) -> Any { (count > 0 ? t.format("import_more", ["count": t.number(count)]) : nil) as Any }
        let repeated = preview.entries - preview.newPersons - preview.knownPersonRows - preview.reviewRows
        return [
            "fileName": preview.file.name,
            "reading": reading.joined(separator: " · "),
            "checksum": preview.file.checksum,
            "adjustAction": Site.adjustImport.link(upload.id.uuidString),
            "commitAction": Site.commitImport.link(upload.id.uuidString),
            "options": optionsContext(t, upload.options),
            "columns": columns,
            "counts": [
                ["label": t["import_count_rows"], "value": t.number(preview.dataRows)],
                ["label": t["import_count_readable"], "value": t.number(preview.entries)],
                ["label": t["import_count_blank"], "value": t.number(preview.blankRows)],
                ["label": t["import_count_errors"], "value": t.number(preview.errorCount)],
                ["label": t["import_count_warnings"], "value": t.number(preview.warningCount)],
                ["label": t["import_count_new"], "value": t.number(preview.newPersons)],
                ["label": t["import_count_known"], "value": t.number(preview.knownPersonRows)],
                ["label": t["import_count_review"], "value": t.number(preview.reviewRows)],
                ["label": t["import_count_repeated"], "value": t.number(repeated)],
            ],
            "errors": problems(preview.errors),
            "moreErrors": more(preview.errorCount - preview.errors.count),
            "warnings": problems(preview.warnings),
            "moreWarnings": more(preview.warningCount - preview.warnings.count),
            "rows": rows,
            "moreRows": more(preview.rows.count - Self.previewRows),
            "previous": preview.previousImport.map {
                t.format(
                    "import_already", ["at": ISO8601DateFormatter().string(from: $0.importedAt), "by": $0.importedBy])
            } as Any,
            "hasColumns": !columns.isEmpty, "hasCounts": true, "hasErrors": !preview.errors.isEmpty,
            "hasWarnings": !preview.warnings.isEmpty, "hasRows": !rows.isEmpty,
            "canCommit": preview.canCommit,
            "commitLabel": t.format("import_commit", ["count": t.number(preview.entries)]),
            "blocked": !preview.canCommit && preview.previousImport == nil,
        ]
    }

    static let previewRows = 200
}
