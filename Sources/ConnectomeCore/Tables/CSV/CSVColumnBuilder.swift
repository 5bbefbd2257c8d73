/// Turns one CSV column's fields into a typed column: a pass to infer the type, a pass to convert;
/// a column of integers (most of a connection table) or of lists of strings (status, regions,
/// annotators) in one pass that converts as it checks.
///
/// The type is the narrowest that holds every non-null cell: IDs (uint64: integers, none negative,
/// some above Int64 or an ID-like name), int64, float64, bool, 3-vectors, lists of strings, else
/// strings. An all-null column is strings. Inference never fails; a cell that fits no narrower
/// type makes the column text.
struct CSVColumnBuilder {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: CSVFields
    let column: Int
    let name: String

    private struct Evidence {
        var nonNull = 0
        var integers = 0
        var negative = false
        var aboveInt64 = false
        var floats = 0
        var bools = 0
        var lists = 0
        var emptyLists = 0
        var vectors = 0
        var integerVectors = 0

        /// Whether a type narrower than text still holds every non-null cell seen so far.
        var narrowerPossible: Bool {
            integers == nonNull || floats == nonNull || bools == nonNull || lists == nonNull
                || vectors + emptyLists == nonNull
        }
    }

    /// `onePass` false skips the one-pass integer and list builds: the plain infer-then-convert
    /// path, which tests compare them against.
    func build(onePass: Bool = true) -> ColumnData {
        if onePass, let integers = buildIntegers() { return integers }
        if onePass, let lists = buildLists() { return .stringList(lists) }
        let evidence = infer()
        let n = evidence.nonNull
        if n == 0 { return .string(StringColumn(offsets: [Int](repeating: 0, count: fields.rowCount + 1), bytes: [],
                                                validity: fields.rowCount == 0 ? nil : Validity(allNull: fields.rowCount))) }
        if evidence.integers == n {
            if !evidence.negative && (evidence.aboveInt64 || ColumnNaming.isIDName(name)) { return .uint64(convertUInt64()) }
            if !evidence.aboveInt64 { return .int64(convertInt64()) }
            return .double(convertDouble())
        }
        if evidence.floats == n { return .double(convertDouble()) }
        if evidence.bools == n { return .bool(convertBool()) }
        if evidence.vectors > 0, evidence.vectors + evidence.emptyLists == n {
            if evidence.integerVectors == evidence.vectors {
                return .intVector(convertVectors(zero: Int64(0)) { word in
                    CellText.integer(word).flatMap { CellText.int64(negative: $0.negative, magnitude: $0.magnitude) } ?? 0
                })
            }
            return .vector(convertVectors(zero: 0.0) { CellText.double($0) ?? .nan })
        }
        if evidence.lists == n { return .stringList(convertLists()) }
        return .string(convertStrings())
    }

    @inline(__always) private func withField<R>(_ row: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let (start, end) = fields.range(row: row, column: column)
        return CSVTokenizer.withField(bytes, start: start, end: end, body)
    }

    /// The column as uint64 or int64 when every non-null cell is an integer that one of them holds,
    /// read in one pass; nil at the first cell that is not (or when none is non-null, or when
    /// negative and above-Int64 values meet), and `infer` decides. The types are `build`'s rules:
    /// uint64 for no negative and an ID name or a value above Int64, else int64.
    private func buildIntegers() -> ColumnData? {
        let unsigned = ColumnNaming.isIDName(name)
        if unsigned {
            guard let pass = integerPass(UInt64.self) else { return nil }
            if !pass.negative { return .uint64(ScalarColumn(values: pass.values, validity: pass.validity)) }
            return .int64(ScalarColumn(values: pass.values.map { Int64(bitPattern: $0) }, validity: pass.validity))
        }
        guard let pass = integerPass(Int64.self) else { return nil }
        if !pass.aboveInt64 { return .int64(ScalarColumn(values: pass.values, validity: pass.validity)) }
        return .uint64(ScalarColumn(values: pass.values.map { UInt64(bitPattern: $0) }, validity: pass.validity))
    }

