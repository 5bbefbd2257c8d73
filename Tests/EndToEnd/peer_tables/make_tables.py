#!/usr/bin/env python3
"""Tables written by pandas and pyarrow, which the kernel's table readers must read cell for cell.

    make_tables.py OUT_DIR       writes the fixtures and OUT_DIR/expected.json
    make_tables.py --check DIR   reads the files the kernel wrote (DIR/check.json lists them with the
                                 fixture whose values they must hold) with pandas and pyarrow

expected.json: {"files": [{"file", "writer", "columns": [{"name", "type", "values"}]}]}. `type` is the
kernel's column type (ColumnType.description); values are JSON: uint64 as decimal strings, int64 and
timestamps (integers of their unit) as numbers, floats as numbers or "nan"/"inf"/"-inf", lists as arrays.
The expected values of Arrow files are what pyarrow reads back from them; those of CSV/TSV files are the
raw cells read back with Python's csv module, converted by the type the kernel is expected to infer.
"""
import ast
import csv
import datetime as dt
import io
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

BIG = 2**63
NA_VALUES = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
             "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}


def is_id_name(name):
    lower = name.lower()
    return lower in ("id", "pre", "post") or lower.endswith("_id")


# ---------------------------------------------------------------------------------------------------
# The tables


def neuron_frame():
    """An annotation table as pandas holds it: CRANT-like fields, every kind of value and null."""
    n = 8
    return pd.DataFrame({
        "root_id": np.array([BIG + 5, 2**64 - 1, 576460752303423488, 720575940379279360, 1, 0,
                             BIG, 9007199254740993], dtype=np.uint64),
        "supervoxel_id": np.array([88, 77, 66, 55, 44, 33, 22, 11], dtype=np.int64),
        "nucleus_id": pd.array([1, None, 3, 4, None, 6, 7, 8], dtype="Int64"),
        "count": pd.array([5, -3, None, 0, 2**62, -(2**63), 7, 8], dtype="Int64"),
        "size": [1.5, np.nan, -0.1, 1e-05, 1e16, 3.0, 0.30000000000000004, -2.5],
        "weight32": np.array([0.1, 1.5, -2.25, 3.0, 0.0, 1e-3, 7.0, 8.5], dtype=np.float32),
        "small8": np.array([-128, 127, 0, 1, -1, 2, 3, 4], dtype=np.int8),
        "small16": np.array([-32768, 32767, 0, 1, -1, 2, 3, 4], dtype=np.int16),
        "u8": np.array([0, 255, 1, 2, 3, 4, 5, 6], dtype=np.uint8),
        "u32": np.array([0, 4294967295, 1, 2, 3, 4, 5, 6], dtype=np.uint32),
        "proofread": [True, False, None, True, False, True, None, False],
        "cell_type": ["kenyon_cell", 'Kenyon, "KC"', "multi\nline", None, "ünïcødé 神经元", "Kenyon_Cell",
                      "tab\there", "plain"],
        "status": [["a", "b"], [], None, ["x"], ["it's", 'say "hi"'], ["ü"], ["a"], ["b", None]],
        "position": [[1, 2, 3], [4, 5, 6], None, [-7, 8, 9], [10, 11, 12], [0, 0, 0], [1, 1, 1], [2, 2, 2]],
        "created": pd.to_datetime(["2024-05-01 12:30:00", "1969-12-31 23:59:59.5", None, "2000-01-01",
                                   "2024-02-29 00:00:00.000001", "1970-01-01", "2030-06-15 08:00", "2024-05-01"],
                                  utc=True, format="ISO8601"),
        "cell_class": pd.Categorical(["KC", "PN", "KC", None, "LN", "PN", "KC", "KC"]),
        "side": ["left", "right", "left", "right", "left", "right", "center", "left"],
    }, index=range(n))


