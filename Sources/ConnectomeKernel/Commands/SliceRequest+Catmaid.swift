import CommandLanguage
import ConnectomeCore
import Foundation

extension SliceRequest {
    /// `slice` on the CATMAID stack chosen with `stack`: tiles (or N5 blocks) of one section.
    func runOnStack(_ connection: CatmaidConnection) async throws -> Value {
        guard let stack = connection.stack, let mirror = connection.mirror else {
            throw ConnectomeError.argument("no stack is chosen", hint: "Choose one with stack ID")
        }
        for name in ["mip", "overlay", "segments", "layer"] where invocation.has(name) {
            throw invocation.argumentError(name, "\(name)= is for precomputed datasets; the image source is CATMAID stack \(stack.id)",
                                           hint: "Use zoom= for stacks, or `dataset sample` to go back to the dataset")
        }
        let zoom = try invocation.int("zoom", in: SliceCommands.levels, default: 0)
        guard zoom <= stack.maxZoomLevel else {
            throw invocation.argumentError("zoom", "zoom \(zoom) is not a level of stack \(stack.id)",
                                           hint: "Its levels are 0 to \(stack.maxZoomLevel)")
        }
        let units = try invocation.string("units", default: "voxels")
        let region: StackPlaneRegion
        let section: Int
        switch units {
        case "nm":
            // x, y, z are within ±2^40 nm (declared); the stack checks the voxels they become.
            (region, section) = try stack.planeRegion(centredOnProject: StackVector(x: centre.x, y: centre.y, z: centre.z),
                                                      zoom: zoom, width: width, height: height)
        case "voxels":
            let factor = try stack.downsample(zoom: zoom)
            region = .centred(x: try invocation.int(centre.x / factor.x, derivedFrom: "x", in: .coordinate, what: "zoom-\(zoom) voxel x"),
                              y: try invocation.int(centre.y / factor.y, derivedFrom: "y", in: .coordinate, what: "zoom-\(zoom) voxel y"),
                              width: width, height: height)
            section = try invocation.int(centre.z, derivedFrom: "z", in: .coordinate, what: "section")
        default:
            throw invocation.argumentError("units", "units=\"\(units)\" is not a unit", hint: "Use units=\"voxels\" or units=\"nm\"")
        }
        let reworked = display.window != nil || display.contrast != "none" || display.invert
        let grey = MemoryBudget.Part("the grey image", width, height)
        var parts = [grey]
        if reworked { parts += [MemoryBudget.Part("the contrast-adjusted image", width, height)] }
        parts += MemoryBudget.Part.encoded(imageBytes: grey.bytes)
        try state.memoryBudget.check(parts, doing: "this \(width) × \(height) slice", invocation: invocation,
                                     blame: ["size", "width", "height"],
                                     fix: "Ask for a smaller size= (or width= and height=) or a coarser zoom=")
        let read = try await connection.reader.readSection(stack: stack, mirror: mirror, zoom: zoom, region: region, section: section)
        var image = read.image
        if reworked {
            let section = VoxelSection(x: 0..<image.width, y: 0..<image.height, z: section, dataType: .uint8, channels: 1,
                                       data: image.pixels)
            image = try await SliceRendering.render(em: section, labels: nil, options: display)
        }
        let summary = read.summary + " · \(width)×\(height) px · \(elapsedMilliseconds) ms"
        return .custom(try await ImageValue.encoded(image: image, summary: summary))
    }
}
