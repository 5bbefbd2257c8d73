#!/usr/bin/env python3
"""Writes N5 datasets with zarr-python's N5Store, as an independent peer for the Swift N5 reader.

Usage: make_n5.py OUTPUT_DIR

Needs `zarr<3` (zarr 3 dropped N5Store) and numpy: pip install "zarr<3" numpy.
With tensorstore installed (pip install tensorstore) it also writes ts_gzip/s0 through tensorstore's
n5 driver, which stores edge blocks truncated (zarr pads them to the full block size).
Writes OUTPUT_DIR/peer.n5 with datasets (zarr shape z, y, x = N5 dimensions x, y, z):
  raw/s0   uint8,  no compression
  gzip/s0  uint8,  gzip
  u16/s0   uint16, gzip
  ts_gzip/s0 uint8, gzip, written by tensorstore (when installed)
and OUTPUT_DIR/expected_u8.bin, expected_u16.bin (C order z, y, x; uint16 little-endian) plus
manifest.json describing shapes and chunks. Chunks do not divide the shape, so edge blocks are partial.
"""
import json
import sys
from pathlib import Path

import numpy as np
import numcodecs
import zarr
from zarr.n5 import N5Store

SHAPE = (7, 45, 70)  # z, y, x
CHUNKS = (3, 16, 32)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    z, y, x = np.meshgrid(*(np.arange(n) for n in SHAPE), indexing="ij")
    u8 = ((x * 7 + y * 13 + z * 31 + (x * y) // 5) % 256).astype(np.uint8)
    u16 = (x * 911 + y * 37 + z * 4099).astype(np.uint16)

    root = zarr.group(store=N5Store(str(out / "peer.n5")), overwrite=True)
    datasets = {
        "raw/s0": (u8, None),
        "gzip/s0": (u8, numcodecs.GZip(level=5)),
        "u16/s0": (u16, numcodecs.GZip(level=5)),
    }
    for path, (data, compressor) in datasets.items():
        array = root.create_dataset(path, shape=SHAPE, chunks=CHUNKS, dtype=data.dtype, compressor=compressor)
        array[...] = data
        assert np.array_equal(array[...], data)

    try:
        import tensorstore as ts
    except ImportError:
        print("tensorstore is not installed: skipping ts_gzip/s0")
    else:
        spec = {
            "driver": "n5",
            "kvstore": {"driver": "file", "path": str(out / "peer.n5" / "ts_gzip" / "s0")},
            "metadata": {
                "dimensions": list(reversed(SHAPE)),
                "blockSize": list(reversed(CHUNKS)),
                "dataType": "uint8",
                "compression": {"type": "gzip"},
            },
            "create": True,
            "delete_existing": True,
        }
        store = ts.open(spec).result()
        store[...] = np.ascontiguousarray(u8.transpose(2, 1, 0))  # tensorstore indexes in N5 order x, y, z
        datasets["ts_gzip/s0"] = (u8, numcodecs.GZip())

    (out / "expected_u8.bin").write_bytes(u8.tobytes(order="C"))
    (out / "expected_u16.bin").write_bytes(u16.astype("<u2").tobytes(order="C"))
    manifest = {
        "writer": f"zarr {zarr.__version__} N5Store, numcodecs {numcodecs.__version__}, tensorstore n5 driver if listed",
        "shape_zyx": list(SHAPE),
        "chunks_zyx": list(CHUNKS),
        "datasets": {path: {"dtype": str(data.dtype), "compression": "gzip" if c else "raw"}
                     for path, (data, c) in datasets.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    print(f"wrote {out / 'peer.n5'}: {', '.join(datasets)}")


if __name__ == "__main__":
    main()
