"""`neurons` and `annotations` on CRANT's Seatable table, and `skeleton` from CAVE's skeleton service,
against local servers, checked against the real clients.

`cave_server.seatable` speaks Seatable's login chain and SQL API (gateway and dtable-db) over a
12,000-row CRANTb_meta-like table derived from the sample, so reading it takes two pages. The real
Seatable client (seatable-api, as crantpy uses it) reads the same rows, and the kernel's tables must
equal what crantpy-style pandas makes of them (IDs compared as integers, never as strings). The
skeleton service (`cave_server.skeletons` on the CAVE server) is checked against CAVEclient's
`get_skeleton(output_format="dict")` and the sample's own skeletons.
"""
import json
import os
import pathlib
import subprocess
import tempfile
import urllib.request

import numpy as np
import pytest

from conftest import binary
from cave_server import seatable as st
from cave_server import server as cave

seatable_api = pytest.importorskip("seatable_api")
pd = pytest.importorskip("pandas")
pa_feather = pytest.importorskip("pyarrow.feather")

SAMPLE_DIR = pathlib.Path(os.environ.get("XDG_CACHE_HOME", "")) / "connectome-kernel" / "sample-v1"
FIELDS = ["root_id", "root_id_processed", "supervoxel_id", "position", "nucleus_id", "nucleus_position",
          "root_position", "cave_table", "proofread", "status", "region", "proofreader_notes", "side", "nerve", "tract",
          "hemilineage", "flow", "super_class", "cell_class", "cell_type", "cell_subtype", "cell_instance", "known_nt",
          "known_nt_source", "alternative_names", "annotator_notes", "user_annotator", "user_proofreader", "ngl_link",
          "date_proofread"]


@pytest.fixture(scope="module")
def seatable():
    s = st.start(str(SAMPLE_DIR))
    yield s
    s.shutdown()
    s.server_close()


@pytest.fixture(autouse=True)
def reset(seatable):
    post(seatable, "/_test/faults", [])
    post(seatable, "/_test/config", {"use_api_gateway": True})
    seatable.seen.clear()
    seatable.pages.clear()
    seatable.expired.clear()