    /// Every cell as an integer's two's-complement bits in `T` (null cells 0), or nil.
    ///
    /// An unescaped field of 1 to 19 digits (an ID, a count: nearly every cell) is read straight
    /// from the text with no overflow checks (19 digits never exceed UInt64); any other field
    /// goes through `CellText` as `infer` reads it. The validity is built in the same pass, from
    /// the first null cell on (the rows before it are all valid).
    private func integerPass<T: FixedWidthInteger & Sendable>(_: T.Type) -> (values: [T], validity: Validity?, negative: Bool, aboveInt64: Bool)? {
        let rows = fields.rowCount
        guard rows > 0, let base = bytes.baseAddress else { return nil }
        var negative = false, aboveInt64 = false, nonNull = 0, failed = false
        var validity = ValidityBuilder()
        var sawNull = false
        let values = [T](unsafeUninitializedCapacity: rows) { target, initialized in
            for row in 0..<rows {
                let (start, end) = fields.range(row: row, column: column)
                if start >= 0, end > start, end - start <= 19 {
                    var magnitude: UInt64 = 0
                    var index = start
                    while index < end {
                        let digit = base[index] &- 48
                        if digit >= 10 { break }
                        magnitude = magnitude &* 10 &+ UInt64(digit)
                        index += 1
                    }
                    if index == end {
                        if magnitude > UInt64(Int64.max) { aboveInt64 = true }
                        nonNull += 1
                        target[row] = T(truncatingIfNeeded: magnitude)
                        if sawNull { validity.append(true) }
                        continue
                    }
                }
                var isNull = false
                let value: T? = CSVTokenizer.withField(bytes, start: start, end: end) { raw in
                    if CellText.isNull(raw) { isNull = true; return 0 }
                    guard let (isNegative, magnitude) = CellText.integer(CellText.trimmed(raw)) else { return nil }
                    if isNegative, magnitude != 0 {
                        // Below Int64.min no integer type holds it (the column becomes float64, as in pandas).
                        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                        negative = true
                    } else if magnitude > UInt64(Int64.max) {
                        aboveInt64 = true
                    }
                    nonNull += 1
                    return T(truncatingIfNeeded: isNegative ? 0 &- magnitude : magnitude)
                }
                guard let value else { failed = true; break }
                target[row] = value
                if isNull && !sawNull {
                    sawNull = true
                    validity = ValidityBuilder(capacity: rows)
                    for _ in 0..<row { validity.append(true) }
                }
                if sawNull { validity.append(!isNull) }
            }
            initialized = failed ? 0 : rows
        }
        if failed || nonNull == 0 || (negative && aboveInt64) { return nil }
        return (values, sawNull ? validity.finish() : nil, negative, aboveInt64)
    }

    /// The column as lists of strings when every non-null cell is one (`build`'s rule: a list of
    /// strings and nulls, or empty), parsed and appended in one pass; nil at the first cell that
    /// is not (or when the first non-null cell does not open a list, or none is non-null), and
    /// `infer` decides. Inference would parse each list once to learn the type and
    /// `convertLists` again to keep it, each unescaping the CSV field anew.
    private func buildLists() -> StringListColumn? {
        let rows = fields.rowCount
        var first = 0
        while first < rows, withField(first, { CellText.isNull($0) }) { first += 1 }
        guard first < rows, withField(first, { CellText.trimmed($0).first == UInt8(ascii: "[") }) else { return nil }
        return lists(stoppingAtOther: true)
    }

    /// Every cell parsed as a list and appended, nulls as null rows; with `stoppingAtOther`, nil at
    /// the first non-null cell that is not a list of strings (or empty), else every cell is taken
    /// as what `ListCell.parse` reads of it (the type is known already).
    private func lists(stoppingAtOther: Bool) -> StringListColumn? {
        var builder = StringListColumnBuilder(rowCapacity: fields.rowCount)
        builder.elements = StringColumnBuilder(capacity: 4 * fields.rowCount, byteCapacity: byteCapacity())
        for row in 0..<fields.rowCount {
            let isList: Bool = withField(row) { raw in
                guard !CellText.isNull(raw) else { builder.appendNull(); return true }
                let shape = ListCell.parse(CellText.trimmed(raw), string: { element in
                    if let element { builder.elements.append(element) } else { builder.elements.appendNull() }
                })
                guard !stoppingAtOther || shape == .strings || shape == .empty else { return false }
                builder.closeRow()
                return true
            }
            if !isList { return nil }
        }
        return builder.finish()
    }

    /// Reads cells until the type is decided: a text column is known at its first cell that fits
    /// no narrower type, and the rest need not be looked at.
    private func infer() -> Evidence {
        var evidence = Evidence()
        for row in 0..<fields.rowCount {
            if !evidence.narrowerPossible { break }
            withField(row) { raw in
                if CellText.isNull(raw) { return }
                evidence.nonNull += 1
                let text = CellText.trimmed(raw)
                if let (negative, magnitude) = CellText.integer(text) {
                    evidence.floats += 1
                    if negative, magnitude != 0 {
                        evidence.negative = true
                        // Below Int64.min no integer type holds it: the column becomes float64, as in pandas.
                        if CellText.int64(negative: true, magnitude: magnitude) == nil { return }
                    } else if magnitude > UInt64(Int64.max) {
                        evidence.aboveInt64 = true
                    }
                    evidence.integers += 1
                    return
                }
                if CellText.double(text) != nil { evidence.floats += 1; return }
                if CellText.bool(text) != nil { evidence.bools += 1; return }
                guard text.first == UInt8(ascii: "[") else { return }
                switch ListCell.parse(text) {
                case .empty?: evidence.emptyLists += 1; evidence.lists += 1
                case .strings?: evidence.lists += 1
                case .numbers(3, let integers)?:
                    evidence.vectors += 1
                    if integers { evidence.integerVectors += 1 }
                default: break
                }
            }
        }
        // Integers that overflow Int64 when negative cannot be any integer type.
        if evidence.negative && evidence.aboveInt64 { evidence.integers = 0 }
        return evidence
    }

