import Foundation

/// The stylesheet and the one small script, read once from `Static/`.
struct StaticAsset: Sendable {
    let bytes: [UInt8]
    let contentType: String

    static func named(_ name: String) -> StaticAsset? { all[name] }

    private static let all: [String: StaticAsset] = {
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]
        guard let directory = Bundle.module.url(forResource: "Static", withExtension: nil),
            let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { preconditionFailure("Static/ is missing from the HomewardServer resources") }
        var assets: [String: StaticAsset] = [:]
        for file in files {
            let url = directory.appendingPathComponent(file)
            guard let type = types[url.pathExtension], let data = try? Data(contentsOf: url) else { continue }
            assets[file] = StaticAsset(bytes: [UInt8](data), contentType: type)
        }
        return assets
    }()
}
