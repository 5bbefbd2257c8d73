/// How a CATMAID stack's own axes lie in project space; tiles are always cut in the stack's x/y plane.
///
/// A stack's `dimension` and `resolution` are in stack axes; its `translation` is in project axes.
/// Sections are read in the stack's own orientation: `x` is the image column, `y` the image row,
/// `z` the section index, and which project axes these are depends on the orientation.
public enum StackOrientation: Int, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// Stack x = project x (columns), stack y = project y (rows), sections step along project z.
    case xy = 0
    /// Stack x = project x (columns), stack y = project z (rows), sections step along project y.
    case xz = 1
    /// Stack x = project z (columns), stack y = project y (rows), sections step along project x.
    case zy = 2

    public var description: String {
        switch self {
        case .xy: "XY"
        case .xz: "XZ"
        case .zy: "ZY"
        }
    }

    /// For each stack axis (x, y, z), the project axis it runs along (0 = x, 1 = y, 2 = z).
    public var projectAxes: [Int] {
        switch self {
        case .xy: [0, 1, 2]
        case .xz: [0, 2, 1]
        case .zy: [2, 1, 0]
        }
    }

    /// What the stack's x, y and z mean in project space, for messages.
    public var axesExplained: String {
        let names = ["x", "y", "z"]
        let axes = projectAxes
        return "\(self) stack: image columns (stack x) run along project \(names[axes[0]]), "
            + "rows (stack y) along project \(names[axes[1]]), sections (stack z) along project \(names[axes[2]])"
    }
}