    private func convertUInt64() -> ScalarColumn<UInt64> {
        var values = [UInt64](repeating: 0, count: fields.rowCount)
        var validity = ValidityBuilder(capacity: fields.rowCount)
        for row in 0..<fields.rowCount {
            let value: UInt64? = withField(row) { raw in
                CellText.isNull(raw) ? nil : CellText.integer(CellText.trimmed(raw))?.magnitude
            }
            values[row] = value ?? 0
            validity.append(value != nil)
        }
        return ScalarColumn(values: values, validity: validity.finish())
    }

    private func convertInt64() -> ScalarColumn<Int64> {
        var values = [Int64](repeating: 0, count: fields.rowCount)
        var validity = ValidityBuilder(capacity: fields.rowCount)
        for row in 0..<fields.rowCount {
            let value: Int64? = withField(row) { raw in
                guard !CellText.isNull(raw), let (negative, magnitude) = CellText.integer(CellText.trimmed(raw)) else { return nil }
                return CellText.int64(negative: negative, magnitude: magnitude)
            }
            values[row] = value ?? 0
            validity.append(value != nil)
        }
        return ScalarColumn(values: values, validity: validity.finish())
    }

    private func convertDouble() -> ScalarColumn<Double> {
        var values = [Double](repeating: 0, count: fields.rowCount)
        var validity = ValidityBuilder(capacity: fields.rowCount)
        for row in 0..<fields.rowCount {
            let value: Double? = withField(row) { raw in CellText.isNull(raw) ? nil : CellText.double(CellText.trimmed(raw)) }
            values[row] = value ?? .nan
            validity.append(value != nil)
        }
        return ScalarColumn(values: values, validity: validity.finish())
    }

    private func convertBool() -> ScalarColumn<Bool> {
        var values = [Bool](repeating: false, count: fields.rowCount)
        var validity = ValidityBuilder(capacity: fields.rowCount)
        for row in 0..<fields.rowCount {
            let value: Bool? = withField(row) { raw in CellText.isNull(raw) ? nil : CellText.bool(CellText.trimmed(raw)) }
            values[row] = value ?? false
            validity.append(value != nil)
        }
        return ScalarColumn(values: values, validity: validity.finish())
    }

    private func convertVectors<T: BitwiseCopyable & Sendable & Equatable>(
        zero: T, _ parse: (UnsafeBufferPointer<UInt8>) -> T
    ) -> VectorColumn<T> {
        var values: [T] = []
        values.reserveCapacity(3 * fields.rowCount)
        var validity = ValidityBuilder(capacity: fields.rowCount)
        for row in 0..<fields.rowCount {
            let start = values.count
            let shape: ListCell.Shape? = withField(row) { raw in
                guard !CellText.isNull(raw) else { return nil }
                return ListCell.parse(CellText.trimmed(raw), number: { values.append(parse($0)) })
            }
            let valid = shape == .numbers(count: 3, integers: true) || shape == .numbers(count: 3, integers: false)
            if !valid || values.count != start + 3 {
                values.removeSubrange(start...)
                values.append(contentsOf: [zero, zero, zero])
            }
            validity.append(valid)
        }
        return VectorColumn(values: values, validity: validity.finish())
    }

    private func convertLists() -> StringListColumn {
        lists(stoppingAtOther: false)!
    }

    /// An upper bound of the column's text bytes (escaped fields counted with their quotes), so
    /// the builder's byte array is allocated once rather than grown and copied.
    private func byteCapacity() -> Int {
        var total = 0
        for row in 0..<fields.rowCount {
            let (start, end) = fields.range(row: row, column: column)
            if start == CSVTokenizer.missing { continue }
            total += end - (start >= 0 ? start : ~start)
        }
        return total
    }

    /// The cells' bytes written straight into the column's two arrays (no growth checks per cell).
    private func convertStrings() -> StringColumn {
        let rows = fields.rowCount
        let capacity = byteCapacity()
        var validity = ValidityBuilder(capacity: rows)
        var offsets: [Int] = []
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { target, initialized in
            var length = 0
            offsets = [Int](unsafeUninitializedCapacity: rows + 1) { offsetTarget, offsetCount in
                offsetTarget[0] = 0
                for row in 0..<rows {
                    withField(row) { raw in
                        if CellText.isNull(raw) {
                            validity.append(false)
                        } else {
                            // An unescaped cell is never longer than its field, so `capacity` holds them all.
                            if let source = raw.baseAddress, let base = target.baseAddress {
                                (base + length).initialize(from: source, count: raw.count)
                            }
                            length += raw.count
                            validity.append(true)
                        }
                    }
                    offsetTarget[row + 1] = length
                }
                offsetCount = rows + 1
            }
            initialized = length
        }
        return StringColumn(offsets: offsets, bytes: bytes, validity: validity.finish())
    }
}
