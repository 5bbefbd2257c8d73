#!/usr/bin/env python3
"""CATMAID stack section, side by side: this kernel's core vs pymaid.stack, one nginx, one run.

Writes the sample EM as a CATMAID project (256 x 256 JPEG tiles for tile sources 1, 4 and 5, and an
N5 container), serves it with nginx on 127.0.0.1, and times a 1024 x 1024 section (fetch, decode,
stitch, PNG encode) through `connectome-bench bench-stack` and through pymaid's Stack (zarr +
imageio over requests, with dask), cold (new client and stack info every run) and warm. Each library
runs in its own process so peak memory is its own. Pillow encodes pymaid's section at zlib level 1.

Usage: .venv/bin/python bench/slice/stack.py [--runs 7]   (make bench installs pymaid's [stack] extra)
"""
import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import Nginx, ROOT  # noqa: E402

MIRRORS = {1: "type 1 (file-based)", 2: "type 4 (zoom directories)", 3: "type 5 (directory-based)", 4: "type 11 (N5)"}


def pymaid_child(a):
    """Child process: pymaid.stack reads the section `a.runs` times; prints a JSON report."""
    import resource
    import numpy as np
    import pymaid
    import pymaid.stack
    from PIL import Image

    def open_stack():
        # A token, because without one pymaid first fetches a CSRF cookie from the server root.
        remote = pymaid.CatmaidInstance(a.server, "0" * 40, project_id=1, make_global=False)
        stack = pymaid.stack.Stack.from_catmaid(1, mirror=a.mirror, remote_instance=remote)
        return stack.get_scale(0)

    def read(array):
        section = np.asarray(array.isel(z=a.z, y=slice(a.y, a.y + a.size), x=slice(a.x, a.x + a.size)).values)
        return section

    array = open_stack()
    read(array)  # warm-up, as ours
    runs = []
    for _ in range(a.runs):
        start = time.perf_counter()
        if a.mode == "cold":
            array = open_stack()
        section = read(array)
        fetched = time.perf_counter()
        buffer = io.BytesIO()
        Image.fromarray(section).save(buffer, format="PNG", compress_level=1)
        done = time.perf_counter()
        runs.append({"read": (fetched - start) * 1e3, "png": (done - fetched) * 1e3, "total": (done - start) * 1e3})
    if a.png:
        Image.fromarray(section).save(a.png)
    median = {k: statistics.median(r[k] for r in runs) for k in ("read", "png", "total")}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"median": median, "runs": runs, "peak_rss_mb": peak, "pymaid": pymaid.__version__}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/connectome-bench"),
                    help="the instrument with bench-stack (swift build -c release --product connectome-bench)")
    ap.add_argument("--x", type=int, default=0)
    ap.add_argument("--y", type=int, default=0)
    ap.add_argument("--z", type=int, default=37)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--server", help=argparse.SUPPRESS)
    ap.add_argument("--mirror", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="warm", help=argparse.SUPPRESS)
    ap.add_argument("--png", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return pymaid_child(a)

    root = tempfile.mkdtemp(prefix="bench-stack-")
    os.chmod(root, 0o755)  # nginx's workers read it as another user
    nginx = Nginx(root)
    try:
        server = nginx.base + "/catmaid"
        subprocess.run([a.binary, "bench-stack", "--write-sample", os.path.join(root, "catmaid"), "--served-at", server],
                       check=True, capture_output=True)
        rows = []
        for mirror, label in MIRRORS.items():
            for mode in ("cold", "warm"):
                png_ours = os.path.join(root, f"ours-{mirror}.png")
                png_peer = os.path.join(root, f"pymaid-{mirror}.png")
                done = subprocess.run(
                    [a.binary, "bench-stack", "--server", server, "--mirror", str(mirror), "--mode", mode,
                     "--x", str(a.x), "--y", str(a.y), "--z", str(a.z), "--size", str(a.size), "--runs", str(a.runs),
                     "--png", png_ours], capture_output=True, text=True)
                if done.returncode != 0:
                    raise SystemExit(f"bench-stack failed on mirror {mirror}: {done.stderr.strip()}")
                ours = json.loads(done.stdout)
                peer = subprocess.run(
                    [sys.executable, __file__, "--child", "--server", server, "--mirror", str(mirror), "--mode", mode,
                     "--x", str(a.x), "--y", str(a.y), "--z", str(a.z), "--size", str(a.size), "--runs", str(a.runs),
                     "--png", png_peer], capture_output=True, text=True)
                if peer.returncode != 0:
                    print(f"pymaid failed on mirror {mirror}: {peer.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                    peer_report = None
                else:
                    peer_report = json.loads(peer.stdout.strip().splitlines()[-1])
                same = None
                if peer_report:
                    import numpy as np
                    from PIL import Image
                    same = bool(np.array_equal(np.asarray(Image.open(png_ours)), np.asarray(Image.open(png_peer))))
                rows.append({"mirror": mirror, "source": label, "mode": mode, "ours": ours, "pymaid": peer_report,
                             "pixels_equal": same})
                print(f"{label:28} {mode:5} ours {ours['median']['total']:7.1f} ms  pymaid "
                      + (f"{peer_report['median']['total']:7.1f} ms" if peer_report else "failed"), file=sys.stderr)
    finally:
        nginx.stop()

    os.makedirs(a.results, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    load = os.getloadavg()[0]
    lines = [f"{a.size} × {a.size} section (x {a.x}, y {a.y}, z {a.z}) of the sample CATMAID stack, 256 × 256 tiles, "
             f"nginx on 127.0.0.1, {a.runs} runs, median ms (read = fetch + decode + stitch; total adds PNG); "
             f"peak RSS per process; load average {load:.1f} on 2 CPUs.", "",
             "| tile source | mode | ours | pymaid | pymaid / ours | ours read / PNG | pymaid read / PNG | tiles | ours MB | pymaid MB | same pixels |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        o, p = r["ours"], r["pymaid"]
        ratio = f"{p['median']['total'] / o['median']['total']:.1f}×" if p else "—"
        lines.append(
            f"| {r['source']} | {r['mode']} | {o['median']['total']:.1f} | {p['median']['total']:.1f} | {ratio} | "
            f"{o['median']['read']:.1f} / {o['median']['png']:.1f} | {p['median']['read']:.1f} / {p['median']['png']:.1f} | "
            f"{o['tiles_fetched']} | {o['peak_rss_mb']:.0f} | {p['peak_rss_mb']:.0f} | {r['pixels_equal']} |"
            if p else
            f"| {r['source']} | {r['mode']} | {o['median']['total']:.1f} | failed | — | "
            f"{o['median']['read']:.1f} / {o['median']['png']:.1f} | — | {o['tiles_fetched']} | {o['peak_rss_mb']:.0f} | — | — |")
    table = "\n".join(lines)
    with open(os.path.join(a.results, f"stack-{stamp}.md"), "w") as f:
        f.write(table + "\n")
    with open(os.path.join(a.results, f"stack-{stamp}.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print(table)


if __name__ == "__main__":
    main()
