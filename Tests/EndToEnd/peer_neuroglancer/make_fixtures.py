"""Writes neuroglancer-made links for the Swift decoder tests.

Run with a Python that has the `neuroglancer` package:

    python Tests/EndToEnd/peer_neuroglancer/make_fixtures.py \
        Tests/ConnectomeCoreTests/Scene/Fixtures/neuroglancer_links.json

Each fixture is {"name", "url" (from neuroglancer.to_url), "state" (neuroglancer's own to_json)}.
The Swift test `NeuroglancerPeerFixtureTests` decodes every `url` and checks it equals the `state`
and the per-fixture facts it asserts by name.
"""

import json
import sys

import neuroglancer as ng
from neuroglancer.json_utils import json_encoder_default

CRANT_ROOT = 576460752664524086
FLYWIRE_ROOT = 720575940621039145


def dims():
    return ng.CoordinateSpace(names=["x", "y", "z"], units="nm", scales=[8, 8, 42])


def segmentation_state():
    s = ng.ViewerState()
    s.dimensions = dims()
    s.position = [24899, 14436, 3739]
    s.cross_section_scale = 1.5
    s.projection_scale = 30000
    s.layout = "xy-3d"
    layer = ng.SegmentationLayer(
        source="precomputed://gs://bucket/seg",
        segments=[CRANT_ROOT, FLYWIRE_ROOT, 5],
        segment_colors={CRANT_ROOT: "#ff0000", FLYWIRE_ROOT: "#00ff7f"},
    )
    layer.starred_segments[7] = False
    s.layers["seg"] = layer
    s.selected_layer.layer = "seg"
    s.selected_layer.visible = False
    return s


def image_and_graphene_state():
    s = ng.ViewerState()
    s.dimensions = dims()
    s.layers["em"] = ng.ImageLayer(source="precomputed://gs://dkronauer-ant-001-alignment-final/aligned")
    s.layers["proofreadable"] = ng.SegmentationLayer(
        source=ng.LayerDataSource(
            url="graphene://middleauth+https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1",
            subsources={"default": True, "graph": True, "bounds": True, "mesh": True},
            enable_default_subsources=False,
        ),
        segments=[CRANT_ROOT],
    )
    s.layers["proofreadable"].object_alpha = 0.8
    s.layers["brain mesh"] = ng.SegmentationLayer(source="precomputed://gs://bucket/tissue_mesh/mesh#type=mesh", segments=[1])
    s.layout = ng.DataPanelLayout(type="4panel", orthographic_projection=True)
    return s


def annotation_state():
    s = ng.ViewerState()
    s.dimensions = dims()
    s.layers["ann"] = ng.LocalAnnotationLayer(
        dimensions=dims(),
        annotations=[
            ng.PointAnnotation(id="p1", point=[100, 200, 50], description="a point", segments=[[CRANT_ROOT]]),
            ng.LineAnnotation(id="l1", point_a=[1, 2, 3], point_b=[4, 5, 6]),
            ng.AxisAlignedBoundingBoxAnnotation(id="b1", point_a=[0, 0, 0], point_b=[10, 20, 30]),
            ng.EllipsoidAnnotation(id="e1", center=[5, 5, 5], radii=[2, 3, 4]),
            ng.PolyLineAnnotation(id="pl1", points=[[1, 1, 1], [2, 2, 2], [3, 3, 3]]),
        ],
    )
    return s


def unknown_keys_state():
    raw = segmentation_state().to_json()
    raw = json.loads(json.dumps(raw, default=json_encoder_default))
    raw["futureTopLevelKey"] = {"nested": [1, 2, 3]}
    raw["layers"][0]["futureLayerKey"] = "kept"
    return ng.ViewerState(raw)


def many_segments_state():
    s = ng.ViewerState()
    s.dimensions = dims()
    s.layers["seg"] = ng.SegmentationLayer(
        source="precomputed://gs://bucket/seg", segments=[FLYWIRE_ROOT + i for i in range(500)]
    )
    return s


def unicode_state():
    s = ng.ViewerState()
    s.dimensions = dims()
    s.layers["Kenyon cells αβ – \"core\""] = ng.SegmentationLayer(source="precomputed://gs://bucket/seg", segments=[3])
    return s


FIXTURES = {
    "segmentation": segmentation_state,
    "image_and_graphene": image_and_graphene_state,
    "annotations": annotation_state,
    "unknown_keys": unknown_keys_state,
    "many_segments": many_segments_state,
    "unicode_name": unicode_state,
}


def url_safe_link(state, prefix):
    """The legacy URL-safe spelling (' for ", _ for , outside strings) that neuroglancer still reads."""
    text = json.dumps(state.to_json(), separators=(",", ":"), default=json_encoder_default)
    return prefix + "#!" + ng.url_state.json_to_url_safe(text)


def make():
    out = []
    legacy = segmentation_state()
    out.append(
        {
            "name": "url_safe_legacy",
            "url": url_safe_link(legacy, ng.url_state.default_neuroglancer_url),
            "state": json.loads(json.dumps(legacy.to_json(), default=json_encoder_default)),
        }
    )
    for name, build in FIXTURES.items():
        state = build()
        prefix = "https://spelunker.cave-explorer.org/" if name == "image_and_graphene" else ng.url_state.default_neuroglancer_url
        out.append(
            {
                "name": name,
                "url": ng.to_url(state, prefix=prefix),
                "state": json.loads(json.dumps(state.to_json(), default=json_encoder_default)),
            }
        )
    return out


if __name__ == "__main__":
    target = sys.argv[1]
    with open(target, "w") as f:
        json.dump({"neuroglancer_version": ng.__version__ if hasattr(ng, "__version__") else "unknown", "fixtures": make()}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(FIXTURES) + 1} fixtures to {target}")
