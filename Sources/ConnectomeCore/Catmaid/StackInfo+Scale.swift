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
    public var maxZoomLevel: Int {
        if let downsampleFactors { return min(numZoomLevels ?? Int.max, downsampleFactors.count - 1) }
        if let numZoomLevels { return numZoomLevels }
        var level = 0
        func scaled(_ count: Int) -> Int { (count + (1 << level) - 1) >> level }
        while scaled(dimension.x) > 1 || scaled(dimension.y) > 1 { level += 1 }
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
        func scaled(_ count: Int, _ by: Double) -> Int { Int((Double(count) / by).rounded(.up)) }
        return StackExtent(x: scaled(dimension.x, factor.x), y: scaled(dimension.y, factor.y),
                           z: scaled(dimension.z, factor.z))
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
        Int(try voxel(ofProjectPosition: position, zoom: 0).z.rounded(.down))
    }
}

extension StackInfo {
    /// The `width` × `height` region of zoom `zoom` centred on a world position (nm, project axes),
    /// and the level-0 section that holds it: what "show me around this point" needs.
    public func planeRegion(centredOnProject position: StackVector, zoom: Int, width: Int,
                            height: Int) throws(ConnectomeError) -> (region: StackPlaneRegion, section: Int) {
        let voxel = try voxel(ofProjectPosition: position, zoom: zoom)
        let region = StackPlaneRegion.centred(x: Int(voxel.x.rounded(.down)), y: Int(voxel.y.rounded(.down)),
                                              width: width, height: height)
        return (region, try section(ofProjectPosition: position))
    }
}
