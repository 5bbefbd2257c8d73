import Foundation

/// Scale levels and voxel ↔ world conversion.
///
/// Each zoom level has its own shape, `ceil(dimension / downsample)` (pymaid reports level 0's shape
/// at every level). World coordinates follow CATMAID's client: along each stack axis,
/// `world = voxel × resolution × downsample + translation`, where the translation is that of the
/// project axis the stack axis runs along (see `StackOrientation`).
extension StackInfo {
    /// The highest zoom level that can be read: the stated one, the last explicit factor, or the
    /// first level whose plane is a single voxel.
    /// Never more than `DataLimits.maxZoomLevels`, so that `1 << level` stays a positive `Int`.
    public var maxZoomLevel: Int {
        let stated = min(numZoomLevels ?? DataLimits.maxZoomLevels, DataLimits.maxZoomLevels)
        if let downsampleFactors { return min(stated, downsampleFactors.count - 1) }
        if numZoomLevels != nil { return stated }
        // ceil(count / 2^level) > 1 exactly when count > 2^level.
        var level = 0
        while level < DataLimits.maxZoomLevels, dimension.x > 1 << level || dimension.y > 1 << level { level += 1 }
        return level
    }

    /// Downsampling of `zoom` relative to level 0 along stack x, y, z.
    public func downsample(zoom: Int) throws(ConnectomeError) -> StackVector {
        guard zoom >= 0, zoom <= maxZoomLevel else {
            throw ConnectomeError.argument(
                "zoom level \(zoom) does not exist for stack \(id) '\(title)': its levels are 0…\(maxZoomLevel)",
                hint: "pick a zoom between 0 (full resolution) and \(maxZoomLevel)")
        }
        if let downsampleFactors { return downsampleFactors[zoom] }
        let factor = Double(1 << zoom)
        return StackVector(x: factor, y: factor, z: 1)
    }

    /// Voxels along stack x, y, z at `zoom`.
    public func size(zoom: Int) throws(ConnectomeError) -> StackExtent {
        let factor = try downsample(zoom: zoom)
        func scaled(_ count: Int, _ by: Double, _ axis: String) throws(ConnectomeError) -> Int {
            guard let voxels = Checked.int(Double(count) / by, rounding: .up),
                  (0...DataLimits.maxAxisVoxels).contains(voxels) else {
                throw ConnectomeError.outOfRange(
                    "stack \(id) '\(title)'", field: "the zoom \(zoom) size along \(axis)",
                    value: "\(count) / \(by.compact)", allowed: "0 to 2^40 voxels",
                    hint: "the stack's dimension or downsample_factors are wrong; check its info")
            }
            return voxels
        }
        return StackExtent(x: try scaled(dimension.x, factor.x, "x"), y: try scaled(dimension.y, factor.y, "y"),
                           z: try scaled(dimension.z, factor.z, "z"))
    }

    /// Voxel size (nm) along stack x, y, z at `zoom`.
    public func voxelSize(zoom: Int) throws(ConnectomeError) -> StackVector {
        let factor = try downsample(zoom: zoom)
        return StackVector(x: resolution.x * factor.x, y: resolution.y * factor.y, z: resolution.z * factor.z)
    }

    /// The project translation re-ordered to stack axes.
    public var translationInStackAxes: StackVector {
        let axes = orientation.projectAxes
        return StackVector(x: translation[axes[0]], y: translation[axes[1]], z: translation[axes[2]])
    }

    /// World position (nm, project axes) of a voxel position given in stack axes at `zoom`.
    public func projectPosition(ofVoxel voxel: StackVector, zoom: Int) throws(ConnectomeError) -> StackVector {
        let size = try voxelSize(zoom: zoom)
        let offset = translationInStackAxes
        let stack = [voxel.x * size.x + offset.x, voxel.y * size.y + offset.y, voxel.z * size.z + offset.z]
        var project = [0.0, 0.0, 0.0]
        for (stackAxis, projectAxis) in orientation.projectAxes.enumerated() { project[projectAxis] = stack[stackAxis] }
        return StackVector(x: project[0], y: project[1], z: project[2])
    }

    /// Voxel position (stack axes, at `zoom`, fractional) of a world position in project nm.
    public func voxel(ofProjectPosition position: StackVector, zoom: Int) throws(ConnectomeError) -> StackVector {
        let size = try voxelSize(zoom: zoom)
        let axes = orientation.projectAxes
        let offset = translationInStackAxes
        return StackVector(x: (position[axes[0]] - offset.x) / size.x,
                           y: (position[axes[1]] - offset.y) / size.y,
                           z: (position[axes[2]] - offset.z) / size.z)
    }

    /// The level-0 section index that holds a world position (nm, project axes).
    public func section(ofProjectPosition position: StackVector) throws(ConnectomeError) -> Int {
        try wholeVoxel(try voxel(ofProjectPosition: position, zoom: 0).z, position: position)
    }

    /// A fractional voxel coordinate rounded down, or an argument error for a position so far
    /// away (or a geometry so broken) that it is no sane `Int`.
    func wholeVoxel(_ value: Double, position: StackVector) throws(ConnectomeError) -> Int {
        // ±2^60 is far outside any stack (≤ 2^40 voxels) yet leaves room to add a region's size.
        guard let voxel = Checked.int(value, rounding: .down), (-(1 << 60)...(1 << 60)).contains(voxel) else {
            throw ConnectomeError.argument(
                "the position \(position) nm lies at voxel \(value) of stack \(id) '\(title)', which no image holds",
                hint: "give a position inside the stack (its voxel (0, 0, 0) is at \(translation) nm)")
        }
        return voxel
    }
}

extension StackInfo {
    /// The `width` × `height` region of zoom `zoom` centred on a world position (nm, project axes),
    /// and the level-0 section that holds it: what "show me around this point" needs.
    public func planeRegion(centredOnProject position: StackVector, zoom: Int, width: Int,
                            height: Int) throws(ConnectomeError) -> (region: StackPlaneRegion, section: Int) {
        let voxel = try voxel(ofProjectPosition: position, zoom: zoom)
        let region = StackPlaneRegion.centred(x: try wholeVoxel(voxel.x, position: position),
                                              y: try wholeVoxel(voxel.y, position: position),
                                              width: width, height: height)
        return (region, try section(ofProjectPosition: position))
    }
}
