/// Turns one CSV column's fields into a typed column: a pass to infer the type, a pass to convert.
///
/// The type is the narrowest that holds every non-null cell: IDs (uint64: integers, none negative,
/// some above Int64 or an ID-like name), int64, float64, bool, 3-vectors, lists of strings, else
/// strings. An all-null column is strings. Inference never fails; a cell that fits no narrower
/// type makes the column text.
struct CSVColumnBuilder {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: CSVTokenizer.Fields
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

    func build() -> ColumnData {
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
        let index = row * fields.columnCount + column
        return CSVTokenizer.withField(bytes, start: fields.starts[index], end: fields.ends[index], body)
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
        var builder = StringListColumnBuilder()
        builder.elements = StringColumnBuilder(capacity: 2 * fields.rowCount, byteCapacity: byteCapacity())
        for row in 0..<fields.rowCount {
            withField(row) { raw in
                guard !CellText.isNull(raw) else { builder.appendNull(); return }
                _ = ListCell.parse(CellText.trimmed(raw), string: { element in
                    if let element { builder.elements.append(element) } else { builder.elements.appendNull() }
                })
                builder.closeRow()
            }
        }
        return builder.finish()
    }

    /// An upper bound of the column's text bytes (escaped fields counted with their quotes), so
    /// the builder's byte array is allocated once rather than grown and copied.
    private func byteCapacity() -> Int {
        var total = 0
        for row in 0..<fields.rowCount {
            let index = row * fields.columnCount + column
            let start = fields.starts[index]
            if start == CSVTokenizer.missing { continue }
            total += fields.ends[index] - (start >= 0 ? start : ~start)
        }
        return total
    }

    private func convertStrings() -> StringColumn {
        var builder = StringColumnBuilder(capacity: fields.rowCount, byteCapacity: byteCapacity())
        for row in 0..<fields.rowCount {
            withField(row) { raw in
                if CellText.isNull(raw) { builder.appendNull() } else { builder.append(raw) }
            }
        }
        return builder.finish()
    }
}
