#!/usr/bin/env python3
"""An EM-like precomputed dataset for bench/slice/kernel.py, written once to local disk.

Layers (uint8 image and uint64 segmentation, 64^3 chunks, unsharded):
  raw       encoding raw
  raw_gzip  encoding raw, every chunk stored as <name>.gz (nginx gzip_static serves it gzip-encoded)
  jpeg      encoding jpeg (Pillow, quality 85 as igneous writes)
  cseg      compressed_segmentation, 8^3 blocks; IDs look like 64-bit CAVE root IDs (layer 8)

The image is built from a two-scale, domain-warped Voronoi label field whose seeds drift with z
(objects persist through sections like neurites): dark 2-3 px membranes, darker mitochondria-like
profiles, vesicle-dense boutons, low-frequency drift, a 3x3 blur and Gaussian noise, so that its
gzip-stored copy is about 80 % of raw, as with real EM (the bundled sample is smooth and
compresses far better). The segmentation is the same label field: on the order of a thousand IDs
per 1024^2 section. The field functions are those of the shared harness's make_precomputed.py.

Usage: .venv/bin/python bench/slice/em_volume.py [--out DIR] [--size 2048 2048 64]
"""
import argparse
import gzip
import io
import json
import os
import shutil
import time

import numpy as np

RES = [8, 8, 40]
CHUNK = 64
MARKER = ".complete-1"


def hash_u64(a):
    """Cheap 64-bit integer mix (splitmix64 finaliser) on uint64 arrays."""
    a = a.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        a ^= a >> np.uint64(30)
        a *= np.uint64(0xBF58476D1CE4E5B9)
        a ^= a >> np.uint64(27)
        a *= np.uint64(0x94D049BB133111EB)
        a ^= a >> np.uint64(31)
    return a


def _voronoi(x, y, z, G, salt):
    """Jittered-grid Voronoi in xy whose seeds drift smoothly with z.

    Returns (label_hash uint64, dist2 float32).  Objects keep their label
    across sections, so they behave like neurites running through z.
    """
    cx = np.floor(x / G).astype(np.int64)
    cy = np.floor(y / G).astype(np.int64)
    best_d = None
    best_h = None
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            ci = cx + di
            cj = cy + dj
            key = ((ci + 4096) & 0xFFFFF) | (((cj + 4096) & 0xFFFFF) << 20) | (salt << 40)
            h = hash_u64(key.astype(np.uint64))
            jx = (h & np.uint64(0xFFFF)).astype(np.float32) / 65535.0
            jy = ((h >> np.uint64(16)) & np.uint64(0xFFFF)).astype(np.float32) / 65535.0
            ph = ((h >> np.uint64(32)) & np.uint64(0xFFFF)).astype(np.float32) / 65535.0 * 6.2832
            sxp = (ci + 0.1 + 0.8 * jx) * G + 0.3 * G * np.sin(z / 9.0 + ph)
            syp = (cj + 0.1 + 0.8 * jy) * G + 0.3 * G * np.cos(z / 12.0 + 2.0 * ph)
            d = (x - sxp) ** 2 + (y - syp) ** 2
            if best_d is None:
                best_d = d
                best_h = np.broadcast_to(h, d.shape).copy()
            else:
                m = d < best_d
                best_d = np.where(m, d, best_d)
                best_h = np.where(m, h, best_h)
    return best_h, best_d


def label_field(x, y, z):
    """Global (coordinate-only) label function -> uint64 'root-ID-like' labels.

    x, y, z are broadcastable integer arrays of voxel coordinates.  Two
    scales: large profiles (dendrite/soma-like) and small neuropil profiles
    (axon-like); a large cell is either kept whole or filled with small ones.
    """
    xf = x.astype(np.float32)
    yf = y.astype(np.float32)
    zf = z.astype(np.float32)
    xw = xf + 6.0 * np.sin(yf / 23.0 + zf / 7.0) + 3.0 * np.sin(yf / 9.0)
    yw = yf + 6.0 * np.cos(xf / 27.0 - zf / 8.0) + 3.0 * np.cos(xf / 11.0)
    big, _ = _voronoi(xw, yw, zf, 150.0, 1)
    small, _ = _voronoi(xw, yw, zf, 34.0, 2)
    keep_big = (big & np.uint64(3)) == np.uint64(0)  # ~25% of large cells stay whole
    lab = np.where(keep_big, big, hash_u64(small ^ (big >> np.uint64(8))))
    # emulate CAVE root IDs: layer 8 in the top 8 bits, 40-bit segment counter
    return (np.uint64(8) << np.uint64(56)) | (lab & np.uint64((1 << 40) - 1))


