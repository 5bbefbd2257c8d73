/// The sections of a stack that hold no usable image, and which section stands in for each.
///
/// CATMAID lists them as `{"<index>": 1}`. A broken section shows the next section that is not
/// broken (following chains: 20 and 21 broken → both show 22); when every later section is broken,
/// the previous good one. pymaid follows the chain forward only and so can run off the stack's end.
public struct BrokenSections: Sendable, Hashable, CustomStringConvertible {
    public private(set) var indices: Set<Int>

    public init(_ indices: some Sequence<Int> = []) {
        self.indices = Set(indices)
    }

    public func contains(_ section: Int) -> Bool { indices.contains(section) }

    /// The section whose image `section` shows, in a stack of `depth` sections; nil when none is usable.
    public func substitute(for section: Int, depth: Int) -> Int? {
        guard indices.contains(section) else { return section }
        var next = section + 1
        while next < depth, indices.contains(next) { next += 1 }
        if next < depth { return next }
        var previous = section - 1
        while previous >= 0, indices.contains(previous) { previous -= 1 }
        return previous >= 0 ? previous : nil
    }

    public var description: String {
        indices.isEmpty ? "none" : indices.sorted().map(String.init).joined(separator: ", ")
    }
}
