#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz targets: small, real examples of what each one reads.

Usage: make_corpus.py CORPUS_DIR [SAMPLE_DIR]

Also writes the targets' libFuzzer dictionaries into CORPUS_DIR/../Dictionaries.

Run with the project's venv (numpy, Pillow, tensorstore, zarr<3, compressed_segmentation come with
requirements/test.txt). SAMPLE_DIR is a sample written by `connectome-kernel sample --out SAMPLE_DIR`;
when given, its info files and CATMAID stack info are copied in as seeds too. The seeds' layouts (leading
parameter bytes, frame separators) are the ones the targets in Sources/connectome-fuzz/Targets document.
"""
import gzip
import hashlib
import hmac
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

import compressed_segmentation
import numpy as np
import tensorstore as ts
from PIL import Image

WIRE_KEY = b"fuzz-key"  # FuzzTarget.wireKey
ROOT = Path(__file__).resolve().parent.parent


def write(directory: Path, name: str, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def wire(out: Path) -> None:
    """Signed multipart messages, frames joined by newlines."""
    def message(msg_type: str, content: dict, buffers=()) -> bytes:
        header = compact({"msg_id": f"{msg_type}-1", "session": "fuzz-session", "username": "fuzz",
                          "date": "2025-01-01T00:00:00.000000Z", "msg_type": msg_type, "version": "5.4"})
        parent, metadata, body = b"{}", b"{}", compact(content)
        mac = hmac.new(WIRE_KEY, digestmod=hashlib.sha256)
        for part in (header, parent, metadata, body):
            mac.update(part)
        frames = [b"client-identity", b"<IDS|MSG>", mac.hexdigest().encode(), header, parent, metadata, body,
                  *buffers]
        return b"\n".join(frames)

    write(out, "kernel_info", message("kernel_info_request", {}))
    write(out, "execute", message("execute_request", {
        "code": "slice x=512 y=512 z=32 size=256", "silent": False, "store_history": True,
        "user_expressions": {"n": "1 + 2"}, "allow_stdin": False, "stop_on_error": True}))
    write(out, "complete", message("complete_request", {"code": "slice x=512 la", "cursor_pos": 14}))
    write(out, "inspect", message("inspect_request", {"code": "slice x=1", "cursor_pos": 3, "detail_level": 1}))
    write(out, "is_complete", message("is_complete_request", {"code": "let s = (1,"}))
    write(out, "history", message("history_request", {
        "output": False, "raw": True, "hist_access_type": "search", "pattern": "slice*", "unique": True, "n": 10}))
    write(out, "comm_info", message("comm_info_request", {"target_name": "jupyter.widget"}))
    write(out, "input_reply", message("input_reply", {"value": "secret"}, buffers=[b"\x00\x01binary"]))
    write(out, "shutdown", message("shutdown_request", {"restart": True}))


def language(out: Path) -> None:
    """Cells from the notebooks and LANGUAGE.md, and the shapes that stress the parser."""
    cells = {
        "tour": 'let neuron = 576460752664524086\nprint "root ID:" neuron\nslice x=512 y=512 z=32 size=256\n',
        "segment_at": "let ids = segment at [(500, 500, 32), (600, 420, 32)]\nids\n",
        "scene": 'let s = scene segments=[576460752664524086, 576460752590602315] '
                 'colors={576460752664524086: "red"} position=(24899, 14436, 3739)\ndecode s format=brief\n',
        "pipeline": "segment at (512, 512, 32) | valid root\n",
        "overlay": "slice x=512 y=512 z=32 size=384 overlay=true alpha=0.4 segments=ids\n",
        "catmaid": 'catmaid sample\nstack 1 mirror=1\nslice x=4096 y=4096 z=1344 units="nm" size=256\n',
        "record": '{a: [1, 2.5e3, -7], b: "text \\"quoted\\"", c: (1, 2, 3)} # comment\n',
        "unfinished": "let s = scene segments=[1, 2,\n",
        "nested": "print ((((((((1))))))))\n",
    }
    for name, text in cells.items():
        write(out, name, text.encode())


def precomputed_info(out: Path, sample: Path | None) -> None:
    if sample:
        for layer in ("image", "image_raw", "segmentation"):
            write(out, f"sample_{layer}", (sample / layer / "info").read_bytes())
    with tempfile.TemporaryDirectory() as tmp:
        ts.open({
            "driver": "neuroglancer_precomputed", "kvstore": {"driver": "file", "path": tmp},
            "multiscale_metadata": {"type": "segmentation", "data_type": "uint64", "num_channels": 1},
            "scale_metadata": {"size": [300, 200, 50], "resolution": [8, 8, 40], "voxel_offset": [10, 20, 5],
                               "chunk_size": [64, 64, 32], "encoding": "compressed_segmentation",
                               "compressed_segmentation_block_size": [8, 8, 8], "key": "8_8_40",
                               "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 3,
                                            "hash": "murmurhash3_x86_128", "minishard_bits": 6, "shard_bits": 2,
                                            "minishard_index_encoding": "gzip", "data_encoding": "gzip"}},
            "create": True}).result()
        write(out, "tensorstore_sharded", (Path(tmp) / "info").read_bytes())
    write(out, "multichannel", compact({
        "@type": "neuroglancer_multiscale_volume", "type": "image", "data_type": "float32", "num_channels": 3,
        "scales": [{"key": "s0", "size": [100, 100, 10], "resolution": [4.5, 4.5, 30], "voxel_offset": [-5, 0, 0],
                    "chunk_sizes": [[32, 32, 5], [64, 64, 1]], "encoding": "raw"},
                   {"key": "../other/s1", "size": [50, 50, 10], "resolution": [9, 9, 30], "voxel_offset": [0, 0, 0],
                    "chunk_sizes": [[32, 32, 5]], "encoding": "raw"}]}))


def catmaid_stack(out: Path, sample: Path | None) -> None:
    # The shapes of CatmaidFixtures.swift (CATMAID 2023 answers).
    write(out, "fafb_like", compact({
        "sid": 5, "pid": 1, "ptitle": "FAFB00", "stitle": "FAFB00 v14 aligned", "downsample_factors": None,
        "num_zoom_levels": -1, "translation": {"x": 0.0, "y": 0.0, "z": 40.0},
        "resolution": {"x": 4.0, "y": 4.0, "z": 40.0}, "dimension": {"x": 253952, "y": 155648, "z": 7063},
        "comment": "<p>Aligned</p>", "description": "", "metadata": {"clamp": False},
        "broken_slices": {"10": 1, "20": 1, "21": 1},
        "mirrors": [
            {"id": 6, "title": "tiles", "image_base": "https://tiles.example.org/fafb/v14/", "tile_width": 1024,
             "tile_height": 1024, "tile_source_type": 1, "file_extension": "jpg?v=2", "position": 1},
            {"id": 7, "title": "N5", "image_base": "https://n5.example.org/fafb.n5/volumes/%SCALE_DATASET%/2_1_0",
             "tile_width": 256, "tile_height": 256, "tile_source_type": 11, "file_extension": "", "position": 0},
            {"id": 8, "title": "DVID", "image_base": "https://dvid.example.org/api/node/abc/", "tile_width": 512,
             "tile_height": 512, "tile_source_type": 8, "file_extension": "jpg", "position": 2}],
        "orientation": 0, "attribution": "Zheng et al. 2018", "canary_location": {"x": 10000, "y": 10000, "z": 100},
        "placeholder_color": {"r": 0.5, "g": 0.5, "b": 0.5, "a": 1.0}}))
    write(out, "explicit_factors", compact({
        "sid": 2, "pid": 3, "ptitle": "p", "stitle": "anisotropic",
        "downsample_factors": [{"x": 1, "y": 1, "z": 1}, {"x": 2, "y": 2, "z": 1}, {"x": 4, "y": 4, "z": 2}],
        "num_zoom_levels": 2, "translation": {"x": 100, "y": 200, "z": 300},
        "resolution": {"x": 8, "y": 8, "z": 40}, "dimension": {"x": 1000, "y": 601, "z": 35},
        "broken_slices": {}, "orientation": 1, "metadata": None, "comment": None,
        "placeholder_color": {"r": 0, "g": 0, "b": 0, "a": 1},
        "mirrors": [{"id": 1, "title": "zoom dirs", "image_base": "file:///data/stack/", "tile_width": 256,
                     "tile_height": 256, "tile_source_type": 4, "file_extension": "png", "position": 0},
                    {"id": 2, "title": "dirs", "image_base": "http://127.0.0.1:1/s/", "tile_width": 100,
                     "tile_height": 50, "tile_source_type": 5, "file_extension": ".jpg", "position": 1}]}))
    write(out, "stack_list", b'[{"id": 5, "pid": 1, "title": "FAFB00 v14 aligned", "comment": ""},'
                             b' {"id": 9, "pid": 1, "title": "Overview", "comment": "low res"}]')
    if sample:
        for info in sorted(sample.glob("catmaid/**/info"))[:2]:
            write(out, "sample_" + "_".join(info.relative_to(sample).parts[:-1]), info.read_bytes())


def n5(out: Path, sample: Path | None) -> None:
    """attributes.json, NUL, one block: written by zarr's N5Store (the peer the reader is tested against)."""
    import numcodecs
    import zarr
    from zarr.n5 import N5Store
    with tempfile.TemporaryDirectory() as tmp:
        root = zarr.group(store=N5Store(tmp), overwrite=True)
        data = (np.arange(5 * 9 * 14).reshape(5, 9, 14) % 251).astype(np.uint8)
        for name, dtype, compressor in [("raw", np.uint8, None), ("gzip", np.uint8, numcodecs.GZip(level=5)),
                                        ("u16", np.uint16, numcodecs.GZip(level=5))]:
            array = root.create_dataset(name, shape=data.shape, chunks=(3, 8, 8), dtype=dtype, compressor=compressor)
            array[...] = data.astype(dtype) * (257 if dtype == np.uint16 else 1)
            attributes = (Path(tmp) / name / "attributes.json").read_bytes()
            for block in ("0/0/0", "1/1/1"):  # a full block and an edge block
                write(out, f"{name}_{block.replace('/', '')}", attributes + b"\0" + (Path(tmp) / name / block).read_bytes())
    if sample:  # the sample's own attributes (gzip with useZlib), with the first bytes of one of its blocks
        scale = sample / "catmaid/sample.n5/volume/s2"
        write(out, "sample_s2", (scale / "attributes.json").read_bytes() + b"\0" + (scale / "0/0/0").read_bytes()[:200])


