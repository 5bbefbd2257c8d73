/// One place a stack's image data is served from, with the tile layout CATMAID uses to address it.
public struct StackMirror: Sendable, Hashable {
    public var id: Int
    public var title: String
    /// The URL prefix tiles are addressed under (for N5, a template with `%SCALE_DATASET%`).
    public var imageBase: String
    public var tileWidth: Int
    public var tileHeight: Int
    /// CATMAID's tile source type number; `tileSource` says whether it can be read.
    public var tileSourceType: Int
    /// As CATMAID stores it, possibly with a `?query` that belongs in the URL.
    public var fileExtension: String
    public var position: Int

    public init(id: Int, title: String, imageBase: String, tileWidth: Int, tileHeight: Int, tileSourceType: Int,
                fileExtension: String, position: Int = 0) {
        self.id = id
        self.title = title
        self.imageBase = imageBase
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.tileSourceType = tileSourceType
        self.fileExtension = fileExtension
        self.position = position
    }

    /// The readable tile source, or nil for types the kernel does not read.
    public var tileSource: TileSourceType? { TileSourceType(rawValue: tileSourceType) }

    /// The extension as written into URLs: without a leading dot, with any `?query` kept.
    public var urlExtension: String {
        fileExtension.hasPrefix(".") ? String(fileExtension.dropFirst()) : fileExtension
    }

    /// The extension that picks the decoder: lower case, without the dot and without any `?query`.
    public var imageFormatExtension: String {
        let withoutQuery = urlExtension.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
        return String(withoutQuery ?? "").lowercased()
    }
}

/// The CATMAID tile source types the kernel reads, with the layouts of their URLs.
public enum TileSourceType: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// `<base><z>/<row>_<col>_<zoom>.<ext>`
    case fileBased = 1
    /// `<base><z>/<zoom>/<row>_<col>.<ext>`
    case zoomDirectories = 4
    /// `<base><zoom>/<z>/<row>/<col>.<ext>`
    case directoryBased = 5
    /// N5 image blocks; `imageBase` is a template (see `N5Location`).
    case n5 = 11

    public var description: String {
        switch self {
        case .fileBased: "1 (file-based tiles)"
        case .zoomDirectories: "4 (tiles in zoom directories)"
        case .directoryBased: "5 (directory-based tiles)"
        case .n5: "11 (N5 image blocks)"
        }
    }

    /// "1, 4, 5 and 11", for messages.
    public static var supportedList: String {
        let numbers = allCases.map { String($0.rawValue) }
        return numbers.dropLast().joined(separator: ", ") + " and " + numbers.last!
    }

    /// The path of one tile relative to the mirror's image base (types 1, 4, 5; nil for N5).
    ///
    /// `section` is the stack z (level-0 section index), `row`/`column` count tiles in the zoomed plane.
    public func tilePath(section: Int, row: Int, column: Int, zoom: Int, fileExtension: String) -> String? {
        switch self {
        case .fileBased: "\(section)/\(row)_\(column)_\(zoom).\(fileExtension)"
        case .zoomDirectories: "\(section)/\(zoom)/\(row)_\(column).\(fileExtension)"
        case .directoryBased: "\(zoom)/\(section)/\(row)/\(column).\(fileExtension)"
        case .n5: nil
        }
    }
}

extension StackMirror {
    /// The full URL of one tile, exactly as CATMAID's web client would request it.
    public func tileURL(section: Int, row: Int, column: Int, zoom: Int) -> String? {
        tileSource?.tilePath(section: section, row: row, column: column, zoom: zoom, fileExtension: urlExtension)
            .map { imageBase + $0 }
    }
}