def post(server, path, body):
    urllib.request.urlopen(urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST"))


def kernel(seatable, cells, token=st.ACCOUNT_TOKEN, check=True, home=None, prefix=None):
    """Runs `dataset crant seatable=…` then each cell with `connectome-kernel eval`, saving each cell's
    table as Feather; returns (process, [DataFrame of each table])."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ck-seatable-"))
    script = folder / "cells.cq"
    script.write_text((prefix or f'dataset crant seatable="{seatable.url}"') + "\n"
                      + "".join(f'{c} | save "{folder}/t{i}.feather"\n' for i, c in enumerate(cells)))
    env = dict(os.environ, HOME=str(home or folder))
    env.pop("CRANTTABLE_TOKEN", None)
    if token is not None:
        env["CRANTTABLE_TOKEN"] = token
    proc = subprocess.run([binary(), "eval", str(script)], capture_output=True, text=True, timeout=300, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"eval failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    tables = [pa_feather.read_table(folder / f"t{i}.feather").to_pandas() for i in range(len(cells)) if (folder / f"t{i}.feather").exists()]
    return proc, tables


def crantpy_rows(seatable):
    """crantpy's `get_all_seatable_annotations` on seatable-api: the account token, the base, then
    `SELECT <30 fields> LIMIT 10000 OFFSET …` until a short page; the rows as a DataFrame."""
    account = seatable_api.Account(login_name=[], password=[], server_url=seatable.url + "/")
    account.token = st.ACCOUNT_TOKEN
    base = account.get_base(workspace_id=st.WORKSPACE_ID, base_name=st.BASE_NAME)
    rows, start = [], 0
    while True:
        results = base.query(f"SELECT {', '.join(FIELDS)} FROM {st.TABLE_NAME} LIMIT 10000 OFFSET {start}")
        rows.extend(results)
        if len(results) < 10000:
            break
        start += 10000
    return pd.DataFrame(rows)


def normalised(df):
    """crantpy's value types (neurons.md §1), with IDs as integers: the form both sides are compared in."""
    out = {}
    for field in FIELDS:
        column = df[field] if field in df else pd.Series([None] * len(df))
        values = []
        for v in column:
            if hasattr(v, "tolist"):
                v = v.tolist()  # numpy arrays of list cells (Feather lists and fixed-size lists)
            if v is None or (isinstance(v, float) and v != v):
                values.append(None)
            elif field in ("root_id", "supervoxel_id", "nucleus_id"):
                values.append(int(v))
            elif field.endswith("position"):
                tokens = v if isinstance(v, list) else [int(t) for t in str(v).split(",") if t.strip().isdigit()]
                values.append([int(t) for t in tokens] or None)
            elif isinstance(v, list):
                values.append([str(x) for x in v])
            else:
                values.append(v)
        out[field] = values
    return out


def test_neurons_reads_two_pages_and_equals_crantpy_on_seatable_api_rows(seatable):
    expected = crantpy_rows(seatable)
    assert len(expected) == st.ROWS
    seatable.pages.clear()
    proc, (table,) = kernel(seatable, ["neurons"])
    assert seatable.pages == [(0, 10000), (10000, 2000)]
    assert list(table.columns) == FIELDS
    got, want = normalised(table), normalised(expected)
    for field in FIELDS:
        assert got[field] == want[field], field
    # IDs are exact uint64 (some padding roots are above int64), lists are lists, flags are bools.
    assert str(table["root_id"].dtype) == "uint64" and max(got["root_id"]) > 2**63
    assert table["proofread"].dtype == bool
    assert any(isinstance(v, list) and len(v) == 2 for v in got["status"])
    assert "account-token" not in proc.stdout + proc.stderr


def test_legacy_dtable_db_path_names_keys_and_options_like_convert_db_rows(seatable):
    post(seatable, "/_test/config", {"use_api_gateway": False})
    _, (table,) = kernel(seatable, ["neurons"])
    assert any(r["path"].startswith("/dtable-db/") for r in seatable.seen)
    post(seatable, "/_test/config", {"use_api_gateway": True})
    expected = normalised(crantpy_rows(seatable))
    got = normalised(table)
    assert got == expected


def filter_like_crantpy(df, field, value):
    """filter_df for a scalar string column (case-insensitive exact) or a list column (contains)."""
    column = df[field]
    keep = []
    for v in column:
        if v is None or (isinstance(v, float) and v != v):
            keep.append(False)
        elif isinstance(v, list):
            keep.append(value in v)
        else:
            keep.append(str(v).lower() == value.lower())
    return df[keep]


@pytest.mark.parametrize("field, value", [("cell_class", "Kenyon_Cell"), ("status", "backbone_proofread"), ("side", "left")])
def test_neurons_criteria_equal_pandas_filters(seatable, field, value):
    df = crantpy_rows(seatable)
    expected = [int(x) for x in filter_like_crantpy(df, field, value)["root_id"]]
    _, (table,) = kernel(seatable, [f'neurons {field}="{value}"'])
    assert [int(x) for x in table["root_id"]] == expected
    assert 0 < len(expected) < len(df)


def test_annotations_by_id_compare_integers_not_strings(seatable):
    df = crantpy_rows(seatable)
    ids = [int(df["root_id"][11_999]), int(df["root_id"][3]), int(df["root_id"][10_500]), 1234]
    _, (table,) = kernel(seatable, ["annotations " + json.dumps(ids)])
    assert [int(x) for x in table["root_id"]] == ids[:3]
    assert normalised(table)["cell_type"] == [normalised(df.iloc[[11_999, 3, 10_500]].reset_index())["cell_type"][i] for i in range(3)]


def test_a_page_failing_mid_pagination_is_an_error_and_nothing_is_cached(seatable):
    post(seatable, "/_test/faults", [{"path": "/sql", "status": 500, "count": 4, "skip": 1}])
    proc, _ = kernel(seatable, ["neurons | count", "cache"], check=False)
    assert proc.returncode != 0
    assert "NetworkError" in proc.stderr and "page 2" in proc.stderr and "no table is kept" in proc.stderr, proc.stderr
    # The same kernel run again (the fault spent): a whole table, both pages.
    seatable.pages.clear()
    _, (table,) = kernel(seatable, ["neurons"])
    assert len(table) == st.ROWS and seatable.pages == [(0, 10000), (10000, 2000)]


def test_an_access_token_expiring_mid_pagination_logs_in_again(seatable):
    post(seatable, "/_test/faults", [{"path": "/sql", "status": "expire", "count": 1, "skip": 1}])
    _, (table,) = kernel(seatable, ["neurons"])
    assert len(table) == st.ROWS
    logins = [r for r in seatable.seen if r["path"] == "/api/v2.1/dtable/app-access-token/"]
    assert len(logins) == 2
    assert seatable.pages == [(0, 10000), (10000, 2000)]


@pytest.mark.parametrize("token, words", [
    (None, ["AuthError", "needs a Seatable account token", "CRANTTABLE_TOKEN", "token seatable="]),
    ("wrong-token", ["AuthError", "401", "refused the Seatable account token", "CRANTTABLE_TOKEN"]),
    (st.EXPIRED_ACCOUNT_TOKEN, ["AuthError", "expired", "CRANTTABLE_TOKEN"]),
])
def test_refusals_are_auth_errors_that_say_what_to_do(seatable, token, words):
    proc, _ = kernel(seatable, ["neurons"], token=token, check=False)
    assert proc.returncode != 0
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert token is None or token not in proc.stdout + proc.stderr


def test_tokens_go_only_to_the_seatable_host_and_token_seatable_sets_one(seatable):
    _, (table,) = kernel(seatable, ["neurons | head 3"], token=None,
                         prefix=f'dataset crant seatable="{seatable.url}"\ntoken seatable="{st.ACCOUNT_TOKEN}"')
    assert len(table) == 3
    tokens = {r["path"]: r["token"] for r in seatable.seen}
    assert tokens[f"/api/v2.1/workspace/{st.WORKSPACE_ID}/dtable/{st.BASE_NAME}/temp-api-token/"] == st.ACCOUNT_TOKEN
    assert tokens["/api/v2.1/dtable/app-access-token/"].startswith("base-token-")
    assert all(r["host"] == seatable.url[len("http://"):] for r in seatable.seen)


def test_the_table_is_cached_clear_cache_refreshes_and_cache_lists_it(seatable):
    _, (first, second, listing, third) = kernel(seatable, ["neurons | head 1", "neurons side=\"left\"", "cache",
                                                           "neurons clear_cache=true | head 1"])
    assert seatable.pages == [(0, 10000), (10000, 2000), (0, 10000), (10000, 2000)]
    rows = listing.to_dict("records")
    annotation = [r for r in rows if "annotation" in r["cache"]]
    assert annotation and "12,000 rows" in annotation[0]["holds"] and annotation[0]["age_s"] < 120


# -- skeleton service ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cave_server():
    s = cave.start(str(SAMPLE_DIR))
    yield s
    s.shutdown()
    s.server_close()


@pytest.fixture()
def cave_home(tmp_path):
    secrets = tmp_path / ".cloudvolume" / "secrets"
    secrets.mkdir(parents=True)
    (secrets / "cave-secret.json").write_text('{"token": "good-token"}')
    return tmp_path


def sample_root(cave_server):
    roots = sorted(int(n) for n in os.listdir(SAMPLE_DIR / "segmentation" / "skeletons") if n.isdigit())
    return roots[len(roots) // 2]


def skeleton_nodes(cave_server, home, root, service=True):
    cave_server.skeleton_service = service
    try:
        _, (nodes,) = kernel(None, [f"skeleton {root} | nodes"], token=None, home=home,
                             prefix=f'dataset cave server="{cave_server.url}" datastack="{cave.DATASTACK}"')
    finally:
        cave_server.skeleton_service = True
    return nodes


def test_skeleton_from_the_service_equals_caveclient_get_skeleton(cave_server, cave_home, monkeypatch):
    caveclient = pytest.importorskip("caveclient")
    root = sample_root(cave_server)
    cave_server.skeleton_requests.clear()
    nodes = skeleton_nodes(cave_server, cave_home, root)
    assert cave_server.skeleton_requests == [(4, root, "async")]
    monkeypatch.setenv("HOME", str(cave_home))
    client = caveclient.CAVEclient(datastack_name=cave.DATASTACK, server_address=cave_server.url, auth_token="good-token")
    # CAVEclient checks the root's layer with cloud-volume's graphene reader; the local graph has no
    # meshing or sharding service for it, so that one check is answered from the graph info directly.
    monkeypatch.setattr(client.info, "segmentation_cloudvolume", lambda *a, **k: None)
    sk = client.skeleton.get_skeleton(root, output_format="dict")
    parents = {int(c): int(p) for c, p in sk["edges"]}
    assert [int(p) for p in nodes["parent_id"]] == [parents.get(i, -1) for i in range(len(sk["vertices"]))]
    np.testing.assert_allclose(nodes[["x", "y", "z"]].to_numpy(), np.asarray(sk["vertices"], float), atol=1e-3)
    np.testing.assert_allclose(nodes["radius"].to_numpy(), np.asarray(sk["radius"], float), atol=1e-3)
    assert (nodes["parent_id"] == -1).sum() == 1 and int(nodes["parent_id"][sk["root"]]) == -1


def test_without_a_skeleton_service_the_precomputed_source_is_read(cave_server, cave_home):
    root = sample_root(cave_server)
    cave_server.skeleton_requests.clear()
    from_service = skeleton_nodes(cave_server, cave_home, root)
    fallback = skeleton_nodes(cave_server, cave_home, root, service=False)
    assert cave_server.skeleton_requests == [(4, root, "async")]
    assert fallback["parent_id"].tolist() == from_service["parent_id"].tolist()
    np.testing.assert_allclose(fallback[["x", "y", "z"]].to_numpy(), from_service[["x", "y", "z"]].to_numpy())