def arrow_table():
    """Types pyarrow writes that pandas would not choose: narrow and unsigned ints, half floats,
    large strings and lists, fixed-size lists, timestamps of every unit and zone, dates,
    dictionaries with 16-bit indices, a null column."""
    def ts(unit, values, tz=None):
        return pa.array(values, pa.timestamp(unit, tz=tz))
    return pa.table({
        "id": pa.array([3, 2**62, 0, 5, 6], pa.int64()),
        "i8": pa.array([1, -2, None, 127, -128], pa.int8()),
        "i16": pa.array([1, -2, None, 32767, -32768], pa.int16()),
        "i32": pa.array([1, -2, None, 2**31 - 1, -(2**31)], pa.int32()),
        "u16": pa.array([0, 65535, None, 1, 2], pa.uint16()),
        "u64": pa.array([2**64 - 1, 0, None, BIG, 1], pa.uint64()),
        "f16": pa.array(np.array([0.5, -2.0, 65504, 0.0, 1e-4], dtype=np.float16)),
        "f32": pa.array([0.1, None, float("inf"), -0.0, 3.5], pa.float32()),
        "f64": pa.array([float("nan"), None, -float("inf"), 1e-300, 2.5], pa.float64()),
        "s": pa.array(["a", None, "", "ü, \"q\"", "line\nbreak"], pa.string()),
        "ls": pa.array(["large", "string", None, "神经", ""], pa.large_string()),
        "l": pa.array([["a"], None, [], ["b", None, "c"], ["ü"]], pa.list_(pa.string())),
        "ll": pa.array([["x", "y"], [], None, ["z"], []], pa.large_list(pa.large_string())),
        "fsl": pa.array([[1.0, 2.0, 3.0], None, [4.5, 5.5, 6.5], [0.0, -1.0, 1e9], [7.0, 8.0, 9.0]],
                        pa.list_(pa.float64(), 3)),
        "ipos": pa.array([[1, 2, 3], [4, 5, 6], None, [7, 8, 9], [0, 0, 0]], pa.list_(pa.int32())),
        "ts_s": ts("s", [0, 1714566600, None, -1, 253402300799]),
        "ts_ms_tz": ts("ms", [0, 1714566600123, None, -1, 5], tz="Europe/Berlin"),
        "ts_us": ts("us", [1, 2, None, -1_000_001, 0]),
        "ts_ns_utc": ts("ns", [1714566600123456789, None, 0, -1, 5], tz="UTC"),
        "d32": pa.array([dt.date(2024, 1, 1), None, dt.date(1969, 12, 31), dt.date(1, 1, 1), dt.date(9999, 12, 31)],
                        pa.date32()),
        "dict": pa.array(["x", "y", None, "x", "ü"]).dictionary_encode(),
        "dict16": pa.DictionaryArray.from_arrays(pa.array([1, 0, None, 1, 1], pa.int16()), pa.array(["p", "q"])),
        "nul": pa.array([None] * 5, pa.null()),
        "b": pa.array([True, None, False, True, True]),
    })


def synapse_frame():
    """A CAVE synapse query answer: int64 IDs and positions, a float size, a non-range pandas index."""
    rng = np.random.default_rng(7)
    n = 1000
    roots = np.array([720575940379279360 + k for k in range(20)], dtype=np.int64)
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1, dtype=np.int64),
        "valid": ["t"] * n,
        "pre_pt_root_id": rng.choice(roots, n),
        "post_pt_root_id": rng.choice(roots, n),
        "size": rng.integers(1, 500, n).astype(np.int64),
        "ctr_pt_position_x": rng.integers(0, 100000, n),
        "ctr_pt_position_y": rng.integers(0, 100000, n),
        "ctr_pt_position_z": rng.integers(0, 7000, n),
        "created": pd.to_datetime(1_600_000_000 + np.arange(n), unit="s", utc=True),
        "superceded_id": [np.nan] * n,
    })
    frame.index = np.arange(n) * 3 + 100  # stored by pyarrow as __index_level_0__
    return frame


# ---------------------------------------------------------------------------------------------------
# Expected values


def json_float(value):
    if value is None:
        return None
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return float(value)


def arrow_expected(table):
    """The columns the kernel must produce for an Arrow table, as pyarrow reads it."""
    columns = []
    for name, column in zip(table.column_names, table.columns):
        if name.startswith("__index_level_") and name.endswith("__"):
            continue
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = kind.value_type
        values = column.to_pylist()
        if pa.types.is_integer(kind):
            if kind == pa.uint64() or (is_id_name(name) and all(v is None or v >= 0 for v in values)):
                columns.append({"name": name, "type": "uint64", "values": [None if v is None else str(v) for v in values]})
            else:
                columns.append({"name": name, "type": "int64", "values": values})
        elif pa.types.is_floating(kind):
            columns.append({"name": name, "type": "float64", "values": [json_float(v) for v in values]})
        elif pa.types.is_boolean(kind):
            columns.append({"name": name, "type": "bool", "values": values})
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
            columns.append({"name": name, "type": "string", "values": values})
        elif pa.types.is_timestamp(kind):
            tz = f", tz={kind.tz}" if kind.tz else ""
            columns.append({"name": name, "type": f"timestamp[{kind.unit}{tz}]",
                            "values": column.cast(pa.int64()).to_pylist()})
        elif pa.types.is_date32(kind):
            days = column.cast(pa.int32()).to_pylist()
            columns.append({"name": name, "type": "timestamp[s]", "values": [None if d is None else d * 86400 for d in days]})
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
            item = kind.value_type
            if pa.types.is_string(item) or pa.types.is_large_string(item):
                columns.append({"name": name, "type": "list<string>", "values": values})
            elif pa.types.is_integer(item):
                columns.append({"name": name, "type": "vector3<int64>", "values": values})
            else:
                columns.append({"name": name, "type": "vector3<float64>",
                                "values": [None if v is None else [json_float(x) for x in v] for v in values]})
        else:
            raise SystemExit(f"make_tables.py: no expectation for column {name} of type {kind}")
    return columns


