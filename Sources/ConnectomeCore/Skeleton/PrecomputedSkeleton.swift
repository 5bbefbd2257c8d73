import Foundation

/// The neuroglancer precomputed skeleton blob: decode (bounds-checked, for files and fuzzing) and encode.
///
/// Layout, little-endian: `num_vertices` u32, `num_edges` u32, positions f32 × 3 × num_vertices,
/// edges u32 × 2 × num_edges, then each vertex attribute of the `info`, in order, num_vertices ×
/// num_components values of its type. Every count is checked against the blob's length before
/// anything is allocated, so a damaged or hostile blob is a `DataError`, never a trap or a huge allocation.
public enum PrecomputedSkeleton {
    /// Decodes one skeleton blob. Positions go through `info.transform` into nanometres, a one-component
    /// `radius` attribute becomes the radius (scaled alike), other attributes are kept; the tree is built
    /// from the edges (see `Skeleton.init(x:y:z:edges:...)`). Pure: no I/O, deterministic.
    public static func decode(bytes: Data, info: SkeletonInfo, segmentID: SegmentID? = nil,
                              source: String = "skeleton") throws -> Skeleton {
        guard bytes.count >= 8 else {
            throw ConnectomeError.data("\(source) is \(bytes.count) bytes, shorter than its 8-byte header (num_vertices, num_edges)",
                                       hint: "The skeleton file is damaged or not a precomputed skeleton")
        }
        return try bytes.withUnsafeBytes { raw -> Skeleton in
            func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
            let vertexCount = Int(u32(0)), edgeCount = Int(u32(4))
            let perVertex = 12 + info.attributeBytesPerVertex
            let (vertexBytes, o1) = vertexCount.multipliedReportingOverflow(by: perVertex)
            let (edgeBytes, o2) = edgeCount.multipliedReportingOverflow(by: 8)
            let (body, o3) = vertexBytes.addingReportingOverflow(edgeBytes)
            guard !o1, !o2, !o3, body == bytes.count - 8 else {
                let attributes = info.vertexAttributes.isEmpty ? "no vertex attributes"
                    : info.vertexAttributes.map { "\($0.id) \($0.dataType.rawValue) × \($0.components)" }.joined(separator: ", ")
                throw ConnectomeError.data(
                    "\(source) is \(bytes.count) bytes, but its header says num_vertices \(vertexCount) and num_edges \(edgeCount), which with \(attributes) need 8 + \(vertexCount) × \(perVertex) + \(edgeCount) × 8 = \(o1 || o2 || o3 ? "too many" : String(8 + body)) bytes",
                    hint: "The skeleton file is damaged, or the info's vertex_attributes do not match it")
            }
            let t = info.transform
            var x = [Float](repeating: 0, count: vertexCount), y = x, z = x
            for v in 0..<vertexCount {
                let base = 8 + 12 * v
                let px = Double(Float(bitPattern: u32(base))), py = Double(Float(bitPattern: u32(base + 4)))
                let pz = Double(Float(bitPattern: u32(base + 8)))
                x[v] = Float(t[0] * px + t[1] * py + t[2] * pz + t[3])
                y[v] = Float(t[4] * px + t[5] * py + t[6] * pz + t[7])
                z[v] = Float(t[8] * px + t[9] * py + t[10] * pz + t[11])
            }
            var edges: [(Int, Int)] = []
            edges.reserveCapacity(edgeCount)
            let edgeBase = 8 + 12 * vertexCount
            for e in 0..<edgeCount {
                let a = u32(edgeBase + 8 * e), b = u32(edgeBase + 8 * e + 4)
                guard a < vertexCount, b < vertexCount else {
                    throw ConnectomeError.data("\(source): edge \(e) joins vertices \(a) and \(b), but num_vertices is \(vertexCount)",
                                               hint: "The skeleton file is damaged")
                }
                edges.append((Int(a), Int(b)))
            }
            var offset = edgeBase + 8 * edgeCount
            var radius: [Float]?
            var attributes: [Skeleton.VertexAttribute] = []
            for attribute in info.vertexAttributes {
                let values = (0..<(vertexCount * attribute.components)).map { index in
                    load(raw, offset + index * attribute.dataType.itemSize, attribute.dataType)
                }
                offset += vertexCount * attribute.components * attribute.dataType.itemSize
                if attribute.id == "radius", attribute.components == 1, radius == nil {
                    let scale = info.radiusScale
                    if let bad = values.firstIndex(where: { !$0.isFinite }) {
                        throw ConnectomeError.data("\(source): vertex \(bad) has the radius \(values[bad])",
                                                   hint: "Radii must be finite numbers")
                    }
                    radius = values.map { Float($0 * scale) }
                } else {
                    attributes.append(Skeleton.VertexAttribute(id: attribute.id, components: attribute.components, values: values))
                }
            }
            return try Skeleton(segmentID: segmentID, x: x, y: y, z: z, edges: edges, radius: radius,
                                attributes: attributes, source: source)
        }
    }

