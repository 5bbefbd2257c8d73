"""graphene:// segmentations through the kernel against the local CAVE, checked against CloudVolume and CAVEclient.

The local server's chunked graph `info` names a watershed volume (the sample's segmentation relabelled
into supervoxels, `cave_server/graphene.py`); CloudVolume reads it as a graphene volume, so the server
is held to the format CloudVolume (and neuroglancer) read. The kernel's `segment at`, `slice` and
`supervoxels bounds=` must give what CloudVolume's voxels and CAVEclient's `get_root_id`, `get_roots`
and `get_leaves(bounds=)` give, before and after the graph's edits; the notebook 05-crant.ipynb runs
against the same server.
"""
import datetime
import io
import json
import os
import pathlib
import re
import subprocess
import tempfile

import numpy as np
import pytest

from conftest import KERNEL_NAME, OUTPUT_DIR, REPO, binary
from cave_server import server as cave

caveclient = pytest.importorskip("caveclient")
cloudvolume = pytest.importorskip("cloudvolume")
from PIL import Image  # noqa: E402

SAMPLE_DIR = pathlib.Path(os.environ.get("XDG_CACHE_HOME", "")) / "connectome-kernel" / "sample-v1"
UTC = datetime.timezone.utc
# CloudVolume accepts only hexadecimal or base64 tokens, so the server knows this one too.
HEX_TOKEN = "0123456789abcdef0123456789abcdef"
BEFORE, AFTER = cave.EDIT_TIME - 3600, cave.EDIT_TIME + 3600


@pytest.fixture(scope="module")
def server():
    cave.GOOD_TOKENS.add(HEX_TOKEN)
    s = cave.start(str(SAMPLE_DIR))
    yield s
    s.shutdown()
    s.server_close()
    cave.GOOD_TOKENS.discard(HEX_TOKEN)


@pytest.fixture()
def home(tmp_path, monkeypatch):
    """A HOME with the token in cave-secret.json, where the kernel and CAVEclient read it."""
    secrets = tmp_path / ".cloudvolume" / "secrets"
    secrets.mkdir(parents=True)
    (secrets / "cave-secret.json").write_text(json.dumps({"token": HEX_TOKEN}))
    monkeypatch.setenv("HOME", str(tmp_path))  # CAVEclient's datastack cache goes here too
    return tmp_path


def graphene_url(server):
    return f"graphene://{server.url}/segmentation/table/{cave.TABLE}"


def client(server):
    return caveclient.CAVEclient(datastack_name=cave.DATASTACK, server_address=server.url, auth_token=HEX_TOKEN)


def watershed(server):
    """CloudVolume's reading of the graphene source: supervoxels, as neuroglancer would show them."""
    return cloudvolume.CloudVolume(graphene_url(server), mip=0, agglomerate=False, secrets=HEX_TOKEN, use_https=False,
                                   fill_missing=True, progress=False)


def kernel(server, home, lines, out=None):
    """Runs `dataset cave` and `lines` with `connectome-kernel eval`; returns stdout."""
    script = pathlib.Path(tempfile.mkdtemp(prefix="ck-graphene-")) / "cells.cq"
    script.write_text(f'dataset cave server="{server.url}" datastack="{cave.DATASTACK}"\n' + "\n".join(lines) + "\n")
    args = [binary(), "eval", str(script)] + (["--out", str(out)] if out else [])
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, env=dict(os.environ, HOME=str(home)))
    if proc.returncode != 0:
        raise AssertionError(f"eval failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def values(stdout):
    """The printed lists of IDs, one per `print`."""
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("[")]


def voxel_of(server, sv):
    """A mip-0 voxel whose watershed label is `sv`."""
    w = server.watershed
    scale = w.info["scales"][0]
    for chunk in sorted(w.chunks_of(sv)):
        x, y, z = (chunk[d] * 64 for d in range(3))
        labels = w.labels(scale["key"], f"{x}-{x + 64}_{y}-{y + 64}_{z}-{z + 64}")
        found = np.argwhere(labels == sv)
        if len(found):
            return [int(found[0][0]) + x, int(found[0][1]) + y, int(found[0][2]) + z]
    raise AssertionError(f"supervoxel {sv} has no voxels")


def roots_by_caveclient(c, svs, t):
    ts = None if t is None else datetime.datetime.fromtimestamp(t, UTC)
    return [0 if sv == 0 else int(c.chunkedgraph.get_root_id(sv, timestamp=ts)) for sv in svs]


