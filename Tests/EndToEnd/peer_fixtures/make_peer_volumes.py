#!/usr/bin/env python3
"""Writes small precomputed volumes with the peers (CloudVolume, TensorStore) for the Swift reader.

Usage: make_peer_volumes.py OUTDIR

OUTDIR/<name>/          the volume (info + chunks or shards), as the peer wrote it
OUTDIR/<name>.expected  what the peer reads back: all voxels, little-endian, F order [x, y, z, channel]
OUTDIR/manifest.json    [{name, data_type, channels, size, voxel_offset, tolerance, writer}]

`tolerance` is the largest difference allowed per voxel (0 = exact; jpeg decoders may differ by a level).
Needs: pip install cloud-volume tensorstore numpy
"""
import json
import os
import shutil
import sys

import numpy as np
import tensorstore as ts
from cloudvolume import CloudVolume


def em_like(size, channels=1, seed=1):
    """Smooth blobs plus noise: compresses like EM, so jpeg stays close."""
    rng = np.random.default_rng(seed)
    x, y, z = np.meshgrid(*(np.arange(n, dtype=np.float64) for n in size), indexing="ij")
    base = 140 + 40 * np.sin(x / 9.0 + z / 5.0) * np.cos(y / 7.0) + rng.normal(0, 6, size)
    data = np.clip(base, 0, 255).astype(np.uint8)
    if channels > 1:
        data = np.stack([data, 255 - data, np.roll(data, 3, axis=0)][:channels], axis=-1)
    return data


def labels(size, dtype=np.uint64, seed=2):
    """Blocky labels shaped like CAVE layer-8 root IDs (uint64 arithmetic: no float rounding)."""
    x, y, z = np.meshgrid(*(np.arange(n, dtype=np.uint64) for n in size), indexing="ij")
    cell = x // np.uint64(11) + np.uint64(17) * (y // np.uint64(9)) + np.uint64(301) * (z // np.uint64(4))
    if dtype == np.uint64:
        return np.uint64(0x0800000010000000) + cell
    return (cell + np.uint64(1000)).astype(np.uint32)


def cloudvolume_volume(out, name, data, encoding, offset, chunk, compress=None, block=None, layer_type="image"):
    path = os.path.join(out, name)
    channels = data.shape[3] if data.ndim == 4 else 1
    info = CloudVolume.create_new_info(
        num_channels=channels, layer_type=layer_type, data_type=str(data.dtype), encoding=encoding,
        resolution=[8, 8, 42], voxel_offset=offset, chunk_size=chunk, volume_size=list(data.shape[:3]),
        compressed_segmentation_block_size=block or [8, 8, 8])
    volume = CloudVolume("file://" + path, info=info, compress=compress, progress=False)
    volume.commit_info()
    x0, y0, z0 = offset
    sx, sy, sz = data.shape[:3]
    volume[x0:x0 + sx, y0:y0 + sy, z0:z0 + sz] = data
    reader = CloudVolume("file://" + path, progress=False, fill_missing=True)
    return np.asarray(reader[x0:x0 + sx, y0:y0 + sy, z0:z0 + sz])