    private static func load(_ raw: UnsafeRawBufferPointer, _ offset: Int, _ type: SkeletonInfo.DataType) -> Double {
        switch type {
        case .float32: Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .int8: Double(Int8(bitPattern: raw[offset]))
        case .uint8: Double(raw[offset])
        case .int16: Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .uint16: Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .int32: Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .uint32: Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
    }

    /// Encodes a skeleton for `info`: positions mapped back through the inverse transform, one edge
    /// (child, parent) per non-root node (the CAVE orientation, so the reader finds the same roots),
    /// then the info's attributes: `radius` from the radii, the others from `attributes` by id.
    public static func encode(_ skeleton: Skeleton, info: SkeletonInfo) throws -> Data {
        let n = skeleton.nodeCount
        guard n <= Int(UInt32.max) else {
            throw ConnectomeError.argument("a skeleton of \(n) nodes does not fit the format's 32-bit counts")
        }
        let inverse = try inverseTransform(info.transform)
        let edgeCount = skeleton.parents.lazy.filter { $0 >= 0 }.count
        var columns: [(SkeletonInfo.Attribute, [Double])] = []
        for attribute in info.vertexAttributes {
            if attribute.id == "radius", attribute.components == 1 {
                let scale = info.radiusScale
                columns.append((attribute, (skeleton.radius ?? [Float](repeating: 0, count: n)).map { Double($0) / scale }))
            } else if let stored = skeleton.attributes.first(where: { $0.id == attribute.id && $0.components == attribute.components }) {
                columns.append((attribute, stored.values))
            } else {
                throw ConnectomeError.argument(
                    "the skeleton has no vertex attribute \"\(attribute.id)\" with \(attribute.components) component(s), which the info lists",
                    hint: "Write with an info whose vertex_attributes the skeleton has")
            }
        }
        var out = [UInt8](repeating: 0, count: 8 + 12 * n + 8 * edgeCount + n * info.attributeBytesPerVertex)
        out.withUnsafeMutableBytes { raw in
            var offset = 0
            func put<T: FixedWidthInteger>(_ value: T) {
                raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
                offset += MemoryLayout<T>.size
            }
            put(UInt32(n))
            put(UInt32(edgeCount))
            for v in 0..<n {
                let p = skeleton.position(v)
                let (dx, dy, dz) = (p.x - inverse[3], p.y - inverse[7], p.z - inverse[11])
                put(Float(inverse[0] * dx + inverse[1] * dy + inverse[2] * dz).bitPattern)
                put(Float(inverse[4] * dx + inverse[5] * dy + inverse[6] * dz).bitPattern)
                put(Float(inverse[8] * dx + inverse[9] * dy + inverse[10] * dz).bitPattern)
            }
            for (child, parent) in skeleton.parents.enumerated() where parent >= 0 {
                put(UInt32(child))
                put(UInt32(parent))
            }
            for (attribute, values) in columns {
                for value in values {
                    switch attribute.dataType {
                    case .float32: put(Float(value).bitPattern)
                    case .int8: put(Int8(roundingClamped: value))
                    case .uint8: put(UInt8(roundingClamped: value))
                    case .int16: put(Int16(roundingClamped: value))
                    case .uint16: put(UInt16(roundingClamped: value))
                    case .int32: put(Int32(roundingClamped: value))
                    case .uint32: put(UInt32(roundingClamped: value))
                    }
                }
            }
        }
        return Data(out)
    }

    /// The inverse of a row-major 3 × 4 affine transform, as a 3 × 4 whose last column holds the
    /// original translation (subtract it, then multiply).
    static func inverseTransform(_ t: [Double]) throws -> [Double] {
        let (a, b, c, d, e, f, g, h, i) = (t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10])
        let determinant = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
        guard determinant.isFinite, abs(determinant) > 1e-12 else {
            throw ConnectomeError.argument("the skeleton transform \(t) cannot be inverted (determinant \(determinant))",
                                           hint: "Use a transform whose 3 × 3 part is invertible")
        }
        let r = 1 / determinant
        return [(e * i - f * h) * r, (c * h - b * i) * r, (b * f - c * e) * r, t[3],
                (f * g - d * i) * r, (a * i - c * g) * r, (c * d - a * f) * r, t[7],
                (d * h - e * g) * r, (b * g - a * h) * r, (a * e - b * d) * r, t[11]]
    }
}

extension FixedWidthInteger {
    /// The nearest representable value: rounded, clamped to the type's range, NaN as 0.
    init(roundingClamped value: Double) {
        if value.isNaN { self = 0; return }
        let rounded = value.rounded()
        if rounded <= Double(Self.min) { self = Self.min } else if rounded >= Double(Self.max) { self = Self.max } else { self = Self(rounded) }
    }
}