def make_tile(x0, y0, w, h, depth, rng):
    """Return (image uint8 [w,h,depth], labels uint64 [w,h,depth])."""
    xs = np.arange(x0 - 1, x0 + w + 1)[:, None, None]
    ys = np.arange(y0 - 1, y0 + h + 1)[None, :, None]
    zs = np.arange(0, depth)[None, None, :]
    lab = label_field(xs, ys, zs)  # with 1-voxel xy halo
    core = lab[1:-1, 1:-1, :]
    membrane = (
        (core != lab[2:, 1:-1, :])
        | (core != lab[:-2, 1:-1, :])
        | (core != lab[1:-1, 2:, :])
        | (core != lab[1:-1, :-2, :])
    )
    xf = xs[1:-1].astype(np.float32)
    yf = ys[:, 1:-1].astype(np.float32)
    zf = zs.astype(np.float32)
    drift = (
        10.0 * np.sin(xf / 310.0 + 0.4) * np.cos(yf / 270.0 - 1.1)
        + 6.0 * np.sin((xf + yf) / 150.0 + zf / 20.0)
    )
    hb = (core >> np.uint64(8)) & np.uint64(0xFF)       # per-object random byte
    obj = (hb.astype(np.float32) - 128.0) / 128.0
    mito = (hb < np.uint64(18))                          # ~7% dark, mitochondria-like
    bouton = (hb > np.uint64(225))                       # ~12% vesicle-rich
    img = 172.0 + drift + 12.0 * obj
    img = np.where(mito, 105.0 + 8.0 * obj, img)
    img = np.where(membrane, 55.0, img).astype(np.float32)
    # vesicle-like dark dots, dense in 'boutons', sparse elsewhere
    r = rng.random(img.shape, dtype=np.float32)
    dots = (r < 0.002) | (bouton & (r < 0.03))
    img[dots & ~membrane] -= 60.0
    # 3x3 in-plane box blur
    p = np.pad(img, ((1, 1), (1, 1), (0, 0)), mode="edge")
    blur = np.zeros_like(img)
    for dx in (0, 1, 2):
        for dy in (0, 1, 2):
            blur += p[dx:dx + w, dy:dy + h, :]
    img = blur / 9.0
    img += rng.normal(0.0, 9.0, size=img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), core



def chunk_name(x0, y0, z0, size):
    x1, y1, z1 = (min(a + CHUNK, s) for a, s in zip((x0, y0, z0), size))
    return f"{x0}-{x1}_{y0}-{y1}_{z0}-{z1}"


def write_info(path, layer_type, dtype, encoding, size, **extra):
    os.makedirs(os.path.join(path, "8_8_40"), exist_ok=True)
    scale = {"key": "8_8_40", "size": list(size), "resolution": RES, "voxel_offset": [0, 0, 0],
             "chunk_sizes": [[CHUNK, CHUNK, CHUNK]], "encoding": encoding, **extra}
    info = {"type": layer_type, "data_type": dtype, "num_channels": 1, "scales": [scale]}
    with open(os.path.join(path, "info"), "w") as f:
        json.dump(info, f)


def jpeg_chunk(block):
    """A (x, y, z) uint8 chunk as precomputed JPEG: one image x wide, y·z high (z planes stacked)."""
    from PIL import Image
    x, y, z = block.shape
    image = Image.fromarray(np.ascontiguousarray(block.transpose(2, 1, 0).reshape(z * y, x)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def ensure(out, size=(2048, 2048, 64), tile=512, fresh=False):
    """Writes the four layers under `out` unless a complete copy of this size is there."""
    marker = os.path.join(out, MARKER)
    if os.path.exists(marker) and not fresh:
        with open(marker) as f:
            if json.load(f).get("size") == list(size):
                return
    import compressed_segmentation as cseg
    sx, sy, sz = size
    assert sx % tile == 0 and sy % tile == 0 and tile % CHUNK == 0 and sz % CHUNK == 0
    shutil.rmtree(out, ignore_errors=True)
    layers = {name: os.path.join(out, name) for name in ("raw", "raw_gzip", "jpeg", "cseg")}
    write_info(layers["raw"], "image", "uint8", "raw", size)
    write_info(layers["raw_gzip"], "image", "uint8", "raw", size)
    write_info(layers["jpeg"], "image", "uint8", "jpeg", size)
    write_info(layers["cseg"], "segmentation", "uint64", "compressed_segmentation", size,
               compressed_segmentation_block_size=[8, 8, 8])
    rng = np.random.default_rng(12345)
    start = time.time()
    totals = dict.fromkeys(layers, 0)
    for x0 in range(0, sx, tile):
        for y0 in range(0, sy, tile):
            image, labels = make_tile(x0, y0, tile, tile, sz, rng)
            for cx in range(0, tile, CHUNK):
                for cy in range(0, tile, CHUNK):
                    for cz in range(0, sz, CHUNK):
                        name = chunk_name(x0 + cx, y0 + cy, cz, size)
                        block = image[cx:cx + CHUNK, cy:cy + CHUNK, cz:cz + CHUNK]
                        raw = np.asfortranarray(block).tobytes(order="F")
                        ids = np.asfortranarray(labels[cx:cx + CHUNK, cy:cy + CHUNK, cz:cz + CHUNK])
                        files = {"raw": (name, raw),
                                 "raw_gzip": (name + ".gz", gzip.compress(raw, compresslevel=6, mtime=0)),
                                 "jpeg": (name, jpeg_chunk(block)),
                                 "cseg": (name, cseg.compress(ids[..., None], block_size=(8, 8, 8), order="F"))}
                        for layer, (file, body) in files.items():
                            with open(os.path.join(layers[layer], "8_8_40", file), "wb") as f:
                                f.write(body)
                            totals[layer] += len(body)
            print(f"tile {x0},{y0} written ({time.time() - start:.0f} s)", flush=True)
    with open(marker, "w") as f:
        json.dump({"size": list(size), "bytes": totals}, f)
    print("bytes per layer: " + ", ".join(f"{k} {v / 2**20:.1f} MiB" for k, v in totals.items()), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/bench-slice-em")
    ap.add_argument("--size", type=int, nargs=3, default=[2048, 2048, 64])
    ap.add_argument("--fresh", action="store_true")
    a = ap.parse_args()
    ensure(a.out, tuple(a.size), fresh=a.fresh)


if __name__ == "__main__":
    main()
