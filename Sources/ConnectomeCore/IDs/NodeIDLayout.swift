import JSONModel

/// The bit layout of PyChunkedGraph node IDs: `| layer | x | y | z | segment |` from the top bit down.
///
/// Whether an ID is a well-formed root or supervoxel is pure bit arithmetic on the layer field
/// (`layer == n_layers` / `layer == 1`, as CloudVolume and crantpy test it), so it needs no server:
/// only `n_layers` and `n_bits_for_layer_id`. It says nothing about whether the ID exists or is current.
public struct NodeIDLayout: Sendable, Equatable {
    /// `n_layers` of the graph: the layer of root IDs.
    public var nLayers: Int
    /// `n_bits_for_layer_id` (8 on every CAVE graph so far).
    public var layerBits: Int
    /// `spatial_bit_masks`: bits per chunk coordinate for each layer; empty when unknown.
    public var spatialBits: [Int: Int]

    public init(nLayers: Int, layerBits: Int = 8, spatialBits: [Int: Int] = [:]) {
        precondition(layerBits > 0 && layerBits < 64, "layerBits must be in 1...63")
        self.nLayers = nLayers
        self.layerBits = layerBits
        self.spatialBits = spatialBits
    }

    /// The layout a dataset declares, or nil when it does not know its graph's `n_layers`.
    public init?(dataset: DatasetDescription) {
        guard let layers = dataset.nodeIDLayers else { return nil }
        self.init(nLayers: layers, layerBits: dataset.layerBits)
    }

    /// Reads `n_layers`, `n_bits_for_layer_id` and `spatial_bit_masks` from a graphene `info`
    /// document (the whole document or its `graph` member).
    public init(graphInfo: JSONValue) throws(ConnectomeError) {
        let graph = graphInfo["graph"] ?? graphInfo
        guard let layers = graph["n_layers"]?.intValue, layers > 0 else {
            throw ConnectomeError.data(
                "the graph info has no positive integer `n_layers` (got \(graph["n_layers"]?.text() ?? "nothing"))",
                hint: "Pass the chunked graph's `info` JSON (…/segmentation/table/<table>/info) or set n_layers by hand")
        }
        var bits = 8
        if let value = graph["n_bits_for_layer_id"] {
            guard let parsed = value.intValue, (1...63).contains(parsed) else {
                throw ConnectomeError.data("the graph info's `n_bits_for_layer_id` is \(value.text()); expected an integer from 1 to 63")
            }
            bits = parsed
        }
        var spatial: [Int: Int] = [:]
        switch graph["spatial_bit_masks"] {
        case .object(let masks)?:
            for (key, value) in masks {
                guard let layer = Int(key), let count = value.intValue, count >= 0 else {
                    throw ConnectomeError.data("the graph info's `spatial_bit_masks` entry \(key): \(value.text()) is not layer: bits")
                }
                spatial[layer] = count
            }
        case .array(let masks)?:
            for (index, value) in masks.enumerated() {
                guard let count = value.intValue, count >= 0 else {
                    throw ConnectomeError.data("the graph info's `spatial_bit_masks`[\(index)] is \(value.text()), not a bit count")
                }
                spatial[index] = count
            }
        default: break
        }
        self.init(nLayers: layers, layerBits: bits, spatialBits: spatial)
    }

    // MARK: - Per ID

    /// The layer field: the top `layerBits` bits.
    @inlinable
    public func layer(of id: SegmentID) -> Int {
        Int(truncatingIfNeeded: id.rawValue >> UInt64(64 - layerBits))
    }

    @inlinable
    public func isValidRoot(_ id: SegmentID) -> Bool { layer(of: id) == nLayers }

    @inlinable
    public func isValidSupervoxel(_ id: SegmentID) -> Bool { layer(of: id) == 1 }

    /// The chunk coordinates encoded under the layer field, given `bits` per coordinate (from
    /// `spatialBits` for the ID's layer when nil). Nil when the bit count is unknown.
    public func chunkCoordinates(of id: SegmentID, bits: Int? = nil) -> (x: Int, y: Int, z: Int)? {
        guard let s = bits ?? spatialBits[layer(of: id)], s > 0, layerBits + 3 * s < 64 else { return nil }
        let mask: UInt64 = (1 << UInt64(s)) - 1
        let top = UInt64(64 - layerBits)
        let raw = id.rawValue
        let x = (raw >> (top - UInt64(s))) & mask
        let y = (raw >> (top - UInt64(2 * s))) & mask
        let z = (raw >> (top - UInt64(3 * s))) & mask
        return (Int(x), Int(y), Int(z))
    }

    /// The chunk ID: the node ID with its segment bits cleared. Nil when the bit count is unknown.
    public func chunkID(of id: SegmentID, bits: Int? = nil) -> SegmentID? {
        guard let s = bits ?? spatialBits[layer(of: id)], s >= 0, layerBits + 3 * s < 64 else { return nil }
        let segmentBits = UInt64(64 - layerBits - 3 * s)
        return SegmentID((id.rawValue >> segmentBits) << segmentBits)
    }

    // MARK: - Many IDs

    /// `isValidRoot` for every ID, in order.
    public func isValidRoot(_ ids: [SegmentID]) -> [Bool] { map(ids, layer: nLayers) }

    /// `isValidSupervoxel` for every ID, in order.
    public func isValidSupervoxel(_ ids: [SegmentID]) -> [Bool] { map(ids, layer: 1) }

    private func map(_ ids: [SegmentID], layer wanted: Int) -> [Bool] {
        let shift = UInt64(64 - layerBits)
        let target = UInt64(wanted)
        return [Bool](unsafeUninitializedCapacity: ids.count) { buffer, count in
            ids.withUnsafeBufferPointer { source in
                for index in source.indices {
                    buffer[index] = source[index].rawValue >> shift == target
                }
            }
            count = ids.count
        }
    }
}
