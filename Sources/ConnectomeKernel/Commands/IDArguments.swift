import CommandLanguage
import ConnectomeCore
import JSONModel

/// Reads neuron IDs from whatever a user hands a command: an integer, a list, a string of IDs,
/// a table with an ID column, or a scene.
///
/// IDs never pass through `Double`: list elements are exact integers or decimal strings, and every
/// rejected element is named by its position, so a typo in a list of 10,000 IDs can be found.
enum IDArguments {
    /// Column names read as IDs, in order of preference (`valid` and `decode format=table` write `id`;
    /// `update` writes `new_id`, so its table pipes on as the current IDs).
    static let idColumns = ["id", "root_id", "pt_root_id", "segment_id", "supervoxel_id", "segment", "root", "supervoxel", "new_id"]

    /// The IDs in `value`, in order; a scene gives every selected segment once.
    static func ids(in value: Value) throws(ConnectomeError) -> [SegmentID] {
        switch value {
        case .int(let number):
            return [try id(number, position: nil)]
        case .string(let text):
            return try SegmentID.parseList(text)
        case .list(let elements), .vector(let elements):
            if let plain = plainIDs(elements) { return plain }
            var result: [SegmentID] = []
            result.reserveCapacity(elements.count)
            for (offset, element) in elements.enumerated() {
                result.append(try id(element, position: offset + 1))
            }
            return result
        case .table(let table):
            return try ids(in: table)
        case .custom(let custom):
            if let scene = custom as? SceneValue { return unique(scene.state.segmentIDs) }
            if let table = custom as? DataTableValue { return try table.table.ids() }
            if let adjacency = custom as? AdjacencyValue { return adjacency.matrix.sources }
            if let skeleton = custom as? SkeletonValue, let id = skeleton.skeleton.segmentID { return [id] }
            throw ConnectomeError.argument("a \(custom.kindName) holds no neuron IDs", hint: idHint)
        case .float(let number):
            return [try SegmentID(json: .double(number))]
        case .null, .bool, .record:
            throw ConnectomeError.argument("\(value.errorDescription) is not a neuron ID", hint: idHint)
        }
    }

    /// The IDs with the visibility a value gives them: a table's `visible` column, a scene's `!id`s.
    static func selections(in value: Value) throws(ConnectomeError) -> [SegmentSelection] {
        switch value {
        case .table(let table):
            let ids = try ids(in: table)
            guard let visible = table.column("visible") else { return ids.map { SegmentSelection($0) } }
            return zip(ids, visible).map { SegmentSelection($0, visible: $1.asBool ?? true) }
        case .custom(let custom as SceneValue):
            var seen = Set<SegmentID>()
            return custom.state.segmentTable.compactMap { row in
                seen.insert(row.segment).inserted ? SegmentSelection(row.segment, visible: row.visible) : nil
            }
        default:
            return try ids(in: value).map { SegmentSelection($0) }
        }
    }

    static let idHint = "Give IDs as an integer, a list [1, 2], a string \"1, 2\", a table with an id column, or a scene"

    // MARK: - Invocation helpers

    /// The IDs of `name=...`, or nil when it is not given; a bad element is blamed on that argument.
    static func ids(_ invocation: Invocation, _ name: String) throws -> [SegmentID]? {
        guard let value = invocation.value(name) else { return nil }
        do { return try ids(in: value) } catch {
            throw invocation.argumentError(name, "\(name): \(error.message)", hint: error.hint.isEmpty ? nil : error.hint)
        }
    }

    /// The IDs of positional argument `index`; a bad element is blamed on that argument.
    static func ids(_ invocation: Invocation, at index: Int, what: String = "IDS") throws -> [SegmentID] {
        guard let value = invocation.value(at: index) else {
            throw EvaluationError(.argumentError, "'\(invocation.command)' needs \(what)", hint: idHint, range: invocation.range)
        }
        do { return try ids(in: value) } catch {
            throw invocation.argumentError(at: index, "\(what): \(error.message)", hint: error.hint.isEmpty ? nil : error.hint)
        }
    }

