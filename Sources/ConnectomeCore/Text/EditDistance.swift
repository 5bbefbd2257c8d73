/// Levenshtein distance (insertions, deletions and substitutions each cost 1), for the "did you
/// mean" hints of colour names, layouts and column names.
///
/// Generic over the elements compared, so each caller keeps its own notion of a letter: colour
/// and layout names compare UTF-8 bytes, column names compare characters. The language's
/// suggestions (CommandLanguage's `Suggestion`) use a different metric, optimal string alignment
/// (a swap of neighbours costs 1), and that target may not depend on this one, so it keeps its own.
func editDistance<Letters: Collection>(_ a: Letters, _ b: Letters) -> Int where Letters.Element: Equatable {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
