@testable import ConnectomeCore
import Foundation
import JSONModel

extension FuzzTarget {
    /// A Seatable SQL answer, read by the column reader (`SeatableAnswerParser`) and by the plain
    /// reading through one `JSONValue`: both must give the same rows, or the same `ConnectomeError`,
    /// and a page that reads becomes the annotation table (IDs, positions, lists typed).
    static let seatable = FuzzTarget(name: "seatable", summary: "Seatable SQL answers: column reader = plain reading, then the annotation table",
                                     json: .whole) { data in
        let fast: Result<SeatableQueryResult, ConnectomeError>
        let plain: Result<SeatableQueryResult, ConnectomeError>
        do throws(ConnectomeError) { fast = .success(try SeatableQueryResult.decode(data, maxRows: 50, source: "fuzz")) } catch { fast = .failure(error) }
        do throws(ConnectomeError) { plain = .success(try SeatableQueryResult.decodePlainly(data, maxRows: 50, source: "fuzz")) } catch {
            plain = .failure(error)
        }
        switch (fast, plain) {
        case (.success(let a), .success(let b)):
            func objects(_ rows: SeatableQueryResult.Rows) -> [[String: JSONValue]] {
                (0..<rows.count).map { row in
                    var object: [String: JSONValue] = [:]
                    for (key, cells) in zip(rows.keys, rows.cells) { object[key] = cells[row] }
                    return object
                }
            }
            guard a.columns == b.columns, a.rows.count == b.rows.count, objects(a.rows) == objects(b.rows), Set(a.rows.keys) == Set(b.rows.keys) else {
                fatalError("seatable: the column reader and the plain reading read different rows")
            }
            do {
                _ = try AnnotationTableDecoder.table([a], fields: a.columns.map(\.name) + ["root_id", "position"], source: "fuzz")
            } catch {
                expectConnectomeError(error, "seatable table")
            }
            _ = SeatableClient.firstRepeatedRow([a, a])
        case (.failure(let a), .failure(let b)):
            guard a.kind == b.kind, a.message == b.message else {
                fatalError("seatable: the column reader and the plain reading fail differently: \(a.message) / \(b.message)")
            }
        default:
            fatalError("seatable: the column reader and the plain reading disagree on whether the answer reads")
        }
    }
}
