import Foundation

/// A stack or mirror named the way users name them: by numeric id or by title.
public enum CatmaidSelector: Sendable, Hashable, CustomStringConvertible {
    case id(Int)
    case title(String)

    /// `"3"` selects id 3, anything else a title.
    public init(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        self = Int(trimmed).map(CatmaidSelector.id) ?? .title(trimmed)
    }

    public var description: String {
        switch self {
        case .id(let id): "id \(id)"
        case .title(let title): "title '\(title)'"
        }
    }

    /// The one item matching: ids exactly, titles exactly or else case-insensitively if that is unique.
    func pick<T>(from items: [T], id: (T) -> Int, title: (T) -> String) -> [T] {
        switch self {
        case .id(let wanted):
            return items.filter { id($0) == wanted }
        case .title(let wanted):
            let exact = items.filter { title($0) == wanted }
            if !exact.isEmpty { return exact }
            return items.filter { title($0).lowercased() == wanted.lowercased() }
        }
    }
}

extension StackInfo {
    /// Mirrors the kernel can read (tile source types 1, 4, 5 and 11), in CATMAID's position order.
    public var supportedMirrors: [StackMirror] {
        mirrors.filter { $0.tileSource != nil }.sorted { ($0.position, $0.id) < ($1.position, $1.id) }
    }

    /// The mirror named by `selector`, or the first supported one when nil.
    ///
    /// Naming a mirror of an unsupported type is an `.unsupported` error that lists the supported types.
    public func mirror(_ selector: CatmaidSelector?) throws(ConnectomeError) -> StackMirror {
        let listing = mirrors.map { "\($0.id) '\($0.title)' (type \($0.tileSourceType))" }.joined(separator: ", ")
        guard let selector else {
            guard let first = supportedMirrors.first else {
                throw ConnectomeError.unsupported(
                    "stack \(id) '\(title)' has no mirror of a supported tile source type (its mirrors: \(listing.isEmpty ? "none" : listing))",
                    hint: "supported tile source types are \(TileSourceType.supportedList)")
            }
            return first
        }
        let matches = selector.pick(from: mirrors, id: \.id, title: \.title)
        guard matches.count == 1, let mirror = matches.first else {
            throw ConnectomeError.argument(
                matches.isEmpty
                    ? "stack \(id) '\(title)' has no mirror with \(selector) (its mirrors: \(listing.isEmpty ? "none" : listing))"
                    : "\(matches.count) mirrors of stack \(id) '\(title)' have \(selector)",
                hint: "name the mirror by id: mirror=<id>")
        }
        guard mirror.tileSource != nil else {
            throw ConnectomeError.unsupported(
                "mirror \(mirror.id) '\(mirror.title)' of stack \(id) uses tile source type \(mirror.tileSourceType), which the kernel does not read",
                hint: "supported tile source types are \(TileSourceType.supportedList)"
                    + (supportedMirrors.isEmpty ? "" : "; readable mirrors: " + supportedMirrors.map { "\($0.id) '\($0.title)'" }.joined(separator: ", ")))
        }
        return mirror
    }
}
