/// crantpy's annotation filters on any table (`neurons`, `where`): `NeuronCriteria` and `filter_df`.
///
/// The rules are those of the reference (`neurons.md` §2), rule for rule; where a typed table
/// differs from a pandas frame the choice is written at the rule. ID columns (uint64) behave as
/// crantpy's ID strings: regex and substring rules see their decimal text.
extension DataTable {
    /// The rows matching every criterion (ANDed, in order); no criteria: every row.
    ///
    /// `fields` limits the searchable fields (crantpy's 25 of 30); nil = every column. A field
    /// that is not a column (or not in `fields`) is `FilterError.unknownField`, checked for all
    /// criteria before any filtering.
    public func filterMask(_ criteria: [FilterCriterion], options: FilterOptions = FilterOptions(),
                           fields: [String]? = nil) throws(FilterError) -> RowMask {
        let searchable = fields ?? columnNames
        for criterion in criteria where !searchable.contains(criterion.field) || columnIndex(criterion.field) == nil {
            let available = searchable.filter { columnIndex($0) != nil }
            throw FilterError.unknownField(criterion.field, available: available,
                                           suggestions: NameSuggestion.nearest(to: criterion.field, in: available))
        }
        var mask = RowMask(all: true, count: rowCount)
        for criterion in criteria {
            // Criteria are ANDed: rows already out need not be tested (a large saving for the later ones).
            mask = try TableFilter.mask(columns[columnIndex(criterion.field)!], criterion, options, within: mask)
        }
        return mask
    }

    /// The rows matching every criterion, in table order.
    public func filtered(_ criteria: [FilterCriterion], options: FilterOptions = FilterOptions(),
                         fields: [String]? = nil) throws(FilterError) -> DataTable {
        filtered(by: try filterMask(criteria, options: options, fields: fields))
    }
}

/// One criterion on one column: crantpy's `filter_df`, returning a mask.
enum TableFilter {
    /// Rows of `within` that match (rows outside stay false). Nulls never match (rule 2).
    static func mask(_ column: DataColumn, _ criterion: FilterCriterion, _ options: FilterOptions,
                     within: RowMask) throws(FilterError) -> RowMask {
        let field = column.name
        var flags = within.flags
        func keep(_ predicate: (Int) -> Bool) {
            for row in 0..<flags.count where flags[row] { flags[row] = !column.data.isNull(row) && predicate(row) }
        }
        switch column.data {
        // Rule 4: list-valued columns; regex, case and exact are ignored.
        case .stringList(let lists):
            let wanted = criterion.values
            let elements = lists.elements
            func contains(_ row: Int, _ value: FilterValue) -> Bool {
                guard case .string(let text) = value else { return false }  // Python: 5 in ["5"] is False
                let target = Array(text.utf8)
                return lists.elementRange(row).contains { element in
                    !elements.isNull(element) && elements.withUTF8(at: element) { $0.elementsEqual(target) }
                }
            }
            if criterion.isList && options.matchAll {
                keep { row in wanted.allSatisfy { contains(row, $0) } }
            } else {
                keep { row in wanted.contains { contains(row, $0) } }
            }
        // Positions are lists of numbers in crantpy: membership with Python's numeric equality.
        case .vector(let vectors):
            keep(listOfNumbers(criterion, options) { row, value in
                (0..<3).contains { Self.numericEquals(vectors.values[3 * row + $0], value) }
            })
        case .intVector(let vectors):
            keep(listOfNumbers(criterion, options) { row, value in
                (0..<3).contains { Self.numericEquals(vectors.values[3 * row + $0], value) }
            })
        case .string(let strings):
            let matcher = try TextMatcher(criterion, options, field: field, ids: false)
            strings.bytes.withUnsafeBufferPointer { bytes in
                let offsets = strings.offsets
                keep { row in matcher.matches(UnsafeBufferPointer(rebasing: bytes[offsets[row]..<offsets[row + 1]])) }
            }
        case .uint64(let ids):
            let matcher = try TextMatcher(criterion, options, field: field, ids: true)
            if let targets = matcher.exactIDs {
                keep { row in targets.contains(ids.values[row]) }
            } else {
                keep { row in
                    var digits = String(ids.values[row])
                    return digits.withUTF8 { matcher.matches($0) }
                }
            }
        // Rule 5: coerce the values to the column's type (regex on a non-text column is ignored,
        // so a pattern that is no value of the type is the error the issue asks for).
        case .int64(let integers):
            var targets: [Int64] = []
            for value in criterion.values {
                switch PythonCoercion.integer(value) {
                case .success(.value(let number)): targets.append(number)
                case .success(.outOfRange): break
                case .failure(let failure): throw conversionError(column, value, failure, regex: options.regex)
                }
            }
            keep { targets.contains(integers.values[$0]) }
        case .double(let doubles):
            var targets: [Double] = []
            for value in criterion.values {
                switch PythonCoercion.double(value) {
                case .success(let number): targets.append(number)
                case .failure(let failure): throw conversionError(column, value, failure, regex: options.regex)
                }
            }
            keep { targets.contains(doubles.values[$0]) }
        case .bool(let flagsColumn):
            let targets = criterion.values.map(PythonCoercion.bool)
            keep { targets.contains(flagsColumn.values[$0]) }
        case .timestamp:
            throw FilterError.unsupportedColumn(field: field, type: column.type)
        }
        return RowMask(flags: flags)
    }

    /// List membership rules (4) for cells whose elements are numbers.
    private static func listOfNumbers(_ criterion: FilterCriterion, _ options: FilterOptions,
                                      _ contains: @escaping (Int, FilterValue) -> Bool) -> (Int) -> Bool {
        let wanted = criterion.values
        if criterion.isList && options.matchAll { return { row in wanted.allSatisfy { contains(row, $0) } } }
        return { row in wanted.contains { contains(row, $0) } }
    }

    /// Python's `element == value` for a number element: numbers and booleans compare by value, strings never.
    private static func numericEquals(_ element: Double, _ value: FilterValue) -> Bool {
        switch value {
        case .string: return false
        case .bool(let flag): return element == (flag ? 1 : 0)
        case .double(let number): return element == number
        case .int(let number): return element == Double(number)
        case .uint(let number): return element == Double(number)
        }
    }

    private static func numericEquals(_ element: Int64, _ value: FilterValue) -> Bool {
        switch value {
        case .string: return false
        case .bool(let flag): return element == (flag ? 1 : 0)
        case .double(let number): return Double(element) == number
        case .int(let number): return element == number
        case .uint(let number): return element >= 0 && UInt64(element) == number
        }
    }

    private static func conversionError(_ column: DataColumn, _ value: FilterValue, _ failure: PythonCoercion.Failure,
                                        regex: Bool) -> FilterError {
        if regex { return .regexOnNonText(field: column.name, type: column.type, value: value.description) }
        return .conversion(field: column.name, type: column.type, value: value.description, reason: failure.message)
    }
}
