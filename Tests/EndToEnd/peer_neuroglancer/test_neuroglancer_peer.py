"""Peer check of our neuroglancer links against the `neuroglancer` PyPI package.

Handshake with the Swift side (Tests/ConnectomeCoreTests/Scene/NeuroglancerPeerTests.swift):

1. us → neuroglancer: `CK_NEUROGLANCER_PEER_DIR=DIR swift test --filter NeuroglancerPeerTests` writes
   DIR/ours.json = {"scenes": [{"name", "url", "state"}]}: our links and the states we meant.
   This test parses every link with `neuroglancer.parse_url` and checks it equals the state we meant
   (both normalised by neuroglancer's own ViewerState), plus named facts per scene.
2. neuroglancer → us: `make_fixtures.py` writes the committed fixture file the Swift tests decode;
   this test checks the committed file still matches what the installed neuroglancer writes.

Run (needs `pip install neuroglancer pytest`):
    mkdir -p .build/peer && CK_NEUROGLANCER_PEER_DIR=$PWD/.build/peer swift test --filter NeuroglancerPeerTests
    CK_NEUROGLANCER_PEER_DIR=$PWD/.build/peer python -m pytest Tests/EndToEnd/peer_neuroglancer
"""

import json
import os
import pathlib

import neuroglancer as ng
import pytest
from neuroglancer.json_utils import json_encoder_default

import make_fixtures

HERE = pathlib.Path(__file__).resolve().parent
FIXTURE_FILE = HERE.parent.parent / "ConnectomeCoreTests" / "Scene" / "Fixtures" / "neuroglancer_links.json"


def plain(value):
    """neuroglancer's JSON of a state, as plain Python values."""
    return json.loads(json.dumps(value, default=json_encoder_default))


def normalised(state_json):
    return plain(ng.ViewerState(state_json).to_json())


@pytest.fixture(scope="module")
def ours():
    directory = os.environ.get("CK_NEUROGLANCER_PEER_DIR")
    if not directory:
        pytest.fail(
            "CK_NEUROGLANCER_PEER_DIR is not set: run "
            "`CK_NEUROGLANCER_PEER_DIR=DIR swift test --filter NeuroglancerPeerTests` first, then this test with the same DIR"
        )
    path = pathlib.Path(directory) / "ours.json"
    assert path.exists(), f"{path} is missing: the Swift test writes it when CK_NEUROGLANCER_PEER_DIR is set"
    scenes = json.loads(path.read_text())["scenes"]
    return {scene["name"]: scene for scene in scenes}


def parsed(scene):
    return ng.parse_url(scene["url"])


def test_every_link_we_write_parses_to_the_state_we_meant(ours):
    assert set(ours) == {"basic", "grouped", "annotated", "crant", "every_kind"}
    for name, scene in ours.items():
        state = parsed(scene)
        assert plain(state.to_json()) == normalised(scene["state"]), name


def test_fragment_is_what_neuroglancer_would_percent_encode(ours):
    # Same JSON text → same bytes: neuroglancer's own quoting of our JSON gives our fragment back.
    import urllib.parse

    for name, scene in ours.items():
        fragment = scene["url"].split("#!", 1)[1]
        json_text = urllib.parse.unquote(fragment)
        assert urllib.parse.quote(json_text, safe="~@#$&()*!+=:;,.?/'") == fragment, name


def test_basic_scene_facts(ours):
    state = parsed(ours["basic"])
    seg = state.layers["segmentation"].layer
    assert list(seg.segments) == [576460752664524086, 576460752664524087]
    assert dict(seg.starred_segments.items()) == {
        576460752664524086: True,
        576460752664524087: True,
        576460752664524099: False,
    }
    assert {int(k): v for k, v in seg.segment_colors.items()} == {
        576460752664524086: "#ff0000",
        576460752664524087: "#00ff00",
    }
    assert list(state.position) == [1000, 2000, 30]
    assert list(state.dimensions.names) == ["x", "y", "z"]
    assert [round(s * 1e9, 6) for s in state.dimensions.scales] == [8, 8, 42]
    assert state.layout.type == "4panel"
    assert state.layers["image"].layer.type == "image"


def test_grouped_scene_facts(ours):
    state = parsed(ours["grouped"])
    names = [layer.name for layer in state.layers]
    assert names == ["image", "segmentation", "left", "right"]
    assert sorted(state.layers["segmentation"].layer.segments) == [11, 12, 13]
    left = state.layers["left"]
    assert left.visible is False
    assert list(left.layer.segments) == [11, 13]
    assert list(state.layers["right"].layer.segments) == [12]
    colors = {int(k): v for k, v in left.layer.segment_colors.items()}
    assert colors == {11: "#1f77b4", 13: "#1f77b4"}


def test_annotated_scene_facts(ours):
    state = parsed(ours["annotated"])
    synapses = state.layers["synapses"].layer
    assert [a.type for a in synapses.annotations] == ["point", "point"]
    assert [list(a.point) for a in synapses.annotations] == [[1, 2, 3], [4, 5, 6]]
    assert [a.description for a in synapses.annotations] == ["s1", "s2"]
    assert state.layers["paths"].layer.annotations[0].type == "line"
    somata = state.layers["somata"].layer.annotations[0]
    assert somata.type == "ellipsoid" and list(somata.radii) == [5, 5, 5]
    skeleton = state.layers["skeleton"].layer.annotations[0]
    # nm ÷ (8, 8, 42) → voxels.
    assert list(skeleton.point_a) == [200, 100, 100]
    assert list(skeleton.point_b) == [100, 100, 100]
    assert [[int(s) for s in group] for group in skeleton.segments] == [[576460752664524086]]
    ids = [a.id for layer in state.layers if layer.type == "annotation" for a in layer.annotations]
    assert len(ids) == len(set(ids))


def test_crant_scene_uses_spelunker_graphene_source(ours):
    scene = ours["crant"]
    assert scene["url"].startswith("https://spelunker.cave-explorer.org/#!")
    seg = parsed(scene).layers["segmentation"].layer
    source = seg.source[0]
    assert source.url == "graphene://middleauth+https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1"
    assert source.subsources["graph"].enabled is True
    assert source.enable_default_subsources is False


def test_committed_fixtures_match_installed_neuroglancer():
    committed = {f["name"]: f for f in json.loads(FIXTURE_FILE.read_text())["fixtures"]}
    fresh = {f["name"]: f for f in make_fixtures.make()}
    assert set(committed) == set(fresh)
    for name, fixture in fresh.items():
        assert committed[name]["state"] == fixture["state"], name
        # The committed link still parses to the same state in this neuroglancer.
        assert plain(ng.parse_url(committed[name]["url"]).to_json()) == normalised(fixture["state"]), name