def sharded(b0: int, b1: int) -> dict:
    """The spec FuzzTarget.shardInfo(b0, b1) describes, for tensorstore."""
    cseg = bool(b1 & 4)
    scale = {"size": [32, 32, 2], "resolution": [8, 8, 40], "voxel_offset": [0, 0, 0], "chunk_size": [16, 16, 2],
             "key": "s0", "encoding": "compressed_segmentation" if cseg else "raw",
             "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": b0 & 1,
                          "hash": "murmurhash3_x86_128" if b0 & 2 else "identity",
                          "minishard_bits": (b0 >> 2) & 3, "shard_bits": (b0 >> 4) & 1,
                          "minishard_index_encoding": "gzip" if b1 & 1 else "raw",
                          "data_encoding": "gzip" if b1 & 2 else "raw"}}
    if cseg:
        scale["compressed_segmentation_block_size"] = [8, 8, 2]
    return {"multiscale_metadata": {"type": "segmentation" if cseg else "image",
                                    "data_type": "uint64" if cseg else "uint8", "num_channels": 1},
            "scale_metadata": scale}


def shard(out: Path) -> None:
    """Two spec bytes, then a shard file tensorstore wrote for that spec."""
    x, y, z = np.meshgrid(np.arange(32), np.arange(32), np.arange(2), indexing="ij")
    for b0, b1 in [(0x00, 0x00), (0x04, 0x01), (0x0A, 0x03), (0x09, 0x04), (0x10, 0x02), (0x0E, 0x07)]:
        spec = sharded(b0, b1)
        cseg = spec["scale_metadata"]["encoding"] == "compressed_segmentation"
        values = ((x // 5 + y // 7 * 3 + z) % 6 + (576460752664524086 if cseg else 0)).astype(
            np.uint64 if cseg else np.uint8)
        if not cseg:
            values = ((x * 7 + y * 13 + z * 31) % 256).astype(np.uint8)
        with tempfile.TemporaryDirectory() as tmp:
            store = ts.open({"driver": "neuroglancer_precomputed", "kvstore": {"driver": "file", "path": tmp},
                             **spec, "create": True}).result()
            store[ts.d["channel"][0]].write(values).result()
            for path in sorted((Path(tmp) / "s0").glob("*.shard"))[:1]:
                write(out, f"spec_{b0:02x}_{b1:02x}", bytes([b0, b1]) + path.read_bytes())


def cseg_chunk(shape_xyz, dtype, block=(8, 8, 8), channels=1) -> bytes:
    x, y, z = np.meshgrid(*(np.arange(n) for n in shape_xyz), indexing="ij")
    labels = (x // 3 + (y // 4) * 5 + z * 11) % 9 + (2**40 if dtype == np.uint64 else 100)
    # The package crashes on 4-D input: encode channels one by one and join them under one offset table
    # (each 3-D result starts with its own one-channel table, the word 1).
    bodies = [compressed_segmentation.compress(np.asfortranarray((labels + c).astype(dtype)), block_size=block,
                                               order="F")[4:] for c in range(channels)]
    offsets, start = [], channels
    for body in bodies:
        offsets.append(start)
        start += len(body) // 4
    return np.array(offsets, dtype="<u4").tobytes() + b"".join(bodies)


def compressed_segmentation_seeds(out: Path) -> None:
    """Four parameter bytes (see the target), then a chunk from the reference encoder."""
    cases = [  # (b0, b1, b2, b3) → data type, channels, chunk size, block size
        ((0, 15, 15, 7), np.uint32, (16, 16, 8), (8, 8, 8), 1),
        ((1, 10, 5, 2), np.uint64, (11, 6, 3), (8, 8, 8), 1),
        ((2, 31, 31, 3), np.uint32, (32, 32, 4), (8, 8, 8), 2),
        ((5, 0x69, 0x47, 0xA3), np.uint64, (10, 8, 4), (4, 3, 2), 3),
    ]
    for params, dtype, shape, block, channels in cases:
        name = f"{np.dtype(dtype).name}_{'x'.join(map(str, shape))}_b{''.join(map(str, block))}_c{channels}"
        write(out, name, bytes(params) + cseg_chunk(shape, dtype, block, channels))


def image_chunk(array: np.ndarray, fmt: str) -> bytes:
    """A chunk the way neuroglancer stores jpeg / png: x wide, y × z tall (channels last)."""
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def chunk(out: Path) -> None:
    """Two layout bytes (see FuzzTarget.chunkLayouts), then the one chunk file."""
    for b1, (sx, sy, sz) in [(0, (16, 16, 4)), (1, (16, 12, 3))]:
        x, y, z = np.meshgrid(np.arange(sx), np.arange(sy), np.arange(sz), indexing="ij")
        gray = ((x * 9 + y * 5 + z * 40) % 256).astype(np.uint8)  # x, y, z
        plane = np.transpose(gray, (2, 1, 0)).reshape(sz * sy, sx)  # rows = z, y; columns = x
        rgb = np.stack([plane, 255 - plane, plane // 2], axis=-1)
        write(out, f"raw_u8_{b1}", bytes([0, b1]) + gray.tobytes(order="F"))
        write(out, f"raw_u8_gzip_{b1}", bytes([0, b1]) + gzip.compress(gray.tobytes(order="F"), mtime=0))
        write(out, f"jpeg_gray_{b1}", bytes([1, b1]) + image_chunk(plane, "JPEG"))
        write(out, f"jpeg_rgb_{b1}", bytes([2, b1]) + image_chunk(rgb, "JPEG"))
        write(out, f"png_gray_{b1}", bytes([3, b1]) + image_chunk(plane, "PNG"))
        write(out, f"png_rgb_{b1}", bytes([4, b1]) + image_chunk(rgb, "PNG"))
        write(out, f"png_u16_{b1}", bytes([5, b1]) + image_chunk(plane.astype(np.uint16) * 257, "PNG"))
        write(out, f"cseg_u32_{b1}", bytes([6, b1]) + cseg_chunk((sx, sy, sz), np.uint32, (8, 8, 2)))
        write(out, f"cseg_u64_{b1}", bytes([7, b1]) + cseg_chunk((sx, sy, sz), np.uint64, (8, 8, 2)))
        two = np.stack([gray, 255 - gray], axis=-1).astype(np.uint16) * 3  # x, y, z, c
        write(out, f"raw_u16_2ch_{b1}", bytes([8, b1]) + two.tobytes(order="F"))
        write(out, f"raw_f32_{b1}", bytes([9, b1]) + (gray.astype(np.float32) / 7).tobytes(order="F"))


def codecs(out: Path) -> None:
    y, x = np.mgrid[0:24, 0:20]
    gray = ((x * 11 + y * 7) % 256).astype(np.uint8)
    rgb = np.stack([gray, 255 - gray, gray // 3], axis=-1)
    write(out, "gray.jpg", image_chunk(gray, "JPEG"))
    write(out, "rgb.jpg", image_chunk(rgb, "JPEG"))
    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, format="JPEG", quality=75, progressive=True)
    write(out, "progressive.jpg", buffer.getvalue())
    write(out, "gray.png", image_chunk(gray, "PNG"))
    write(out, "rgba.png", image_chunk(np.dstack([rgb, gray]), "PNG"))
    write(out, "gray16.png", image_chunk(gray.astype(np.uint16) * 257, "PNG"))
    buffer = io.BytesIO()
    Image.fromarray(gray).convert("P").save(buffer, format="PNG")
    write(out, "palette.png", buffer.getvalue())
    write(out, "data.gz", gzip.compress(bytes(range(256)) * 4, mtime=0))
    write(out, "two_members.gz", gzip.compress(b"first member ", mtime=0) + gzip.compress(b"second", mtime=0))


def neuroglancer_url(out: Path) -> None:
    fixtures = json.loads((ROOT / "Tests/ConnectomeCoreTests/Scene/Fixtures/neuroglancer_links.json").read_text())
    for fixture in fixtures["fixtures"]:
        write(out, fixture["name"], fixture["url"].encode())
        if fixture["name"] == "segmentation":
            write(out, "state_json", compact(fixture["state"]))
    write(out, "state_server", b"https://neuroglancer-demo.appspot.com/#!middleauth+https://global.daf-apis.com"
                               b"/nglstate/api/v1/6107799173611520")
    write(out, "json_url", b"https://neuroglancer-demo.appspot.com/?json_url=https://example.org/state.json")


def materialization(out: Path) -> None:
    """Materialization answers as the engine writes them: byte 0 even = Arrow stream, odd = JSON rows."""
    import io

    import pandas as pd
    import pyarrow as pa
    frame = pd.DataFrame({
        "id": [1, 2, 3], "created": pd.to_datetime([1_600_000_000_000] * 3, unit="ms", utc=True),
        "superceded_id": [float("nan")] * 3, "valid": ["t"] * 3, "size": [8, 23, 40],
        "pre_pt_supervoxel_id": [72268700270460985] * 3, "pre_pt_root_id": [576460752775454392, 576460752775454392, 0],
        "post_pt_supervoxel_id": [72339069014638604] * 3, "post_pt_root_id": [576460752779623067, 576460752775454392, 5],
        "pre_pt_position_x": [1920, 1896, 8], "pre_pt_position_y": [0, 24, 16], "pre_pt_position_z": [0, 42, 84],
        "post_pt_position_x": [1888, 1896, 8], "post_pt_position_y": [0, 0, 16], "post_pt_position_z": [0, 0, 84],
    })
    for compression in (None, "lz4", "zstd"):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        sink = io.BytesIO()
        with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression=compression)) as writer:
            writer.write_table(table)
        write(out, f"arrow_{compression or 'plain'}", b"\x00" + sink.getvalue())
    write(out, "json_rows", b"\x01" + frame.to_json(orient="records").encode())
    write(out, "json_empty", b"\x01[]")
def seatable(out: Path) -> None:
    """Seatable SQL answers in the shapes the API gives (gateway rows keyed by name, dtable-db rows
    keyed by column key), and ones that send the column reader back to the plain reading."""
    metadata = [{"key": "0000", "name": "root_id", "type": "text"}, {"key": "k1", "name": "position", "type": "text"},
                {"key": "k2", "name": "status", "type": "multiple-select", "data": {"options": [{"id": "o1", "name": "proofread"}]}},
                {"key": "k3", "name": "proofread", "type": "checkbox"}]
    rows = [{"_id": "a", "root_id": "576460752303423488", "position": "1, 2, 3", "status": ["o1"], "proofread": True},
            {"root_id": "576460752303423489", "_id": "b", "position": "[4,5,6]"}, {"_id": "c", "root_id": ""}]
    write(out, "answer", compact({"success": True, "error_message": None, "metadata": metadata, "results": rows}))
    write(out, "refused", compact({"success": False, "error_message": "column x does not exist", "metadata": [], "results": []}))
    by_key = [{"_id": "a", "0000": "576460752303423488", "k1": "1, 2, 3", "k2": ["o1"], "k3": False}]
    write(out, "by_column_key", compact({"success": True, "metadata": metadata, "results": by_key}))
    write(out, "empty", compact({"success": True, "metadata": metadata, "results": []}))
    # An escaped key and a repeated key: the column reader gives these to the plain reading.
    write(out, "escaped_key", b'{"success":true,"metadata":[],"results":[{"_id":"a","root\\u005fid":"1"}]}')
    write(out, "repeated_key", b'{"success":true,"metadata":[],"results":[{"_id":"a","root_id":"1","root_id":"2"}]}')
    write(out, "numbers_and_nulls", compact({"success": True, "metadata": metadata + [{"key": "k4", "name": "size", "type": "number"}],
                                             "results": [{"_id": "a", "size": 1.5, "root_id": None}, {"_id": "b", "size": -0.0}]}))


def cave(out: Path) -> None:
    """CAVE answers as the local CAVE server (Tests/EndToEnd/cave_server) writes them, in the services' formats."""
    host = "https://data.proofreading.zetta.ai"
    write(out, "datastack", compact({
        "aligned_volume": {"id": 1, "name": "kronauer_ant", "image_source": "precomputed://gs://dkronauer-ant-001-alignment-final/aligned"},
        "segmentation_source": f"graphene://{host}/segmentation/table/kronauer_ant_x1", "skeleton_source": None,
        "viewer_site": "https://spelunker.cave-explorer.org", "synapse_table": "synapses_v2", "soma_table": "somas_v1",
        "local_server": host, "viewer_resolution_x": 8.0, "viewer_resolution_y": 8.0, "viewer_resolution_z": 42.0}))
    scale = {"key": "8_8_42", "size": [1024, 1024, 64], "resolution": [8, 8, 42], "voxel_offset": [0, 0, 0],
             "chunk_sizes": [[64, 64, 64]], "encoding": "compressed_segmentation", "compressed_segmentation_block_size": [8, 8, 8]}
    write(out, "graphene_info", compact({
        "@type": "neuroglancer_multiscale_volume", "type": "segmentation", "data_type": "uint64", "num_channels": 1,
        "scales": [scale, dict(scale, key="16_16_42", size=[512, 512, 64], resolution=[16, 16, 42])],
        "data_dir": "gs://zetta-crant/ws", "app": {"supported_api_versions": [0, 1]},
        "graph": {"chunk_size": [64, 64, 64], "bounding_box": [1024, 1024, 64], "n_bits_for_layer_id": 8, "cv_mip": 0,
                  "n_layers": 8, "spatial_bit_masks": {str(layer): 10 for layer in range(1, 9)}},
        "chunks_start_at_voxel_offset": True, "mesh": "graphene_meshes", "verify": False}))
    write(out, "is_latest", compact({"is_latest": [True, False, True]}))
    write(out, "leaves", compact({"leaf_ids": [72057594037927938, 72057596037927946, 18446744073709551615]}))
    write(out, "leaves_as_strings", compact({"leaf_ids": ["72057594037927938", "0"]}))
    write(out, "roots_binary", np.array([576460752810375601, 0, 576460755303423488], dtype="<u8").tobytes())
    write(out, "missing_tos", compact({"error": "missing_tos", "message": "Need to accept Terms of Service to access resource.",
                                       "data": {"tos_id": 1, "tos_name": "CRANT terms", "tos_form_url": "https://proofreading.zetta.ai/sticky_auth/tos/1/accept"}}))
    write(out, "missing_permission", compact({"error": "missing_permission", "message": "Missing permission: view for dataset kronauer_ant",
                                              "data": {"required_permission": "view", "auth_dataset": "kronauer_ant"}}))
    write(out, "pcg_error", compact({"timestamp": 1750000000.0, "duration": 0.0, "code": 400,
                                     "message": "[400]: Timestamp parameter timestamp is not a valid unix timestamp"}))
    write(out, "graphene_url", b"graphene://middleauth+https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1")
    write(out, "leaf_bounds", b"0-512_0-512_0-64")


# Tokens libFuzzer splices into inputs (`-dict=`): the extremes every reader must refuse by name, and
# the field names of each format, so mutations reach the checks behind the parsers quickly.
EXTREMES = ["0", "-1", "1e308", "-1e308", "1e-320", "NaN", "Infinity", "4294967295", "4294967296",
            "2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "18446744073709551615", "18446744073709551616", "1000000", "0.5", "null", "true", "[]", "{}", '""']
JSON_TOKENS = EXTREMES + ["[", "]", "{", "}", ":", ",", '"', "\\u0000", "\\ud800", "\\n"]
DICTIONARIES = {
    "precomputed-info": JSON_TOKENS + [
        "@type", "neuroglancer_multiscale_volume", "type", "image", "segmentation", "data_type", "uint8",
        "uint16", "uint32", "uint64", "float32", "num_channels", "scales", "key", "size", "resolution",
        "voxel_offset", "chunk_sizes", "encoding", "raw", "jpeg", "png", "compressed_segmentation",
        "compressed_segmentation_block_size", "sharding", "neuroglancer_uint64_sharded_v1", "preshift_bits",
        "hash", "identity", "murmurhash3_x86_128", "minishard_bits", "shard_bits", "minishard_index_encoding",
        "data_encoding", "gzip", "mesh", "skeletons", "../", "/"],
    "catmaid-stack": JSON_TOKENS + [
        "sid", "pid", "ptitle", "stitle", "dimension", "resolution", "translation", "downsample_factors",
        "num_zoom_levels", "orientation", "broken_slices", "mirrors", "id", "title", "image_base", "tile_width",
        "tile_height", "tile_source_type", "file_extension", "position", "placeholder_color", "canary_location",
        "x", "y", "z", "r", "g", "b", "a", "%SCALE_DATASET%", "jpg?v=2", "error", "permission"],
    "n5": JSON_TOKENS + [
        "dimensions", "blockSize", "dataType", "uint8", "uint16", "compression", "compressionType", "type",
        "gzip", "raw", "useZlib", "\x00", "\x00\x00\x00\x03", "\x00\x01\x00\x03", "\xff\xff\xff\xff",
        "\x1f\x8b\x08\x00"],
    "wire": JSON_TOKENS + [
        "\n", "<IDS|MSG>", "msg_id", "msg_type", "session", "username", "date", "version", "5.4", "code",
        "cursor_pos", "detail_level", "silent", "store_history", "user_expressions", "allow_stdin",
        "hist_access_type", "tail", "range", "search", "pattern", "unique", "restart", "target_name", "value"],
    "language": EXTREMES + [
        "let ", " = ", "|", "(", ")", "[", "]", "{", "}", ",", ":", "=", "#", "\n", '"', "\\",
        "slice ", "segment at ", "scene ", "decode ", "valid root ", "print ", "show ", "help ", "cache ",
        "sleep ", "dataset ", "info ", "stack ", "catmaid ", "x=", "y=", "z=", "size=", "mip=", "layer=",
        "segments=", "colors=", "position=", "format=", "overlay=true", "alpha=", "1e19", "-0"],
    "materialization": JSON_TOKENS + [
        "id", "size", "valid", "pre_pt_root_id", "post_pt_root_id", "pre_pt_supervoxel_id", "pre_pt_position_x",
        "pre_pt_position_y", "pre_pt_position_z", "\xff\xff\xff\xff", "\x00\x00\x00\x00", "\xff\xff\xff\xff\xff\xff\xff\xff"],
    "seatable": JSON_TOKENS + [
        "success", "error_message", "metadata", "results", "key", "name", "type", "data", "options", "id", "_id",
        "root_id", "position", "supervoxel_id", "text", "number", "checkbox", "single-select", "multiple-select",
        "link", "collaborator", "None", "\\u0000", "1, 2, 3", "576460752303423488"],
    "cave": JSON_TOKENS + [
        "segmentation_source", "local_server", "aligned_volume", "image_source", "viewer_site", "synapse_table",
        "soma_table", "viewer_resolution_x", "graphene://", "middleauth+", "https://", "gs://", "file://",
        "/segmentation/table/", "/segmentation/1.0/", "data_dir", "app", "supported_api_versions", "graph",
        "n_layers", "n_bits_for_layer_id", "spatial_bit_masks", "is_latest", "leaf_ids", "error", "missing_tos",
        "missing_permission", "no_token", "invalid_token", "data", "tos_name", "tos_form_url", "message", "_", "-"],
    "zmtp": ["\xff\x00\x00\x00\x00\x00\x00\x00\x00\x7f", "\x03\x00", "\x03\x01", "NULL", "CURVE", "PLAIN",
             "\x05READY", "\x05ERROR", "\x04PING", "\x04PONG", "\x09SUBSCRIBE", "\x06CANCEL",
             "\x0bSocket-Type", "\x08Identity", "DEALER", "ROUTER", "SUB", "REQ", "\x04", "\x06", "\x01", "\x02",
             "\x00\x00\x00\x00\x00\x00\x01\x00", "\x7f\xff\xff\xff\xff\xff\xff\xff"],
    "neuroglancer-url": JSON_TOKENS + [
        "https://neuroglancer-demo.appspot.com/#!", "#!", "%7B", "%22", "%", "_", "'", "middleauth+",
        "json_url=", "precomputed://gs://", "layers", "segments", "source", "dimensions", "position",
        "crossSectionScale", "projectionScale", "layout", "selectedLayer", "segmentColors", "annotations",
        "segmentation", "image", "annotation", "!", "m", "nm"],
}


def zmtp(out: Path) -> None:
    """What libzmq (pyzmq's) writes to a kernel socket, recorded from a raw server that plays the kernel's
    side of the handshake; the first byte of each seed is the target's read size."""
    import socket
    import time
    import zmq

    def greeting_and_ready(socket_type: bytes) -> bytes:
        greeting = b"\xff" + b"\x00" * 8 + b"\x7f\x03\x00" + b"NULL".ljust(20, b"\x00") + b"\x00" * 32
        body = b"\x05READY\x0bSocket-Type" + len(socket_type).to_bytes(4, "big") + socket_type
        return greeting + b"\x04" + bytes([len(body)]) + body

    def record(kind: int, socket_type: bytes, send) -> bytes:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        context = zmq.Context()
        client = context.socket(kind)
        client.linger = 0
        if kind == zmq.DEALER:
            client.identity = b"fuzz-session"
        client.connect(f"tcp://127.0.0.1:{server.getsockname()[1]}")
        connection, _ = server.accept()
        connection.sendall(greeting_and_ready(socket_type))
        send(client)
        connection.settimeout(0.3)
        received = b""
        deadline = time.time() + 2
        while time.time() < deadline:
            try:
                chunk = connection.recv(65536)
            except socket.timeout:
                if received:
                    break
                continue
            if not chunk:
                break
            received += chunk
        client.close()
        context.term()
        connection.close()
        server.close()
        return received

    frames = [b"<IDS|MSG>", b"0" * 64, compact({"msg_id": "1", "msg_type": "kernel_info_request"}), b"{}", b"{}",
              b"{}"]
    write(out, "dealer", b"\x06" + record(zmq.DEALER, b"ROUTER", lambda c: c.send_multipart(frames)))
    write(out, "dealer-long-frame", b"\xff" + record(zmq.DEALER, b"ROUTER",
                                                        lambda c: c.send_multipart(frames[:5] + [b"x" * 300])))
    write(out, "sub", b"\x00" + record(zmq.SUB, b"XPUB", lambda c: c.setsockopt(zmq.SUBSCRIBE, b"")))
    write(out, "req", b"\x0f" + record(zmq.REQ, b"REP", lambda c: c.send(b"ping")))


def dictionaries(directory: Path) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for target, tokens in DICTIONARIES.items():
        lines = ['"' + "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\x{b:02x}"
                               for b in token.encode("latin-1")) + '"' for token in tokens]
        (directory / f"{target}.dict").write_text(
            f"# libFuzzer dictionary of the {target} target, written by make_corpus.py\n" + "\n".join(lines) + "\n")


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    corpus = Path(sys.argv[1])
    sample = Path(sys.argv[2]) if len(sys.argv) == 3 else None
    if corpus.exists():
        shutil.rmtree(corpus)
    wire(corpus / "wire")
    language(corpus / "language")
    precomputed_info(corpus / "precomputed-info", sample)
    catmaid_stack(corpus / "catmaid-stack", sample)
    n5(corpus / "n5", sample)
    shard(corpus / "shard")
    compressed_segmentation_seeds(corpus / "compressed-segmentation")
    chunk(corpus / "chunk")
    codecs(corpus / "codecs")
    neuroglancer_url(corpus / "neuroglancer-url")
    materialization(corpus / "materialization")
    cave(corpus / "cave")
    seatable(corpus / "seatable")
    zmtp(corpus / "zmtp")
    dictionaries(corpus.parent / "Dictionaries")
    total = sum(f.stat().st_size for f in corpus.rglob("*") if f.is_file())
    print(f"wrote {sum(1 for f in corpus.rglob('*') if f.is_file())} seeds, {total} bytes, to {corpus}")


if __name__ == "__main__":
    main()