def tensorstore_volume(out, name, data, encoding, offset, chunk, sharding=None, block=None, layer_type="image",
                       write_box=None):
    path = os.path.join(out, name)
    scale = {"size": list(data.shape[:3]), "voxel_offset": offset, "resolution": [8, 8, 42], "chunk_size": chunk,
             "encoding": encoding}
    if block:
        scale["compressed_segmentation_block_size"] = block
    if sharding:
        scale["sharding"] = {"@type": "neuroglancer_uint64_sharded_v1", **sharding}
    spec = {"driver": "neuroglancer_precomputed", "kvstore": {"driver": "file", "path": path},
            "multiscale_metadata": {"type": layer_type, "data_type": str(data.dtype), "num_channels": 1},
            "scale_metadata": scale}
    store = ts.open(spec, create=True).result()
    x0, y0, z0 = offset
    sx, sy, sz = data.shape[:3]
    if write_box is None:
        store[x0:x0 + sx, y0:y0 + sy, z0:z0 + sz, 0] = data
    else:
        # Only part of the volume is written: the rest is missing and must read as 0.
        (a, b), (c, d), (e, f) = write_box
        store[x0 + a:x0 + b, y0 + c:y0 + d, z0 + e:z0 + f, 0] = data[a:b, c:d, e:f]
    reader = ts.open({"driver": "neuroglancer_precomputed", "kvstore": {"driver": "file", "path": path}}).result()
    return reader[x0:x0 + sx, y0:y0 + sy, z0:z0 + sz].read().result()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "peer_volumes"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    size = (150, 130, 20)
    manifest = []

    def record(name, array, offset, tolerance, writer):
        array = np.asarray(array)
        if array.ndim == 3:
            array = array[..., np.newaxis]
        with open(os.path.join(out, name + ".expected"), "wb") as handle:
            handle.write(np.asfortranarray(array).astype(array.dtype.newbyteorder("<")).tobytes(order="F"))
        manifest.append({"name": name, "data_type": str(array.dtype), "channels": int(array.shape[3]),
                         "size": list(array.shape[:3]), "voxel_offset": offset, "tolerance": tolerance,
                         "writer": writer})

    image = em_like(size)
    offset = [10, 20, 5]
    record("cv_raw", cloudvolume_volume(out, "cv_raw", image, "raw", offset, [64, 64, 8], compress=False), offset, 0,
           "cloudvolume")
    record("cv_raw_gzip", cloudvolume_volume(out, "cv_raw_gzip", image, "raw", offset, [64, 64, 8], compress="gzip"),
           offset, 0, "cloudvolume")
    record("cv_jpeg", cloudvolume_volume(out, "cv_jpeg", image, "jpeg", offset, [64, 64, 8]), offset, 3, "cloudvolume")
    rgb = em_like(size, channels=3)
    record("cv_raw_rgb", cloudvolume_volume(out, "cv_raw_rgb", rgb, "raw", [0, 0, 0], [64, 64, 8]), [0, 0, 0], 0,
           "cloudvolume")
    seg = labels(size)
    record("cv_cseg_uint64", cloudvolume_volume(out, "cv_cseg_uint64", seg, "compressed_segmentation", offset,
                                                [64, 64, 8], block=[8, 8, 8], layer_type="segmentation"),
           offset, 0, "cloudvolume")
    seg32 = labels(size, np.uint32)
    record("cv_cseg_uint32", cloudvolume_volume(out, "cv_cseg_uint32", seg32, "compressed_segmentation", [0, 0, 0],
                                                [32, 32, 16], block=[4, 8, 2], layer_type="segmentation"),
           [0, 0, 0], 0, "cloudvolume")
    record("ts_png", tensorstore_volume(out, "ts_png", image, "png", offset, [64, 64, 8]), offset, 0, "tensorstore")
    record("ts_sharded_raw", tensorstore_volume(
        out, "ts_sharded_raw", image, "raw", offset, [32, 32, 8],
        sharding={"preshift_bits": 2, "hash": "murmurhash3_x86_128", "minishard_bits": 3, "shard_bits": 3,
                  "minishard_index_encoding": "gzip", "data_encoding": "raw"},
        write_box=((0, 150), (0, 100), (0, 20))), offset, 0, "tensorstore")
    record("ts_sharded_raw_gzip", tensorstore_volume(
        out, "ts_sharded_raw_gzip", image, "raw", offset, [32, 32, 8],
        sharding={"preshift_bits": 0, "hash": "identity", "minishard_bits": 2, "shard_bits": 5,
                  "minishard_index_encoding": "raw", "data_encoding": "gzip"}), offset, 0, "tensorstore")
    record("ts_sharded_cseg", tensorstore_volume(
        out, "ts_sharded_cseg", seg, "compressed_segmentation", offset, [64, 64, 8], block=[8, 8, 8],
        layer_type="segmentation",
        sharding={"preshift_bits": 1, "hash": "murmurhash3_x86_128", "minishard_bits": 2, "shard_bits": 2,
                  "minishard_index_encoding": "gzip", "data_encoding": "gzip"}), offset, 0, "tensorstore")

    with open(os.path.join(out, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)
    print(f"wrote {len(manifest)} peer volumes to {out}")


if __name__ == "__main__":
    main()
