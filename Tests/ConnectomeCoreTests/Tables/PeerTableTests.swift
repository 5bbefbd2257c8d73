import Foundation
import JSONModel
import TestSupport
import Testing
@testable import ConnectomeCore

/// Tables written by pandas and pyarrow (Tests/EndToEnd/peer_tables/make_tables.py), read through
/// FileStore and compared cell for cell with what pyarrow (Arrow) or Python's csv module (CSV)
/// read from the same files; then written by the kernel and read back by pandas and pyarrow.
///
/// Runs when `CK_PEER_TABLES` names the script's output directory (the Makefile generates it).
@Suite struct PeerTableTests {
    static let directory = ProcessInfo.processInfo.environment["CK_PEER_TABLES"]
    static let python = ProcessInfo.processInfo.environment["CK_PEER_PYTHON"]

    struct Expected: Sendable, CustomStringConvertible {
        var file: String
        var writer: String
        var columns: [JSONValue]
        var description: String { "\(file) (\(writer))" }
    }

    static func expectedFiles() -> [Expected] {
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/expected.json"),
              let json = try? JSONValue.parse(data), let files = json["files"]?.arrayValue else { return [] }
        return files.compactMap { file in
            guard let name = file["file"]?.stringValue, let columns = file["columns"]?.arrayValue else { return nil }
            return Expected(file: name, writer: file["writer"]?.stringValue ?? "?", columns: columns)
        }
    }

    /// Shown as the reason the suite's tests were skipped.
    static let needsFixtures: Comment =
        "needs CK_PEER_TABLES, the output of Tests/EndToEnd/peer_tables/make_tables.py (pandas, pyarrow); `make peer-fixtures` writes it"

    @Test(.enabled(if: directory != nil, needsFixtures))
    func fixturesAreReadable() {
        #expect(Self.expectedFiles().count >= 10, "CK_PEER_TABLES=\(Self.directory ?? "") has no readable expected.json")
    }

    @Test(.enabled(if: directory != nil, needsFixtures), arguments: expectedFiles())
    func readsThePeerTable(expected: Expected) async throws {
        let table = try await TableFile.read(url: "file://" + Self.directory! + "/" + expected.file, transport: nil)
        #expect(table.columnNames == expected.columns.compactMap { $0["name"]?.stringValue }, "\(expected)")
        for column in expected.columns {
            let name = column["name"]?.stringValue ?? ""
            guard let mine = table.column(name) else { Issue.record("\(expected): no column \(name)"); continue }
            #expect(mine.type.description == column["type"]?.stringValue, "\(expected): column \(name) has type \(mine.type)")
            let values = column["values"]?.arrayValue ?? []
            #expect(mine.count == values.count, "\(expected): column \(name) has \(mine.count) rows, expected \(values.count)")
            for (row, value) in values.enumerated() where row < mine.count {
                let cell = mine.data.cell(row)
                if !TableExpectation.matches(cell, value) {
                    Issue.record("\(expected): column \(name) row \(row) is \(cell), expected \(value.text())")
                    break
                }
            }
        }
    }

    /// Every Arrow file pandas and pyarrow wrote (one batch or several, dictionaries, compressed or
    /// not) reads the same in ranges as from its bytes.
    @Test(.enabled(if: directory != nil, needsFixtures))
    func rangedReadsMatchWholeReads() throws {
        var ranged = 0
        for expected in Self.expectedFiles() where expected.file.hasSuffix(".feather") || expected.file.hasSuffix(".arrow") {
            let path = Self.directory! + "/" + expected.file
            let whole = try ArrowReader.read(bytes: Data(contentsOf: URL(fileURLWithPath: path)), name: expected.file)
            let file = try #require(try RangedFile(path: path))
            let table = try ArrowReader.read(file: file, name: expected.file)
            #expect(table != nil, "\(expected): not read in ranges")
            if let table {
                ranged += 1
                #expect(table == whole, "\(expected)")
            }
        }
        #expect(ranged >= 8, "pandas' and pyarrow's files are all read in ranges")
    }

    /// The kernel writes CSV and feather of each fixture; pandas and pyarrow must read the same values back.
    @Test(.enabled(if: directory != nil && python != nil, "needs CK_PEER_TABLES and CK_PEER_PYTHON (a python with pandas and pyarrow)"))
    func pandasReadsWhatTheKernelWrites() async throws {
        let output = try TemporaryDirectory(prefix: "cck-tables")
        defer { output.remove() }
        let sources = ["neurons_zstd.feather", "types_lz4.arrows", "neurons.csv", "synapses_cave.arrows"]
        var checks: [JSONValue] = []
        for source in sources {
            let table = try await TableFile.read(url: "file://" + Self.directory! + "/" + source, transport: nil)
            let stem = source.split(separator: ".")[0]
            for suffix in ["csv", "feather"] {
                let name = "written_\(stem).\(suffix)"
                try TableFile.write(table, to: output.path + "/" + name)
                checks.append(["file": .string(name), "expected": .string(source)])
            }
        }
        try FileManager.default.copyItem(atPath: Self.directory! + "/expected.json", toPath: output.path + "/expected.json")
        try JSONValue.array(checks).serialized().write(to: URL(fileURLWithPath: output.path + "/check.json"))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../EndToEnd/peer_tables/make_tables.py").standardized.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [script, "--check", output.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "make_tables.py --check:\n\(report)")
    }
}

/// Compares a cell with its JSON expectation from make_tables.py.
enum TableExpectation {
    static func matches(_ cell: TableCell, _ value: JSONValue) -> Bool {
        if value.isNull { return cell.isNull }
        switch cell {
        case .null:
            return value.stringValue == "nan"
        case .uint64(let number): return value.stringValue == String(number)
        case .int64(let number): return value.uint64Value.map { Int64(exactly: $0) == number } ?? (value == .int(number))
        case .double(let number): return double(value).map { $0 == number || ($0.isNaN && number.isNaN) } ?? false
        case .bool(let flag): return value.boolValue == flag
        case .string(let text): return value.stringValue == text
        case .timestamp(let number, _, _): return value == .int(number) || value.uint64Value.map { Int64(exactly: $0) == number } == true
        case .stringList(let elements):
            guard let array = value.arrayValue, array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { element, expected in
                element.map { expected.stringValue == $0 } ?? expected.isNull
            }
        case .vector(let numbers):
            guard let array = value.arrayValue, array.count == 3 else { return false }
            return zip(numbers, array).allSatisfy { double($1) == $0 }
        case .intVector(let numbers):
            guard let array = value.arrayValue, array.count == 3 else { return false }
            return zip(numbers, array).allSatisfy { $1 == .int($0) || $1.uint64Value.map { Int64(exactly: $0) } == $0 }
        }
    }

    static func double(_ value: JSONValue) -> Double? {
        switch value.stringValue {
        case "nan"?: return .nan
        case "inf"?: return .infinity
        case "-inf"?: return -.infinity
        default: return value.doubleValue
        }
    }
}