# The types the kernel must infer for the CSV/TSV form of neuron_frame().
CSV_TYPES = {
    "root_id": "uint64", "supervoxel_id": "uint64", "nucleus_id": "uint64", "count": "int64",
    "size": "float64", "weight32": "float64", "small8": "int64", "small16": "int64", "u8": "int64",
    "u32": "int64", "proofread": "bool", "cell_type": "string", "status": "list<string>",
    "position": "vector3<int64>", "created": "string", "cell_class": "string", "side": "string",
}


UNITS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def timestamp_value(text, kind):
    """`2024-05-01 12:30:00.123456789+02:00` as an integer of the column's unit, exactly (pandas'
    Timestamp is limited to the years 1677-2262 in nanoseconds; these are not)."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(?:\.(\d+))?([+-]\d\d:\d\d|Z)?", text)
    if not match:
        raise ValueError(f"not a timestamp: {text!r}")
    main, fraction, zone = match.groups()
    moment = dt.datetime.fromisoformat(main + ("+00:00" if zone in (None, "Z") else zone))
    seconds = (moment - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)) // dt.timedelta(seconds=1)
    per_second = UNITS[kind[len("timestamp["):].split(",")[0].rstrip("]")]
    digits = (fraction or "").ljust(9, "0")
    return seconds * per_second + int(digits) * per_second // 1_000_000_000


def csv_cell(text, kind):
    if text in NA_VALUES:
        return None
    if kind.startswith("timestamp["):
        return timestamp_value(text, kind)
    if kind in ("uint64",):
        return str(int(text))
    if kind == "int64":
        return int(text)
    if kind == "float64":
        return json_float(float(text))
    if kind == "bool":
        return {"True": True, "False": False, "true": True, "false": False}[text]
    if kind in ("list<string>", "vector3<int64>", "vector3<float64>"):
        try:
            value = json.loads(text)
        except ValueError:
            value = ast.literal_eval(text)  # Python's repr, as pandas writes lists
        return value if value != [] or kind == "list<string>" else None
    return text


def csv_expected(path, delimiter, types, gzip=False):
    raw = path.read_bytes()
    if gzip:
        import gzip as gz
        raw = gz.decompress(raw)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter=delimiter))
    header, body = rows[0], [row for row in rows[1:] if row]
    return [{"name": name, "type": types[name], "values": [csv_cell(row[i], types[name]) for row in body]}
            for i, name in enumerate(header)]


# ---------------------------------------------------------------------------------------------------
# Writing the fixtures


def write_fixtures(out):
    out.mkdir(parents=True, exist_ok=True)
    files = []

    def arrow_file(name, writer, table):
        files.append({"file": name, "writer": writer, "columns": arrow_expected(table)})

    neurons = neuron_frame()
    for compression in ("uncompressed", "lz4", "zstd"):
        name = f"neurons_{compression}.feather"
        neurons.to_feather(out / name, compression=compression)
        arrow_file(name, f"pandas.DataFrame.to_feather(compression={compression!r})", feather.read_table(out / name))

    # Several record batches and no dictionary: the kernel reads such a file in ranges, batch by batch.
    name = "neurons_batches.feather"
    feather.write_feather(pa.Table.from_pandas(neurons, preserve_index=False), out / name, compression="lz4", chunksize=2)
    arrow_file(name, "pyarrow.feather.write_feather(compression='lz4', chunksize=2)", feather.read_table(out / name))

    neurons.to_csv(out / "neurons.csv", index=False)
    neurons.to_csv(out / "neurons.csv.gz", index=False, compression="gzip")
    neurons.to_csv(out / "neurons.tsv", index=False, sep="\t")
    as_json = neurons.copy()
    as_json["status"] = [None if v is None else json.dumps(v, ensure_ascii=False) for v in neurons["status"]]
    as_json["position"] = [None if v is None else json.dumps(v) for v in neurons["position"]]
    as_json.to_csv(out / "neurons_json.csv", index=False)
    for name, delimiter, gzip in (("neurons.csv", ",", False), ("neurons.csv.gz", ",", True),
                                  ("neurons.tsv", "\t", False), ("neurons_json.csv", ",", False)):
        files.append({"file": name, "writer": "pandas.DataFrame.to_csv", "columns": csv_expected(out / name, delimiter, CSV_TYPES, gzip)})

    table = arrow_table()
    for compression in ("uncompressed", "lz4", "zstd"):
        name = f"types_{compression}.arrow"
        feather.write_feather(table, out / name, compression=compression, chunksize=2)
        arrow_file(name, f"pyarrow.feather.write_feather(compression={compression!r}, chunksize=2)", feather.read_table(out / name))
    for compression in (None, "lz4", "zstd"):
        name = f"types_{compression or 'uncompressed'}.arrows"
        options = pa.ipc.IpcWriteOptions(compression=compression)
        with pa.OSFile(str(out / name), "wb") as sink, pa.ipc.new_stream(sink, table.schema, options=options) as writer:
            writer.write_table(table, max_chunksize=2)
        with pa.OSFile(str(out / name), "rb") as source:
            arrow_file(name, f"pyarrow.ipc.new_stream(compression={compression!r})", pa.ipc.open_stream(source).read_all())

    # CAVE's answer: Table.from_pandas (pandas metadata, the index as a column), one batch, LZ4 buffers.
    synapses = pa.Table.from_pandas(synapse_frame())
    with pa.OSFile(str(out / "synapses_cave.arrows"), "wb") as sink, \
            pa.ipc.new_stream(sink, synapses.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(synapses)
    arrow_file("synapses_cave.arrows", "pyarrow.Table.from_pandas + ipc.new_stream(compression='lz4')", synapses)

    empty = neurons.iloc[0:0].reset_index(drop=True)
    empty.to_feather(out / "empty.feather")
    arrow_file("empty.feather", "pandas.DataFrame.to_feather of no rows", feather.read_table(out / "empty.feather"))

    (out / "expected.json").write_text(json.dumps({"files": files}, ensure_ascii=False, indent=1))
    print(f"make_tables.py: {len(files)} tables in {out}")


# ---------------------------------------------------------------------------------------------------
# Checking the files the kernel wrote


def normalise(values, kind, csv_file=False):
    """Expected values in a form both sides can be compared in (floats as floats, nan as a marker).
    In CSV an empty string and NaN are written as empty fields, which pandas reads as null."""
    def one(v):
        if v is None or (csv_file and v in ("", "nan")):
            return None
        if kind == "float64":
            return "nan" if v == "nan" else float(v)
        if kind.startswith("vector3<float64>"):
            return [float(x) for x in v]
        return v
    return [one(v) for v in values]


def check_written(directory):
    directory = Path(directory)
    expected = {f["file"]: f for f in json.loads((directory / "expected.json").read_text())["files"]}
    checks = json.loads((directory / "check.json").read_text())
    failures = []
    for check in checks:
        path = directory / check["file"]
        source = expected[check["expected"]]
        if path.suffix in (".feather", ".arrow"):
            got = {c["name"]: c for c in arrow_expected(feather.read_table(path))}
            frame = pd.read_feather(path)  # pandas must open it too
            if len(frame) != len(source["columns"][0]["values"]):
                failures.append(f"{path.name}: pandas.read_feather read {len(frame)} rows")
        else:
            types = {c["name"]: c["type"] for c in source["columns"]}
            got = {c["name"]: c for c in csv_expected(path, "," if path.suffix == ".csv" else "\t", types)}
            frame = pd.read_csv(path)
            for column in source["columns"]:
                if column["type"] in ("uint64", "int64") and None not in column["values"]:
                    values = [int(v) for v in frame[column["name"]]]
                    if values != [int(v) for v in column["values"]]:
                        failures.append(f"{path.name}: pandas.read_csv reads {column['name']} as {values}")
        for column in source["columns"]:
            mine = got.get(column["name"])
            if mine is None:
                failures.append(f"{path.name}: no column {column['name']}")
                continue
            csv_file = path.suffix in (".csv", ".tsv")
            want = normalise(column["values"], column["type"], csv_file)
            have = normalise(mine["values"], column["type"], csv_file)
            if want != have:
                failures.append(f"{path.name}: column {column['name']} reads back as {have}, expected {want}")
            if path.suffix in (".feather", ".arrow") and mine["type"] != column["type"]:
                failures.append(f"{path.name}: column {column['name']} has type {mine['type']}, expected {column['type']}")
    for failure in failures:
        print(failure)
    print(f"make_tables.py --check: {len(checks)} files, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(check_written(sys.argv[2]))
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    write_fixtures(Path(sys.argv[1]))
