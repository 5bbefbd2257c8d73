@testable import CommandLanguage

/// A source with its expected range marked: `«` and `»` around a range, or `‸` for an empty range
/// (a cursor). Offsets are in code points of the source without the markers.
struct Marked: CustomStringConvertible {
    let source: String
    let range: SourceRange

    init(_ marked: String) {
        var scalars = String.UnicodeScalarView()
        var start: Int?
        var end: Int?
        for scalar in marked.unicodeScalars {
            switch scalar {
            case "«": start = scalars.count
            case "»": end = scalars.count
            case "‸": start = scalars.count; end = scalars.count
            default: scalars.append(scalar)
            }
        }
        source = String(scalars)
        precondition(start != nil && end != nil, "marked source needs « » or ‸: \(marked)")
        range = SourceRange(start: start!, end: end!)
    }

    var description: String { source }
}
