import Foundation

/// Writes a table as CSV (or TSV) that pandas' `read_csv` reads back to the same values.
///
/// Quoting is pandas' `QUOTE_MINIMAL`: a field is quoted when it holds the delimiter, a quote or
/// a line break. IDs are exact decimals, doubles their shortest round-trip text, booleans
/// `True`/`False`, lists and vectors JSON arrays, timestamps ISO 8601; nulls are empty fields.
public enum CSVWriter {
    public static func write(_ table: DataTable, delimiter: UInt8 = UInt8(ascii: ",")) -> Data {
        var output: [UInt8] = []
        output.reserveCapacity(table.rowCount * max(1, table.columnCount) * 8 + 256)
        for (index, name) in table.columnNames.enumerated() {
            if index > 0 { output.append(delimiter) }
            appendField(Array(name.utf8), to: &output, delimiter: delimiter)
        }
        output.append(0x0A)
        for row in 0..<table.rowCount {
            for (index, column) in table.columns.enumerated() {
                if index > 0 { output.append(delimiter) }
                appendCell(column.data, row: row, to: &output, delimiter: delimiter)
            }
            output.append(0x0A)
        }
        return Data(output)
    }

    private static func appendCell(_ data: ColumnData, row: Int, to output: inout [UInt8], delimiter: UInt8) {
        if data.isNull(row) { return }
        switch data {
        case .uint64(let column): appendDecimal(column.values[row], to: &output)
        case .int64(let column):
            let value = column.values[row]
            if value < 0 { output.append(UInt8(ascii: "-")) }
            appendDecimal(value.magnitude, to: &output)
        case .string(let column):
            column.withUTF8(at: row) { appendField($0, to: &output, delimiter: delimiter) }
        default:
            // Doubles, flags, lists, vectors and times: their text (lists are quoted: they hold commas).
            guard let text = data.cell(row).text else { return }
            appendField(Array(text.utf8), to: &output, delimiter: delimiter)
        }
    }

    private static func appendDecimal(_ value: UInt64, to output: inout [UInt8]) {
        if value == 0 { output.append(UInt8(ascii: "0")); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(rest % 10) + 48
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    private static func appendField(_ bytes: some Collection<UInt8>, to output: inout [UInt8], delimiter: UInt8) {
        let needsQuotes = bytes.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { output.append(contentsOf: bytes); return }
        output.append(0x22)
        for byte in bytes {
            if byte == 0x22 { output.append(0x22) }
            output.append(byte)
        }
        output.append(0x22)
    }
}
