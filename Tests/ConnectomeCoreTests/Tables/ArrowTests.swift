import Foundation
import TestSupport
import Testing
@testable import ConnectomeCore

/// The Arrow reader and writer against each other (the peer files are in PeerTableTests), and
/// the reader against damaged files: every one must be a DataError, never a crash.
@Suite struct ArrowTests {
    static let table: DataTable = {
        try! DataTable(columns: [
            DataColumn("root_id", .uint64(ScalarColumn([18_446_744_073_709_551_615, nil, 0, 576_460_752_303_423_488], null: 0))),
            DataColumn("n", .int64(ScalarColumn(values: [Int64.min, -1, 7, 0]))),
            DataColumn("x", .double(ScalarColumn([0.1, nil, -.infinity, 1e300], null: .nan))),
            DataColumn("flag", .bool(ScalarColumn([true, false, nil, true], null: false))),
            DataColumn("name", .string(StringColumn(["a,b", "ünï 神经", nil, ""]))),
            DataColumn("tags", .stringList(StringListColumn([["a", nil], [], nil, ["x", "y", "z"]]))),
            DataColumn("pos", .intVector(VectorColumn(values: [1, 2, 3, -4, 5, 6, 0, 0, 0, 7, 8, 9], validity: Validity([true, true, false, true])))),
            DataColumn("p", .vector(VectorColumn(values: [0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))),
            DataColumn("t", .timestamp(ScalarColumn([1_714_566_600_123_456_789, nil, -1, 0], null: 0), .nanosecond, timeZone: "UTC")),
        ])
    }()

    @Test(arguments: [nil, ArrowWriter.Compression.lz4, .zstd], [ArrowWriter.Framing.file, .stream])
    func writerAndReaderAgree(compression: ArrowWriter.Compression?, framing: ArrowWriter.Framing) throws {
        let bytes = ArrowWriter.write(Self.table, compression: compression, framing: framing)
        #expect(ArrowReader.looksLikeArrow(bytes))
        let back = try ArrowReader.read(bytes: bytes, name: "round.feather")
        #expect(back == Self.table)
        #expect(back.columns.map(\.type) == Self.table.columns.map(\.type))
    }

    @Test func emptyTablesKeepTheirColumns() throws {
        let empty = Self.table.head(0)
        let back = try ArrowReader.read(bytes: ArrowWriter.write(empty), name: "empty.feather")
        #expect(back.rowCount == 0 && back.columnNames == Self.table.columnNames)
    }

    @Test func tableFileChoosesTheFormatByNameAndMagic() throws {
        let directory = try TemporaryDirectory(prefix: "cck-tablefile")
        defer { directory.remove() }
        for name in ["t.csv", "t.tsv", "t.csv.gz", "t.feather", "t.arrows"] {
            try TableFile.write(Self.table, to: directory.path + "/" + name)
            let data = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + name))
            let back = try TableFile.read(bytes: data, name: name)
            #expect(back.rowCount == Self.table.rowCount && back.columnNames == Self.table.columnNames, "\(name)")
            if name.hasSuffix("feather") || name.hasSuffix("arrows") { #expect(back == Self.table, "\(name)") }
        }
        // Arrow is recognised whatever the name; a name that promises Arrow must deliver it.
        #expect(try TableFile.read(bytes: ArrowWriter.write(Self.table), name: "download") == Self.table)
        #expect(throws: ConnectomeError.self) { try TableFile.read(bytes: Data("a,b\n1,2\n".utf8), name: "t.feather") }
        #expect(throws: ConnectomeError.self) { try TableFile.write(Self.table, to: directory.path + "/t.xlsx") }
    }

