"""What a scientist runs today for the neuron queries, written as the bench's peers.

- `filter_df` / `neuron_criteria`: crantpy's annotation filter semantics (neurons.md §2), in pandas, with
  the same pandas operations crantpy uses (drop the nulls of the column into a copy of the table,
  lower-cased string equality, `isin`, per-cell membership for list columns).
- `partners`: crantpy's `get_connectivity` (neurons.md §5.5) on a connection-level table (Codex's
  `pre_root_id, post_root_id, syn_count`): rows with pre or post among the IDs, each row once, weight =
  the summed synapse count per (pre, post), kept when >= threshold, sorted by weight descending.
- `adjacency`: synapse counts per (source, target), rows and columns in the order given, zeros filled.
- `load_skeleton`: the precomputed blob decoded with numpy into navis' node table, then a TreeNeuron.
"""
import numpy as np
import pandas as pd


def _is_values(value):
    """A list of values (any-of), as opposed to one value; a string is one value."""
    return isinstance(value, (list, tuple, set, np.ndarray, pd.Series))


def _coerce(value, dtype):
    """crantpy's match_dtype: the filter value converted to the column's type (bool by truthiness)."""
    if pd.api.types.is_bool_dtype(dtype):
        return bool(value)
    if pd.api.types.is_integer_dtype(dtype):
        return int(value)
    if pd.api.types.is_float_dtype(dtype):
        return float(value)
    if pd.api.types.is_string_dtype(dtype) or dtype == object:
        return str(value)
    raise ValueError(f"unsupported column type {dtype}")


def filter_df(df, column, value, regex=False, case=False, match_all=False, exact=True):
    """The rows of `df` whose `column` matches `value` under crantpy's rules (neurons.md §2, rules 1-6).

    `case=False` is case-insensitive (crantpy's default). List-valued columns are recognised by their first
    non-null cell being a Python list (crantpy's tables come from Seatable as lists)."""
    if column not in df.columns:
        raise KeyError(f"Column '{column}' not found in DataFrame.")
    rows = df.dropna(subset=[column]).copy()  # rule 2: nulls never match (crantpy filters a copy)
    if rows.empty:
        return rows
    cells = rows[column]
    many = _is_values(value)
    if isinstance(cells.iloc[0], list):  # rules 3-4: exact, case-sensitive element membership
        if many and match_all:
            wanted = list(value)
            mask = cells.map(lambda cell: isinstance(cell, list) and all(v in cell for v in wanted))
        elif many:
            wanted = list(value)
            mask = cells.map(lambda cell: isinstance(cell, list) and any(v in cell for v in wanted))
        else:
            mask = cells.map(lambda cell: isinstance(cell, list) and value in cell)
        return rows[mask.astype(bool)]

    dtype = cells.dtype
    text = pd.api.types.is_string_dtype(dtype) or dtype == object
    if not (regex and text):  # rule 5: coerce to the column's type
        value = [_coerce(v, dtype) for v in value] if many else _coerce(value, dtype)
    if many:
        if regex and text:
            mask = cells.astype(str).str.contains("|".join(map(str, value)), case=case, regex=True, na=False)
        elif text and not case:
            mask = cells.astype(str).str.lower().isin({str(v).lower() for v in value})
        elif text and not exact:
            mask = cells.astype(str).map(lambda cell: any(str(v).lower() in cell.lower() for v in value))
        else:
            mask = cells.isin(value)
    else:
        if regex and text:
            mask = cells.astype(str).str.contains(str(value), case=case, regex=True, na=False)
        elif text and not case:
            lowered = cells.astype(str).str.lower()
            mask = lowered == str(value).lower() if exact else lowered.str.contains(str(value).lower(), na=False)
        elif text and not exact:
            mask = cells.astype(str).str.contains(str(value), na=False)
        else:
            mask = cells == value
    return rows[mask]


def neuron_criteria(df, **criteria):
    """NeuronCriteria's filtering: every criterion in keyword order, ANDed (each one filter_df)."""
    for column, value in criteria.items():
        df = filter_df(df, column, value)
    return df


def lists_from_arrow(df, columns):
    """Feather's list<utf8> columns come back as numpy arrays; crantpy's tables hold Python lists."""
    for column in columns:
        df[column] = [v.tolist() if isinstance(v, np.ndarray) else v for v in df[column].tolist()]
    return df


def partners(connections, ids, threshold=1):
    """get_connectivity, both directions, on a connection-level table: columns pre, post, weight."""
    ids = np.asarray(ids, dtype=np.uint64)
    rows = connections[connections["pre_root_id"].isin(ids) | connections["post_root_id"].isin(ids)]
    weights = (rows.groupby(["pre_root_id", "post_root_id"], sort=False)["syn_count"].sum()
               .reset_index(name="weight"))
    weights = weights[weights["weight"] >= threshold]
    weights = weights.sort_values("weight", ascending=False, kind="stable", ignore_index=True)
    return weights.rename(columns={"pre_root_id": "pre", "post_root_id": "post"})


def adjacency(connections, ids):
    """The synapse-count matrix: rows = sources, columns = targets (both the IDs, in the order given)."""
    ids = np.asarray(ids, dtype=np.uint64)
    rows = connections[connections["pre_root_id"].isin(ids) & connections["post_root_id"].isin(ids)]
    counts = rows.groupby(["pre_root_id", "post_root_id"])["syn_count"].sum().unstack(fill_value=0)
    return counts.reindex(index=ids, columns=ids, fill_value=0)


def skeleton_nodes(positions, edges, radius):
    """navis' node table from precomputed vertices and (child, parent) edges: node i = vertex i."""
    parent = np.full(len(positions), -1, dtype=np.int64)
    parent[edges[:, 0].astype(np.int64)] = edges[:, 1]
    return pd.DataFrame({"node_id": np.arange(len(positions), dtype=np.int64), "parent_id": parent,
                         "x": positions[:, 0], "y": positions[:, 1], "z": positions[:, 2], "radius": radius})


def load_skeleton(path, segment_id):
    import navis
    from generate import read_precomputed_skeleton
    nodes = skeleton_nodes(*read_precomputed_skeleton(path))
    return navis.TreeNeuron(nodes, units="nm", id=segment_id)
