"""The example notebooks, executed headless by nbclient with the Connectome kernel, outputs checked.

The kernel writes its sample dataset into $XDG_CACHE_HOME (set below to a folder of the test run),
and the PNGs it shows are compared with the stored voxels read by an independent numpy reader."""
import base64
import io
import os
import pathlib
import re

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

from conftest import KERNEL_NAME, OUTPUT_DIR, REPO, binary
from precomputed_numpy import read_section

NOTEBOOKS = REPO / "notebooks"


def sample_dir() -> pathlib.Path:
    return pathlib.Path(os.environ["XDG_CACHE_HOME"]) / "connectome-kernel" / "sample-v1"


@pytest.fixture(scope="module", autouse=True)
def cache_home():
    binary()
    os.environ.setdefault("XDG_CACHE_HOME", str(OUTPUT_DIR / "cache"))
    yield


def run(name: str) -> nbformat.NotebookNode:
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(book, kernel_name=KERNEL_NAME, timeout=300, allow_errors=False,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    nbformat.write(book, OUTPUT_DIR / name)
    return book


def outputs(book, source_start: str):
    for cell in book.cells:
        if cell.cell_type == "code" and cell.source.startswith(source_start):
            return cell.outputs
    raise AssertionError(f"no cell starts with {source_start!r}")


def data_of(outs, mime):
    for out in outs:
        if out.get("output_type") in ("execute_result", "display_data") and mime in out.get("data", {}):
            return out["data"][mime], out.get("metadata", {}).get(mime, {})
    raise AssertionError(f"no {mime} output in {[o.get('output_type') for o in outs]}")


def png_array(b64: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))))


def test_tour():
    book = run("00-tour.ipynb")
    html, _ = data_of(outputs(book, "help"), "text/html")
    assert "slice" in html and "<table" in html
    printed = "".join(o.get("text", "") for o in outputs(book, "let neuron") if o.output_type == "stream")
    assert "root ID: 576460752664524086" in printed
    png, meta = data_of(outputs(book, "slice x=512"), "image/png")
    assert png_array(png).shape == (256, 256)
    assert meta == {"width": 256, "height": 256}
    text, _ = data_of(outputs(book, "segment at"), "text/plain")
    assert int(text) >> 56 == 8, f"sample IDs are layer-8 root IDs, got {text}"
    html, _ = data_of(outputs(book, "valid root"), "text/html")
    assert "576460752664524086" in html
    html, _ = data_of(outputs(book, "scene"), "text/html")
    assert re.search(r'<a [^>]*href="[^"]+#!', html) and 'target="_blank"' in html
    html, _ = data_of(outputs(book, "vars"), "text/html")
    assert "neuron" in html


def test_em_slices_show_the_stored_voxels():
    book = run("01-em-slices.ipynb")
    raw = sample_dir() / "image_raw"
    # mip 1 of the raw copy: exact voxels. Centre (512, 512) at mip 0 is (256, 256) at mip 1.
    png, meta = data_of(outputs(book, "slice x=512 y=512 z=32 size=256 layer=image_raw mip=1"), "image/png")
    shown = png_array(png)
    expected = read_section(raw, 1, range(128, 384), range(128, 384), 32)
    assert shown.shape == expected.shape == (256, 256)
    np.testing.assert_array_equal(shown, expected)
    # the default jpeg layer: within JPEG's error of the raw voxels.
    png, _ = data_of(outputs(book, "slice x=512 y=512 z=32 size=512"), "image/png")
    shown = png_array(png).astype(int)
    expected = read_section(raw, 0, range(256, 768), range(256, 768), 32).astype(int)
    assert shown.shape == (512, 512)
    assert np.abs(shown - expected).mean() < 8
    # the overlay is colour
    png, _ = data_of(outputs(book, "slice x=512 y=512 z=32 size=384 overlay=true alpha"), "image/png")
    assert png_array(png).ndim == 3
    text, _ = data_of(outputs(book, "cache"), "text/plain")
    assert "chunk" in text.lower()


def test_scenes():
    book = run("02-scenes.ipynb")
    outs = outputs(book, "let s = scene")
    html, _ = data_of(outs, "text/html")
    assert "spelunker" in html and 'target="_blank"' in html
    state, _ = data_of(outs, "application/vnd.neuroglancer.state+json")
    segs = [layer for layer in state["layers"] if layer["type"] == "segmentation"][0]
    assert set(segs["segments"]) >= {"576460752664524086", "576460752590602315"}
    for out in outs:
        assert "application/json" not in out.get("data", {}), "application/json would hide the link in JupyterLab"
    text, _ = data_of(outputs(book, "decode s format=brief"), "text/plain")
    assert "24899" in text
    html, _ = data_of(outputs(book, "valid root"), "text/html")
    assert html.count("<tr>") >= 4


def test_catmaid():
    book = run("03-catmaid.ipynb")
    html, _ = data_of(outputs(book, "catmaid sample"), "text/html")
    assert "<table" in html
    png, _ = data_of(outputs(book, "slice x=512 y=512 z=32 size=512"), "image/png")
    assert png_array(png).shape == (512, 512)
    outs = outputs(book, "slice x=512 y=512 z=10")
    text, _ = data_of(outs, "text/plain")
    assert "broken" in text.lower()


def test_neurons():
    book = run("04-neurons.ipynb")
    text, _ = data_of(outputs(book, "info neurons"), "text/plain")
    assert "root_id" in text and "cell_class" in text
    html, _ = data_of(outputs(book, "let kcs"), "text/html")
    assert "<table" in html and "kenyon_cell" in html and "rows × " in html
    text, _ = data_of(outputs(book, "kcs | partners"), "text/plain")
    weights = [int(line.split()[-1]) for line in text.splitlines()
               if line[:1].isdigit() and "×" not in line and line.split()[-1].isdigit()]
    assert weights and weights == sorted(weights, reverse=True), text
    outs = outputs(book, "let pairs")
    png, meta = data_of(outs, "image/png")
    assert png_array(png).ndim == 3 and meta["width"] > 0
    html, _ = data_of(outs, "text/html")
    assert "data:image/png;base64," in html and "<table" in html
    png, _ = data_of(outputs(book, "let sk"), "image/png")
    assert png_array(png).shape[0] > 0
    text, _ = data_of(outputs(book, "nodes sk"), "text/plain")
    assert "node_id" in text and "parent_id" in text
    text, _ = data_of(outputs(book, "reroot sk"), "text/plain")
    assert "Rerooted at the soma" in text
    html, _ = data_of(outputs(book, "scene segments"), "text/html")
    assert re.search(r'<a [^>]*href="https://[^"]+#!', html)
