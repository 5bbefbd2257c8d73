/// Joins a store's base path and a key the way URL resolution does, so `..` in keys works alike
/// in every store.
///
/// Precomputed scale keys may climb out of the volume directory (`"../other/8_8_40"`), and a
/// server cannot be trusted to resolve `..` itself (object stores such as GCS take it literally),
/// so stores resolve before they ask.
enum StorePath {
    /// The `/`-separated segments of `base` followed by those of `key`, with `.` and empty segments
    /// dropped and `..` removing the previous segment.
    static func resolve(base: String, key: String, storeURL: String) throws(ConnectomeError) -> [Substring] {
        var segments: [Substring] = []
        for segment in base.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." { _ = segments.popLast() } else { segments.append(segment) }
        }
        for segment in key.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                guard segments.popLast() != nil else {
                    throw ConnectomeError.argument("key '\(key)' climbs above the root of \(storeURL)",
                                                   hint: "use a key with fewer '..' segments or open the store at a higher directory")
                }
            } else {
                segments.append(segment)
            }
        }
        return segments
    }
}
