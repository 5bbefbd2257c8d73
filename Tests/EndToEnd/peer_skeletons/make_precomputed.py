#!/usr/bin/env python3
"""Writes precomputed skeleton sources with CloudVolume, as the peer for the Swift skeleton reader.

Usage: make_precomputed.py OUTPUT_DIR

Needs cloud-volume (pip install cloud-volume) and numpy. Encodes seeded random skeletons with
CloudVolume's `Skeleton.to_precomputed` (radius float32 and vertex_types uint8 attributes) and
writes them twice: OUTPUT_DIR/unsharded/ (`info` + one file per segment ID) and OUTPUT_DIR/sharded/
(murmurhash sharding, gzip data and minishard indexes, shard files from CloudVolume's
`synthesize_shard_files`). OUTPUT_DIR/expected.json lists, per segment ID, vertices (nm), edges and radii.
"""
import json
import sys
from pathlib import Path

import numpy as np
from cloudvolume import Skeleton
from cloudvolume.datasource.precomputed.sharding import ShardingSpecification, synthesize_shard_files

ATTRIBUTES = [
    {"id": "radius", "data_type": "float32", "num_components": 1},
    {"id": "vertex_types", "data_type": "uint8", "num_components": 1},
]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    rng = np.random.default_rng(7)
    blobs, expected = {}, {}
    for k, segid in enumerate([12, 4_000_000_017, 576_460_752_303_423_489, 2**63 + 11]):
        n = 5 + 40 * k
        vertices = np.cumsum(rng.normal(0, 300, (n, 3)), axis=0).astype(np.float32) + 10_000
        edges = np.array([(i, int(rng.integers(0, i))) for i in range(1, n)], dtype=np.uint32)
        radii = rng.uniform(10, 200, n).astype(np.float32)
        types = rng.integers(0, 5, n).astype(np.uint8)
        skeleton = Skeleton(vertices, edges, radii=radii, vertex_types=types, segid=segid, extra_attributes=ATTRIBUTES)
        blobs[segid] = skeleton.to_precomputed()
        expected[str(segid)] = {"vertices": vertices.tolist(), "edges": edges.tolist(), "radius": radii.tolist(),
                                "vertex_types": types.tolist()}

    info = {"@type": "neuroglancer_skeletons", "transform": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
            "vertex_attributes": ATTRIBUTES}
    unsharded = out / "unsharded"
    unsharded.mkdir(parents=True, exist_ok=True)
    (unsharded / "info").write_text(json.dumps(info))
    for segid, blob in blobs.items():
        (unsharded / str(segid)).write_bytes(blob)

    spec = {"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 0, "hash": "murmurhash3_x86_128",
            "minishard_bits": 2, "shard_bits": 1, "minishard_index_encoding": "gzip", "data_encoding": "gzip"}
    sharding = ShardingSpecification(type=spec["@type"], preshift_bits=0, hash=spec["hash"], minishard_bits=2, shard_bits=1,
                                     minishard_index_encoding="gzip", data_encoding="gzip")
    sharded = out / "sharded"
    sharded.mkdir(parents=True, exist_ok=True)
    (sharded / "info").write_text(json.dumps(dict(info, sharding=spec)))
    for name, data in synthesize_shard_files(sharding, blobs).items():
        (sharded / name).write_bytes(data)

    (out / "expected.json").write_text(json.dumps(expected))
    print(f"wrote {len(blobs)} skeletons into {unsharded} and {sharded}")


if __name__ == "__main__":
    main()
