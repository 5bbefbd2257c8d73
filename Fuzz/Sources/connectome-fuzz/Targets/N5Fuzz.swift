import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// An N5 dataset's `attributes.json`, a NUL byte, then one block file (JSON never holds a raw NUL):
    /// the attributes are parsed, and the block decoded against them as the CATMAID N5 reader does.
    static let n5 = FuzzTarget(name: "n5", summary: "N5 attributes.json and block headers", json: .untilNUL) { data in
        let split = data.firstIndex(of: 0) ?? data.endIndex
        let attributes: N5DatasetAttributes
        do {
            attributes = try N5DatasetAttributes.parse(data[data.startIndex..<split], source: "memory://fuzz/attributes.json")
        } catch {
            expectConnectomeError(error, "n5 attributes")
            return
        }
        _ = N5DatasetAttributes.blockKey(attributes.dimensions.map { _ in 0 })
        let block = split < data.endIndex ? data[(split + 1)...] : Data()
        do {
            _ = try N5Block.decode(Data(block), attributes: attributes, source: "memory://fuzz/0/0/0")
        } catch {
            expectConnectomeError(error, "n5 block")
        }
    }
}
