"""An independent reader of unsharded raw precomputed volumes (numpy only), for checking what the
kernel shows against the stored voxels without going through any of the kernel's code."""
import gzip
import json
import pathlib

import numpy as np


def read_info(directory) -> dict:
    return json.loads((pathlib.Path(directory) / "info").read_text())


def read_section(directory, mip: int, x: range, y: range, z: int) -> np.ndarray:
    """Voxels [y, x] of section z at the given mip (coordinates of that mip, offset included)."""
    directory = pathlib.Path(directory)
    info = read_info(directory)
    scale = info["scales"][mip]
    assert scale["encoding"] == "raw", "this reader only reads raw volumes"
    assert not scale.get("sharding"), "this reader only reads unsharded volumes"
    dtype = np.dtype(info["data_type"]).newbyteorder("<")
    size, offset, chunk = scale["size"], scale.get("voxel_offset", [0, 0, 0]), scale["chunk_sizes"][0]
    out = np.zeros((len(y), len(x)), dtype=dtype)
    lo = [offset[d] for d in range(3)]
    hi = [offset[d] + size[d] for d in range(3)]
    for gx in range((max(x.start, lo[0]) - lo[0]) // chunk[0], (min(x.stop, hi[0]) - 1 - lo[0]) // chunk[0] + 1):
        for gy in range((max(y.start, lo[1]) - lo[1]) // chunk[1], (min(y.stop, hi[1]) - 1 - lo[1]) // chunk[1] + 1):
            gz = (z - lo[2]) // chunk[2]
            begin = [lo[0] + gx * chunk[0], lo[1] + gy * chunk[1], lo[2] + gz * chunk[2]]
            end = [min(begin[d] + chunk[d], hi[d]) for d in range(3)]
            name = f"{begin[0]}-{end[0]}_{begin[1]}-{end[1]}_{begin[2]}-{end[2]}"
            path = directory / scale["key"] / name
            if path.exists():
                data = path.read_bytes()
            elif path.with_name(name + ".gz").exists():
                data = gzip.decompress(path.with_name(name + ".gz").read_bytes())
            else:
                continue
            shape = [end[d] - begin[d] for d in range(3)]
            block = np.frombuffer(data, dtype=dtype).reshape(shape[::-1])  # F order [x,y,z] -> C [z,y,x]
            plane = block[z - begin[2]]
            xs = slice(max(x.start, begin[0]), min(x.stop, end[0]))
            ys = slice(max(y.start, begin[1]), min(y.stop, end[1]))
            out[ys.start - y.start:ys.stop - y.start, xs.start - x.start:xs.stop - x.start] = \
                plane[ys.start - begin[1]:ys.stop - begin[1], xs.start - begin[0]:xs.stop - begin[0]]
    return out
