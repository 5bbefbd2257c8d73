/// Naming rules shared by the readers, so that a CSV and a feather of one table read alike.
enum ColumnNaming {
    /// `id`, `pre`, `post` and `*_id` (`root_id`, `pre_pt_root_id`, `supervoxel_id`): integer
    /// columns with these names hold IDs, read as uint64 when no value is negative (CAVE writes
    /// them as int64; crantpy keeps them as strings; both mean an exact unsigned ID).
    static func isIDName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "id" || lower == "pre" || lower == "post" || lower.hasSuffix("_id")
    }

    /// pandas' `mangle_dupe_cols`: a repeated name gets `.1`, `.2`, …; an empty one is `Unnamed: <i>`.
    static func uniqueNames(_ names: [String]) -> [String] {
        var unique = UniqueNames(style: .column)
        return names.enumerated().map { index, raw in unique.claim(raw.isEmpty ? "Unnamed: \(index)" : raw) }
    }
}
