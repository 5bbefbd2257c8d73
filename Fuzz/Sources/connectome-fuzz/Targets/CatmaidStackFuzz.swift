import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// A CATMAID `stack/info` answer (or a project's stack list), then what `stack ... ` derives from it:
    /// every zoom level's size and voxel size, the region around the stack's centre, and a 16 × 16 read of
    /// it through every mirror from stores that hold no tiles (tiles read as background; only the tile
    /// arithmetic and the N5 template run).
    static let catmaidStack = FuzzTarget(name: "catmaid-stack", summary: "CATMAID stack info and the tile arithmetic of a read", runsTasks: true,
                                         json: .whole) { data in
        _ = try? StackSummary.parseList(data, source: "memory://fuzz/stacks")
        let stack: StackInfo
        do {
            stack = try StackInfo.parse(data, source: "memory://fuzz/stack/1/info")
        } catch {
            expectConnectomeError(error, "catmaid-stack parse")
            return
        }
        let zooms = 0...min(max(stack.maxZoomLevel, 0), 8)
        for zoom in zooms {
            _ = try? stack.size(zoom: zoom)
            _ = try? stack.voxelSize(zoom: zoom)
        }
        let centreVoxel = StackVector(x: Double(stack.dimension.x) / 2, y: Double(stack.dimension.y) / 2,
                                      z: Double(stack.dimension.z) / 2)
        let reader = StackReader(opener: CatmaidStoreOpener { _, _, _ in MemoryStore(name: "fuzz") })
        blocking {
            for zoom in [zooms.lowerBound, zooms.upperBound] {
                guard let centre = try? stack.projectPosition(ofVoxel: centreVoxel, zoom: 0),
                      let (region, section) = try? stack.planeRegion(centredOnProject: centre, zoom: zoom,
                                                                     width: 16, height: 16)
                else { continue }
                for mirror in stack.mirrors.prefix(3) {
                    do {
                        _ = try await reader.readSection(stack: stack, mirror: mirror, zoom: zoom, region: region,
                                                         section: section)
                    } catch {
                        expectConnectomeError(error, "catmaid-stack readSection")
                    }
                }
            }
        }
    }
}
