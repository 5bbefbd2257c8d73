/// crantpy's annotation fields and which of them hold IDs, positions and lists.
///
/// Source: crantpy `utils/seatable.py` (`ALL_FIELDS`, `SEARCH_EXCLUDED_FIELDS`) and the value types
/// its tutorials show. Seatable stores root IDs as text (a number column would round them to
/// doubles); the kernel reads them as exact unsigned 64-bit IDs, so that IDs are compared as
/// integers, never as strings (crantpy's `is_proofread` compares strings with integers and never matches).
public enum AnnotationFields {
    /// The 30 fields crantpy selects, in its order.
    public static let all = [
        "root_id", "root_id_processed", "supervoxel_id", "position", "nucleus_id", "nucleus_position",
        "root_position", "cave_table", "proofread", "status", "region", "proofreader_notes", "side", "nerve", "tract",
        "hemilineage", "flow", "super_class", "cell_class", "cell_type", "cell_subtype", "cell_instance", "known_nt",
        "known_nt_source", "alternative_names", "annotator_notes", "user_annotator", "user_proofreader", "ngl_link",
        "date_proofread",
    ]
    /// Fields crantpy does not search (`SEARCH_EXCLUDED_FIELDS`).
    public static let notSearchable: Set<String> = ["root_id_processed", "supervoxel_id", "position", "nucleus_position", "root_position"]
    /// Fields holding neuron, supervoxel or nucleus IDs: read as exact uint64.
    public static let ids: Set<String> = ["root_id", "supervoxel_id", "nucleus_id"]
    /// Fields holding `"x, y, z"` voxel positions: read as integer 3-vectors.
    public static let positions: Set<String> = ["position", "nucleus_position", "root_position"]
    /// Text spellings of a missing ID (crantpy drops these from results).
    static let missingIDs: Set<String> = ["None", "none", "nan", "NaN", "null"]
}