    @Test func readsThroughTheFileStore() async throws {
        let directory = try TemporaryDirectory(prefix: "cck-tablestore")
        defer { directory.remove() }
        try directory.write(["sub/neurons.feather": ArrowWriter.write(Self.table)])
        let table = try await TableFile.read(url: "file://" + directory.path + "/sub/neurons.feather", transport: nil)
        #expect(table == Self.table)
        let plain = try await TableFile.read(url: directory.path + "/sub/neurons.feather", transport: nil)
        #expect(plain == Self.table)
        await #expect(throws: ConnectomeError.self) {
            try await TableFile.read(url: "file://" + directory.path + "/missing.csv", transport: nil)
        }
    }

    @Test func damagedFilesAreDataErrorsNamingTheFile() throws {
        let good = [UInt8](ArrowWriter.write(Self.table))
        let cases: [(String, [UInt8])] = [
            ("cut short", Array(good.prefix(good.count / 2))),
            ("no footer magic", Array(good.dropLast(1))),
            ("only the magic", Array("ARROW1".utf8) + [0, 0]),
            ("footer length too large", { var b = good; b[b.count - 10] = 0xFF; b[b.count - 9] = 0xFF; return b }()),
            ("stream of garbage", [0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0, 0, 0] + [UInt8](repeating: 0xAB, count: 16)),
            ("empty stream", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]),
        ]
        for (what, bytes) in cases {
            do {
                _ = try ArrowReader.read(bytes: Data(bytes), name: "bad.feather")
                Issue.record("\(what): read without an error")
            } catch {
                #expect(error.kind == .data || error.kind == .unsupported, "\(what)")
                #expect(error.message.hasPrefix("bad.feather"), "\(what): \(error.message)")
            }
        }
    }

    /// A local Arrow file is read in ranges (footer, each batch's metadata, each column's bytes);
    /// the table is the one read from the bytes, and a stream or a CSV is left to the whole read.
    @Test(arguments: [nil, ArrowWriter.Compression.lz4, .zstd])
    func rangedReadsAgreeWithWholeReads(compression: ArrowWriter.Compression?) throws {
        let directory = try TemporaryDirectory(prefix: "cck-ranges")
        defer { directory.remove() }
        try directory.write(["t.feather": ArrowWriter.write(Self.table, compression: compression),
                             "t.arrows": ArrowWriter.write(Self.table, compression: compression, framing: .stream),
                             "t.csv": Data("a,b\n1,2\n".utf8), "tiny.feather": Data("ARROW1".utf8)])
        let file = try #require(try RangedFile(path: directory.path + "/t.feather"))
        #expect(try ArrowReader.read(file: file, name: "t.feather") == Self.table)
        for name in ["t.arrows", "t.csv", "tiny.feather"] {
            let other = try #require(try RangedFile(path: directory.path + "/" + name))
            #expect(try ArrowReader.read(file: other, name: name) == nil, "\(name)")
        }
        #expect(try RangedFile(path: directory.path + "/missing.feather") == nil)
        #expect(try RangedFile(path: directory.path) == nil)
        #expect(throws: ConnectomeError.self) {
            try file.read(at: file.size - 4, into: UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8))
        }
    }

    /// Damaged local files read in ranges are DataErrors naming the file, as from bytes; every
    /// single-byte change of a small compressed file reads or throws, never traps.
    @Test func damagedFilesReadInRangesAreDataErrors() async throws {
        let directory = try TemporaryDirectory(prefix: "cck-ranges-bad")
        defer { directory.remove() }
        let good = [UInt8](ArrowWriter.write(Self.table, compression: .lz4))
        var footer = good
        let footerLength = Int(footer[footer.count - 10]) | Int(footer[footer.count - 9]) << 8
        let blockOffset = footer.count - 10 - footerLength  // the footer's first bytes: its root offset
        footer[blockOffset] ^= 0x55
        let cases: [(String, [UInt8])] = [
            ("cut short", Array(good.prefix(good.count / 2))),
            ("footer length too large", { var b = good; b[b.count - 10] = 0xFF; b[b.count - 9] = 0xFF; return b }()),
            ("footer root damaged", footer),
            ("body cut out", Array(good.prefix(300)) + Array(good.suffix(footerLength + 10))),
        ]
        for (what, bytes) in cases {
            try directory.write(["bad.feather": Data(bytes)])
            do {
                _ = try await TableFile.read(url: "file://" + directory.path + "/bad.feather", transport: nil)
                Issue.record("\(what): read without an error")
            } catch let error as ConnectomeError {
                #expect(error.kind == .data || error.kind == .unsupported, "\(what)")
                #expect(error.message.hasPrefix("bad.feather"), "\(what): \(error.message)")
            }
        }
        let small = [UInt8](ArrowWriter.write(Self.table.head(1), compression: .zstd))
        for position in stride(from: 0, to: small.count, by: 3) {
            var bytes = small
            bytes[position] ^= 0xFF
            try directory.write(["m.feather": Data(bytes)])
            if let file = try RangedFile(path: directory.path + "/m.feather") {
                _ = try? ArrowReader.read(file: file, name: "m.feather")
            }
        }
    }

    /// Every single-byte change and every truncation of small files either reads or is a
    /// ConnectomeError: the bounds checks, not luck, keep the reader from trapping.
    @Test(arguments: [nil, ArrowWriter.Compression.lz4, .zstd])
    func mutatedFilesNeverCrash(compression: ArrowWriter.Compression?) {
        let small = Self.table.head(1)
        for framing in [ArrowWriter.Framing.file, .stream] {
            let good = [UInt8](ArrowWriter.write(small, compression: compression, framing: framing))
            for length in stride(from: 0, to: good.count, by: 5) {
                _ = try? ArrowReader.read(bytes: Data(good.prefix(length)), name: "cut")
            }
            for position in 0..<good.count {
                for value: UInt8 in [0xFF, good[position] ^ 0x01] where value != good[position] {
                    var bytes = good
                    bytes[position] = value
                    _ = try? ArrowReader.read(bytes: Data(bytes), name: "mutated")
                }
            }
        }
    }

    /// A table like a CAVE synapse answer: one record batch of many 64-bit columns (decoded as
    /// tasks of their own on all cores), a timestamp, nulls and a text column.
    static func wideTable(rows: Int, seed: UInt64) throws -> DataTable {
        var random = SplitMix64(state: seed)
        var columns: [DataColumn] = [
            DataColumn("id", .uint64(ScalarColumn(values: (0..<rows).map { _ in random.next() }))),
            DataColumn("created", .timestamp(ScalarColumn(values: (0..<rows).map { Int64($0) * 1_000 }), .millisecond, timeZone: "UTC")),
            DataColumn("superceded_id", .double(ScalarColumn((0..<rows).map { $0 % 7 == 0 ? Double($0) : nil }, null: .nan))),
            DataColumn("valid", .string(StringColumn((0..<rows).map { $0 % 5 == 0 ? nil : "t" }))),
            DataColumn("size", .int64(ScalarColumn((0..<rows).map { $0 % 11 == 3 ? nil : Int64(random.below(400)) - 20 }, null: 0))),
        ]
        for name in ["pre_pt_position_x", "pre_pt_position_y", "pre_pt_position_z", "post_pt_position_x", "ctr_pt_position_z"] {
            columns.append(DataColumn(name, .int64(ScalarColumn(values: (0..<rows).map { _ in Int64(random.below(1 << 20)) }))))
        }
        return try DataTable(columns: columns)
    }

    /// The columns of one record batch decoded as parallel tasks give the table the writer was
    /// given, equal to one-after-another decoding; a damaged stream reads the same or fails with
    /// the same error either way.
    @Test(arguments: [nil, ArrowWriter.Compression.lz4, .zstd])
    func parallelColumnsEqualSerialDecoding(compression: ArrowWriter.Compression?) throws {
        let table = try Self.wideTable(rows: 30_000, seed: 17)
        let bytes = ArrowWriter.write(table, compression: compression, framing: .stream)
        let parallel = try ArrowReader.read(bytes: bytes, name: "answer", serial: false)
        let serial = try ArrowReader.read(bytes: bytes, name: "answer", serial: true)
        #expect(parallel == table)
        #expect(serial == table)
        #expect(parallel.columns.map(\.type) == serial.columns.map(\.type))

        func outcome(_ data: Data, serial: Bool) -> Result<DataTable, ConnectomeError> {
            do { return .success(try ArrowReader.read(bytes: data, name: "damaged", serial: serial)) } catch { return .failure(error) }
        }
        let small = ArrowWriter.write(try Self.wideTable(rows: 300, seed: 5), compression: compression, framing: .stream)
        var failures = 0
        for position in stride(from: 0, to: small.count, by: 7) {
            var damaged = [UInt8](small)
            damaged[position] ^= 0x5A
            let data = Data(damaged)
            switch (outcome(data, serial: false), outcome(data, serial: true)) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "byte \(position)")
            case (.failure(let a), .failure(let b)):
                failures += 1
                #expect(a.kind == b.kind && a.message == b.message, "byte \(position): \(a.message) / \(b.message)")
                #expect(a.kind == .data || a.kind == .unsupported, "byte \(position)")
            default:
                Issue.record("byte \(position): parallel and serial decoding disagree on whether the stream reads")
            }
        }
        #expect(failures > 0)
    }

    @Test func flatBufferReaderChecksEveryOffset() throws {
        // A root offset past the end, a vtable outside the buffer, a cycle through a child table.
        #expect(throws: ArrowError.self) { try FlatBuffer([0xFF, 0, 0, 0]).root() }
        #expect(throws: ArrowError.self) { try FlatBuffer([4, 0, 0, 0, 0x40, 0, 0, 0]).root() }
        let root = try FlatBuffer(FlatBufferBuilder.build(.table([.i32(7), .offset(.string("hi")), nil, .i64(-5)]))).root()
        #expect(try root.i32(0) == 7 && root.string(1) == "hi" && root.i64(3) == -5 && root.i64(2, default: 9) == 9)
        #expect(try root.table(2) == nil && root.vector(9, elementSize: 4) == nil)
    }

    @Test func bufferCodecsRoundTripAndRejectWrongLengths() throws {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) }
        for codec in [BufferCodec.lz4Frame, .zstd] {
            let compressed = data.withUnsafeBytes { codec.compress($0) }
            let back = try compressed.withUnsafeBytes { try codec.decompress($0, length: data.count) }
            #expect(back == data)
            #expect(throws: ArrowError.self) { try compressed.withUnsafeBytes { try codec.decompress($0, length: data.count + 1) } }
            #expect(throws: ArrowError.self) { try compressed.withUnsafeBytes { try codec.decompress($0, length: data.count - 1) } }
            #expect(throws: ArrowError.self) { try Array(compressed.prefix(10)).withUnsafeBytes { try codec.decompress($0, length: data.count) } }
        }
    }

    @Test func halfFloats() {
        #expect(ArrowBatchDecoder.halfToDouble(0x3C00) == 1 && ArrowBatchDecoder.halfToDouble(0xC000) == -2)
        #expect(ArrowBatchDecoder.halfToDouble(0x7BFF) == 65504 && ArrowBatchDecoder.halfToDouble(0x0001) == 0x1p-24)
        #expect(ArrowBatchDecoder.halfToDouble(0x7C00) == .infinity && ArrowBatchDecoder.halfToDouble(0x7E00).isNaN)
    }
}
