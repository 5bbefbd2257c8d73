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
        let zoom = try invocation.int("zoom", default: 0)
        guard zoom >= 0, zoom <= stack.maxZoomLevel else {
            throw invocation.argumentError("zoom", "zoom \(zoom) is not a level of stack \(stack.id)",
                                           hint: "Its levels are 0 to \(stack.maxZoomLevel)")
        }
        let units = try invocation.string("units", default: "voxels")
        let region: StackPlaneRegion
        let section: Int
        switch units {
        case "nm":
            (region, section) = try stack.planeRegion(centredOnProject: StackVector(x: centre.x, y: centre.y, z: centre.z),
                                                      zoom: zoom, width: width, height: height)
        case "voxels":
            let factor = try stack.downsample(zoom: zoom)
            region = .centred(x: Int((centre.x / factor.x).rounded(.down)), y: Int((centre.y / factor.y).rounded(.down)),
                              width: width, height: height)
            section = Int(centre.z.rounded(.down))
        default:
            throw invocation.argumentError("units", "units=\"\(units)\" is not a unit", hint: "Use units=\"voxels\" or units=\"nm\"")
        }
        let read = try await connection.reader.readSection(stack: stack, mirror: mirror, zoom: zoom, region: region, section: section)
        var image = read.image
        if display.window != nil || display.contrast != "none" || display.invert {
            let section = VoxelSection(x: 0..<image.width, y: 0..<image.height, z: section, dataType: .uint8, channels: 1,
                                       data: image.pixels)
            image = try await SliceRendering.render(em: section, labels: nil, options: display)
        }
        let summary = read.summary + " · \(width)×\(height) px · \(elapsedMilliseconds) ms"
        return .custom(try await ImageValue.encoded(image: image, summary: summary))
    }
}