def test_segment_at_equals_caveclient_get_root_id_before_and_after_the_edits(server, home):
    g = server.graph
    split, merged, unchanged = g.neurons[0], g.neurons[3], g.neurons[10]
    piece_sv = next(sv for sv in g.svs_of_l2[split["l2"][3]] if server.watershed.chunks_of(sv))
    others = [r for r in server.watershed.table_sv if r not in server.watershed.graph_neurons]
    import csv
    rows = {int(r["root_id"]): json.loads(r["position"]) for r in csv.DictReader(open(SAMPLE_DIR / "neurons.csv", newline=""))}
    points = [rows[split["root"]], voxel_of(server, piece_sv), rows[merged["root"]], rows[unchanged["root"]],
              rows[others[0]], [2000, 5, 5]]
    text = "[" + ", ".join(f"({x}, {y}, {z})" for x, y, z in points) + "]"
    server.batch_sizes.clear()
    server.watershed_requests.clear()
    server.seen.clear()
    stdout = kernel(server, home, [f'let s = segment at {text} layer="supervoxel"', "print s"]
                    + [line for t in (BEFORE, AFTER, None) for line in
                       (f"let r = segment at {text}" + ("" if t is None else f" at={int(t)}"), "print r")])
    supervoxels, *roots = values(stdout)
    kernel_calls = list(server.batch_sizes)

    vol = watershed(server)
    expected_svs = [int(vol[x, y, z][0, 0, 0, 0]) if x < 1024 else 0 for x, y, z in points]
    assert supervoxels == expected_svs
    assert supervoxels[0] == split["supervoxel"] and supervoxels[1] == piece_sv and supervoxels[4] != 0 and supervoxels[5] == 0
    c = client(server)
    for got, t in zip(roots, (BEFORE, AFTER, None)):
        assert got == roots_by_caveclient(c, supervoxels, t), t
    before, after, now = roots
    # The controls: the split and the merge show, the unchanged neuron and the unknown one do not.
    assert before[0] == before[1] == split["root"] and after[0] != after[1] and after == now
    assert after[2] != merged["root"] and before[2] == merged["root"] and after[3] == before[3] == unchanged["root"]
    assert before[4] == after[4] == 0
    # One roots call per segment at, for the distinct supervoxels, zeros not sent.
    assert kernel_calls == [("roots_binary", 5)] * 3
    # The token goes to the CAVE host's API, never with the watershed's chunks (a public bucket).
    assert server.watershed_requests and all(r["authorization"] is None and r["cookie"] is None for r in server.watershed_requests)
    assert all(r["token"] == HEX_TOKEN for r in server.seen)


