/// Finds the known name nearest to a mistyped one, for "Did you mean ...?" in errors.
enum Suggestion {
    /// The candidate closest to `name` within a distance that still reads as a typo, or nil.
    static func nearest(to name: String, among candidates: some Sequence<String>) -> String? {
        let target = Array(name.lowercased())
        let limit = target.count <= 3 ? 1 : target.count <= 6 ? 2 : 3
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            // Lengths further apart than the limit cannot be within it; skipping them keeps a
            // megabyte-long mistyped name from costing a megabyte of work per candidate.
            guard abs(candidate.count - target.count) <= limit else { continue }
            let distance = editDistance(target, Array(candidate.lowercased()))
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// " Did you mean 'x'?" or "".
    static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String {
        nearest(to: name, among: candidates).map { ". Did you mean '\($0)'?" } ?? ""
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost 1, so `slcie` is one step from `slice`.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