    // MARK: - Parts

    private static func ids(in table: Table) throws(ConnectomeError) -> [SegmentID] {
        guard let column = idColumns.lazy.compactMap({ table.columns.firstIndex(of: $0) }).first else {
            throw ConnectomeError.argument(
                "the table has no ID column (its columns are \(table.columns.joined(separator: ", ")))",
                hint: "IDs are read from a column named \(idColumns.prefix(4).joined(separator: ", ")) or \(idColumns[4])")
        }
        var result: [SegmentID] = []
        result.reserveCapacity(table.rows.count)
        for (offset, row) in table.rows.enumerated() {
            guard column < row.count else {
                throw ConnectomeError.argument("row \(offset + 1) of the table has no \(table.columns[column]) cell")
            }
            do { result.append(try id(row[column], position: nil)) } catch {
                throw ConnectomeError.argument("row \(offset + 1) of the table: \(error.message)")
            }
        }
        return result
    }

    /// A list of whole numbers from 0 to 2^64 − 1 (what `let ids = [...]` and pasted ID lists
    /// are), or nil at the first other element, for the general loop to read and word the error of.
    /// Matched in place, without the general loop's per-element error wording; `Value` is loadable
    /// (its large payloads boxed), so the match copies each element inline, not through a witness.
    static func plainIDs(_ elements: [Value]) -> [SegmentID]? {
        elements.withUnsafeBufferPointer { buffer -> [SegmentID]? in
            var failed = false
            let result = [SegmentID](unsafeUninitializedCapacity: buffer.count) { target, initialized in
                for index in buffer.indices {
                    guard case .int(let number) = buffer[index], let exact = UInt64(exactly: number) else {
                        failed = true
                        return
                    }
                    (target.baseAddress! + index).initialize(to: SegmentID(exact))
                    initialized = index + 1
                }
            }
            return failed ? nil : result
        }
    }

    /// One ID; `position` (1-based) names the list element in errors, worded as `SegmentID` words them.
    static func id(_ value: Value, position: Int?) throws(ConnectomeError) -> SegmentID {
        switch value {
        case .int(let number): return try id(number, position: position)
        case .string(let text): return try SegmentID(json: .string(text), position: position)
        case .float(let number): return try SegmentID(json: .double(number), position: position)
        default:
            let subject = position.map { "element \($0) of the list" } ?? "the value"
            throw ConnectomeError.argument(
                "\(subject) is \(value.errorDescription), not an ID; IDs are whole numbers from 0 to 18446744073709551615")
        }
    }

    @inline(__always)
    private static func id(_ number: Int128, position: Int?) throws(ConnectomeError) -> SegmentID {
        if let exact = UInt64(exactly: number) { return SegmentID(exact) }
        if let small = Int64(exactly: number) { return try SegmentID(json: .int(small), position: position) }
        let subject = position.map { "element \($0) of the list, \(number)," } ?? String(number)
        let reason = number < 0 ? "it is negative" : "it is larger than 18446744073709551615"
        throw ConnectomeError.argument(
            "\(subject) is not an unsigned 64-bit integer (\(reason)); IDs are whole numbers from 0 to 18446744073709551615")
    }

    private static func unique(_ ids: [SegmentID]) -> [SegmentID] {
        var seen = Set<SegmentID>()
        return ids.filter { seen.insert($0).inserted }
    }
}

extension Invocation {
    /// An `ArgumentError` about positional argument `index`, pointing at it.
    func argumentError(at index: Int, _ message: String, hint: String? = nil) -> EvaluationError {
        EvaluationError(.argumentError, message, hint: hint, range: range(at: index))
    }

    /// A `ConnectomeError.argument` re-raised as an `ArgumentError` on `name=...`, so the caret points there.
    func argumentError(_ name: String, _ error: ConnectomeError) -> EvaluationError {
        argumentError(name, error.message, hint: error.hint.isEmpty ? nil : error.hint)
    }
}