def png(folder):
    images = sorted(pathlib.Path(folder).glob("*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    return [np.asarray(Image.open(p).convert("RGB")) for p in images]


@pytest.mark.parametrize("t", [BEFORE, AFTER])
def test_slice_coloured_by_root_equals_caveclient_roots(server, home, tmp_path, t):
    out = tmp_path / "images"
    out.mkdir()
    server.batch_sizes.clear()
    # `eval` shows a script's last value: one script per slice.
    stdout = "".join(kernel(server, home, [f"slice x=100 y=64 z=10 size=128 {how} at={int(t)}"], out=out)
                     for how in ("layer=segmentation", "overlay=true"))
    kernel_calls = list(server.batch_sizes)
    seg, overlay = png(out)
    vol = watershed(server)
    svs = np.asarray(vol[36:164, 0:128, 10:11])[:, :, 0, 0].T  # [y, x]
    unique = [int(v) for v in np.unique(svs) if v]
    roots = dict(zip(unique, (int(r) for r in client(server).chunkedgraph.get_roots(unique, timestamp=datetime.datetime.fromtimestamp(t, UTC)))))
    roots[0] = 0
    by_root = np.vectorize(lambda v: roots[int(v)], otypes=[np.uint64])(svs)
    # Same colour exactly where the root is the same (0 and unknown supervoxels: the background).
    colours = {}
    for root in np.unique(by_root):
        pixels = {tuple(p) for p in seg[by_root == root]}
        assert len(pixels) == 1, f"root {root} has {len(pixels)} colours"
        colours[int(root)] = pixels.pop()
    assert len(set(colours.values())) == len(colours)
    summaries = re.findall(r"(\d+) supervoxels → (\d+) roots", stdout)
    distinct = len({r for r in roots.values() if r})
    assert summaries == [(str(len(unique)), str(distinct))] * 2
    # One roots call per section, with each distinct supervoxel once.
    assert kernel_calls == [("roots_binary", len(unique))] * 2
    assert overlay.shape == (128, 128, 3)
    # The merge shows in the colours: neurons 3 and 4 share a colour after the edit only (when both are in view).
    g = server.graph
    m3, m4 = (roots[g.neurons[i]["supervoxel"]] if g.neurons[i]["supervoxel"] in roots else None for i in (3, 4))
    if m3 is not None and m4 is not None:
        assert (m3 == m4) == (t >= cave.EDIT_TIME)


def test_supervoxels_bounds_equal_caveclient_get_leaves(server, home):
    c = client(server)
    w = server.watershed
    g = server.graph
    # A neuron whose supervoxels lie in two graph chunks, so that bounds keep some and drop others.
    neuron = next(n for n in g.neurons if len({ch for l2 in n["l2"] for sv in g.svs_of_l2[l2] for ch in w.chunks_of(sv)}) >= 2)
    chunks = sorted({ch for l2 in neuron["l2"] for sv in g.svs_of_l2[l2] for ch in w.chunks_of(sv)})
    x, y, z = (chunks[0][d] * 64 for d in range(3))
    boxes = [[[x, x + 64], [y, y + 64], [z, z + 64]], [[x + 10, x + 70], [y + 3, y + 9], [z, z + 1]]]
    cells = [f"supervoxels {neuron['root']} bounds=[({b[0][0]}, {b[0][1]}), ({b[1][0]}, {b[1][1]}), ({b[2][0]}, {b[2][1]})] | save \"{{}}\""
             for b in boxes]
    cells.append(f"supervoxels {neuron['root']} bounds=\"{x}-{x + 64}_{y}-{y + 64}_{z}-{z + 64}\" | save \"{{}}\"")
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ck-leaves-"))
    kernel(server, home, [cell.format(folder / f"t{i}.csv") for i, cell in enumerate(cells)])
    got = [[int(line) for line in (folder / f"t{i}.csv").read_text().split()[1:]] for i in range(len(cells))]
    expected = [[int(v) for v in c.chunkedgraph.get_leaves(neuron["root"], bounds=np.array(b))] for b in boxes]
    assert got[:2] == expected and got[2] == expected[0]
    everything = [int(v) for v in c.chunkedgraph.get_leaves(neuron["root"])]
    assert 0 < len(expected[0]) < len(everything) and set(expected[0]) <= set(everything)


def test_notebook_05_crant_runs_against_the_local_server(server, home):
    """notebooks/05-crant.ipynb with its first cell pointing at the local server, executed by nbclient."""
    import nbformat
    from nbclient import NotebookClient
    book = nbformat.read(REPO / "notebooks" / "05-crant.ipynb", as_version=4)
    first = next(cell for cell in book.cells if cell.cell_type == "code")
    assert first.source.startswith("let server = "), "the notebook's first code cell names the CAVE server"
    first.source = f'let server = "{server.url}"'
    server.seen.clear()
    NotebookClient(book, kernel_name=KERNEL_NAME, timeout=300, allow_errors=False,
                   resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    nbformat.write(book, OUTPUT_DIR / "05-crant.ipynb")

    def text(start, mime="text/plain"):
        cell = next(c for c in book.cells if c.cell_type == "code" and any(line.startswith(start) for line in c.source.splitlines()))
        return "".join(o.get("text", "") + o.get("data", {}).get(mime, "") for o in cell.outputs)

    g = server.graph
    assert "hidden" in text("token list") and HEX_TOKEN not in json.dumps([c.get("outputs", []) for c in book.cells])
    assert f"graphene://middleauth+{server.url}/segmentation/table/{cave.TABLE}" in text("dataset cave")
    latest = text("latest")
    # A columnar table: booleans show as True / False.
    assert re.search(rf"{g.neurons[0]['root']}\s+False", latest) and re.search(rf"{g.neurons[10]['root']}\s+True", latest)
    assert "2 of 3 IDs changed" in text("update")  # the split and the merged root; the unchanged one kept
    assert text("segment at").strip().splitlines()[-1] == str(int(client(server).chunkedgraph.get_root_id(g.neurons[0]["supervoxel"])))
    assert re.search(r"\d+ supervoxels → \d+ roots", text("slice", "text/plain"))
    partners = text("partners ids")
    assert "2 stale IDs brought up to date" in partners and re.search(r"^\d{15,}\s+\d{15,}\s+\d+$", partners, re.M)
    assert "spelunker" in text("update ids | scene", "text/html")
    assert server.seen and all(r["token"] == HEX_TOKEN for r in server.seen)
