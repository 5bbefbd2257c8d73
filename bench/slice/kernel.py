#!/usr/bin/env python3
"""One 1024 x 1024 XY section through the kernel, the way a user meets it: a Jupyter client sends
execute_request and waits for status idle, the display (PNG, base64 in JSON) included.

  ours          connectome-kernel: `slice x= y= z= size=1024 [layer=segmentation]`, chunk cache off
                (`cache size=0`), so every chunk is fetched and decoded again in every cell
  tensorstore   ipykernel: TensorStore (cache_pool 0) read + Pillow PNG + IPython.display.Image
  cloudvolume   ipykernel: cloud-volume (no cache) read + Pillow PNG + IPython.display.Image
  bytes only    no kernel: our transport GETting just what our reader asks for
                (connectome-bench bench-slice --mode fetch-only), the time to move the needed bytes

Data: the EM-like volume of em_volume.py (noise like real EM, so its gzip copy is ~80 % of raw; a
segmentation with ~1000 IDs per section), 64^3 chunks, served by nginx on 127.0.0.1 (run.py's
server: gzip_static always), the section at the middle of a chunk's depth.

The PNG is the same work for everyone (grey: zlib level 1, Huffman-only, Pillow compress_type=2;
segmentation: RGB, the same colour hash, level 1); every peer's PNG is checked pixel for pixel
against ours. Per cell: wall time (execute_request sent -> idle received), the kernel process's
CPU time (utime + stime of all its threads, /proc), the display message's size; per kernel: peak
RSS (VmHWM). Rounds interleave the libraries (one cell each per round), so load from elsewhere on
the machine falls on all alike; one untimed cell per kernel first.

Usage: .venv/bin/python bench/slice/kernel.py [--runs 7] [--layers raw raw_gzip jpeg cseg]
       [--binary .build/release/connectome-kernel] [--bench-binary .build/release/connectome-bench]
Writes bench/slice/results/kernel-<date>.json and .md.
"""
import argparse
import base64
import datetime
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import em_volume  # noqa: E402
import run as reader_bench  # noqa: E402  (Nginx, versions)

LAYERS = {"raw": "em", "raw_gzip": "em", "jpeg": "em", "cseg": "seg"}
LIBS = ["ours", "tensorstore", "cloudvolume"]
CLK_TCK = os.sysconf("SC_CLK_TCK")

PEER_SETUP = """
import io as _io, sys as _sys
import numpy as _np
from PIL import Image as _PILImage
from IPython.display import Image as _Image, display as _display
_sys.path.insert(0, {here!r})
import run as _run
class _A: pass
_a = _A(); _a.x, _a.y, _a.z, _a.size = {x}, {y}, {z}, {size}
_volume = _run.peer_open({lib!r}, {url!r})
"""
PEER_CELL = """
_array = _run.peer_read({lib!r}, _volume, _a)
_pixels = _run.colorize(_np.ascontiguousarray(_array.T)) if {seg} else _np.ascontiguousarray(_array.T)
_buffer = _io.BytesIO()
_PILImage.fromarray(_pixels).save(_buffer, format="PNG", compress_level=1{grey_options})
_display(_Image(data=_buffer.getvalue(), format="png"))
"""


def kernelspecs(directory, binary):
    """Kernelspecs of our binary and of ipykernel in this Python, in a private directory."""
    for name, argv in (("ck-bench", [binary, "run", "-f", "{connection_file}"]),
                       ("py-bench", [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"])):
        os.makedirs(os.path.join(directory, "kernels", name), exist_ok=True)
        with open(os.path.join(directory, "kernels", name, "kernel.json"), "w") as f:
            json.dump({"argv": argv, "display_name": name, "language": "text"}, f)


class Kernel:
    """A kernel process with a blocking client; cells timed execute_request -> idle."""

    def __init__(self, name, label):
        from jupyter_client import KernelManager
        self.label = label
        self.manager = KernelManager(kernel_name=name)
        self.manager.start_kernel()
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.pid = self.manager.provisioner.process.pid

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def peak_rss_mb(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def execute(self, code, timeout=120):
        """Runs `code`; returns wall ms, CPU ms, the display (image/png base64, text), message bytes."""
        cpu = self.cpu_seconds()
        start = time.perf_counter()
        msg_id = self.client.execute(code, store_history=False)
        png = text = error = None
        message_bytes = 0
        streams = []
        while True:
            msg = self.client.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind in ("display_data", "execute_result"):
                data = content.get("data", {})
                if "image/png" in data:
                    png = data["image/png"]
                    message_bytes = len(json.dumps(content))
                text = data.get("text/plain", text)
            elif kind == "stream":
                streams.append(content.get("text", ""))
            elif kind == "error":
                error = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        wall = time.perf_counter() - start
        cpu = self.cpu_seconds() - cpu
        if error:
            raise RuntimeError(f"{self.label}: {error}\n{code}")
        return {"wall_ms": round(wall * 1e3, 3), "cpu_ms": round(cpu * 1e3, 1), "png": png, "text": text,
                "message_bytes": message_bytes, "stream": "".join(streams)}

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=False)


def cells(lib, layer, kind, url, section):
    """(setup cells, the timed cell) for `lib` on `layer`."""
    x, y, z, size = section
    if lib == "ours":
        what = "segmentation" if kind == "seg" else "image"
        setup = ["cache size=0", f'dataset {what}="precomputed://{url}"']
        layer_arg = " layer=segmentation" if kind == "seg" else ""
        return setup, f"slice x={x + size // 2} y={y + size // 2} z={z} size={size}{layer_arg}"
    setup = [PEER_SETUP.format(here=HERE, x=x, y=y, z=z, size=size, lib=lib, url=url)]
    grey = "" if kind == "seg" else ", compress_type=2"
    return setup, PEER_CELL.format(lib=lib, seg=kind == "seg", grey_options=grey)


def bytes_only(bench, url, section, server):
    x, y, z, size = section
    command = [bench, "bench-slice", "--url", url, "--mode", "fetch-only", "--runs", "1",
               "--x", str(x), "--y", str(y), "--z", str(z), "--size", str(size)]
    report, _, _ = reader_bench.run_measured(command, server)
    return report["runs"][0]["total"], report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/connectome-kernel"))
    ap.add_argument("--bench-binary", default=os.path.join(ROOT, ".build/release/connectome-bench"))
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "bench-slice-em"))
    ap.add_argument("--volume", type=int, nargs=3, default=[1024, 1024, 64], help="size of the generated volume")
    ap.add_argument("--layers", nargs="+", default=list(LAYERS), choices=list(LAYERS))
    ap.add_argument("--libs", nargs="+", default=LIBS, choices=LIBS)
    ap.add_argument("--z", type=int, default=32, help="the section's z (32: the middle of a 64-deep chunk)")
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--tag", default="", help="a word for the result file names (before, after, ...)")
    ap.add_argument("--perf", metavar="DIR", help="record `perf record -g` of our kernel during the timed rounds, one file per layer")
    a = ap.parse_args()

    binary, bench = os.path.abspath(a.binary), os.path.abspath(a.bench_binary)
    if not os.path.exists(binary):
        sys.exit(f"{binary} does not exist: build it with `swift build -c release --product connectome-kernel`")
    em_volume.ensure(a.data, tuple(a.volume))
    x0 = (a.volume[0] - a.size) // 2
    y0 = (a.volume[1] - a.size) // 2
    section = (x0, y0, a.z, a.size)
    spec_dir = tempfile.mkdtemp(prefix="bench-slice-kernels-")
    kernelspecs(spec_dir, binary)
    os.environ["JUPYTER_PATH"] = spec_dir
    server = reader_bench.Nginx(a.data)
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "runs": a.runs, "tag": a.tag,
               "volume": a.volume, "section": dict(zip(("x", "y", "z", "size"), section)), "cpus": os.cpu_count(),
               "versions": reader_bench.versions(), "load_average_before": os.getloadavg(), "layers": {}}
    try:
        for layer in a.layers:
            kind = LAYERS[layer]
            url = f"{server.base}/{layer}"
            kernels, timed = {}, {}
            entry = results["layers"][layer] = {}
            try:
                for lib in a.libs:
                    kernels[lib] = Kernel("ck-bench" if lib == "ours" else "py-bench", lib)
                    setup, timed[lib] = cells(lib, layer, kind, url, section)
                    for code in setup:
                        kernels[lib].execute(code)
                    kernels[lib].execute(timed[lib])  # untimed: first-use set-up out of the numbers
                runs = {lib: [] for lib in a.libs}
                perf = None
                if a.perf and "ours" in kernels:
                    os.makedirs(a.perf, exist_ok=True)
                    perf = subprocess.Popen(["perf", "record", "-g", "-q", "-p", str(kernels["ours"].pid),
                                             "-o", os.path.join(a.perf, f"{layer}.perf.data")],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(0.5)
                only = []
                last = {}
                for round_index in range(a.runs):
                    print(f"{layer:9} round {round_index + 1}/{a.runs}:", end="", flush=True)
                    for lib in a.libs:
                        outcome = kernels[lib].execute(timed[lib])
                        last[lib] = outcome
                        runs[lib].append({k: outcome[k] for k in ("wall_ms", "cpu_ms", "message_bytes")})
                        print(f" {lib} {outcome['wall_ms']:.0f} ({outcome['cpu_ms']:.0f} cpu)", end="", flush=True)
                    if os.path.exists(bench):
                        ms, report = bytes_only(bench, url, section, server)
                        only.append(ms)
                        print(f" bytes-only {ms:.0f}", end="", flush=True)
                    print(flush=True)
                if perf:
                    perf.send_signal(2)
                    perf.wait(30)
                for lib in a.libs:
                    entry[lib] = {"wall_ms": statistics.median(r["wall_ms"] for r in runs[lib]),
                                  "cpu_ms": statistics.median(r["cpu_ms"] for r in runs[lib]),
                                  "message_bytes": runs[lib][-1]["message_bytes"],
                                  "peak_rss_mb": round(kernels[lib].peak_rss_mb(), 1), "runs": runs[lib]}
                if "ours" in last:
                    entry["ours"]["summary"] = last["ours"]["text"]
                if only:
                    entry["bytes_only"] = {"wall_ms": statistics.median(only), "runs": only,
                                           "requests": report["requests"], "bytes": report["bytes_fetched"]}
                entry["png_match"] = compare(last)
            finally:
                for kernel in kernels.values():
                    kernel.stop()
    finally:
        server.stop()
        shutil.rmtree(spec_dir, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()
    table = make_table(results)
    print()
    print(table)
    os.makedirs(a.results, exist_ok=True)
    stem = os.path.join(a.results, "kernel-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
                        + (f"-{a.tag}" if a.tag else ""))
    with open(stem + ".json", "w") as f:
        json.dump(results, f, indent=1)
    with open(stem + ".md", "w") as f:
        f.write(table + "\n")
    print(f"\nwrote {stem}.json and {stem}.md")


def compare(last):
    """Whether each peer's PNG decodes to the same pixels as ours."""
    import numpy as np
    from PIL import Image
    decode = lambda o: np.asarray(Image.open(io.BytesIO(base64.b64decode(o["png"]))))  # noqa: E731
    if "ours" not in last or not last["ours"]["png"]:
        return {}
    ours = decode(last["ours"])
    result = {}
    for lib, outcome in last.items():
        if lib != "ours" and outcome["png"]:
            other = decode(outcome)
            same = other.shape == ours.shape
            result[lib] = {"equal": bool(same and (other == ours).all()),
                           "max_abs_diff": int(np.abs(other.astype(int) - ours.astype(int)).max()) if same else None}
    return result


def make_table(results):
    s = results["section"]
    lines = [
        f"{s['size']} × {s['size']} section (x {s['x']}, y {s['y']}, z {s['z']}) of the EM-like "
        f"{' × '.join(map(str, results['volume']))} volume (em_volume.py), 64³ chunks, nginx on 127.0.0.1; "
        f"through the kernel: execute_request → idle, display included; median of {results['runs']} rounds "
        f"(libraries interleaved). CPU: the kernel process's user + system time per cell. Load average "
        f"before / after: {results['load_average_before'][0]:.1f} / {results['load_average_after'][0]:.1f} "
        f"on {results['cpus']} CPUs.",
        "",
        "| encoding | ours, through the kernel | TensorStore + Pillow | cloud-volume + Pillow | bytes only | ratio ours / TS |"
        " CPU ours | CPU TS | CPU ratio | peak RSS ours / TS / CV (MB) | display message (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    names = {"raw": "raw", "raw_gzip": "raw, gzip-stored", "jpeg": "jpeg", "cseg": "compressed_segmentation (coloured)"}
    fmt = lambda v: "–" if v is None else (f"{v:.1f}" if v < 100 else f"{v:.0f}")  # noqa: E731
    for layer, entry in results["layers"].items():
        get = lambda lib, key: entry.get(lib, {}).get(key)  # noqa: E731
        ours, ts = get("ours", "wall_ms"), get("tensorstore", "wall_ms")
        cpu_ours, cpu_ts = get("ours", "cpu_ms"), get("tensorstore", "cpu_ms")
        ratio = f"{ours / ts:.2f}" if ours and ts else "–"
        cpu_ratio = f"{cpu_ours / cpu_ts:.2f}" if cpu_ours and cpu_ts else "–"
        message = get("ours", "message_bytes")
        message = f"{message / 1e6:.2f}" if message else "–"
        lines.append(f"| {names[layer]} | {fmt(ours)} ms | {fmt(ts)} ms | {fmt(get('cloudvolume', 'wall_ms'))} ms | "
                     f"{fmt(entry.get('bytes_only', {}).get('wall_ms'))} ms | {ratio} | {fmt(cpu_ours)} ms | {fmt(cpu_ts)} ms | "
                     f"{cpu_ratio} | {fmt(get('ours', 'peak_rss_mb'))} / {fmt(get('tensorstore', 'peak_rss_mb'))} / "
                     f"{fmt(get('cloudvolume', 'peak_rss_mb'))} | {message} |")
    lines += ["", "Our kernel's summary of the last cell:", ""]
    for layer, entry in results["layers"].items():
        summary = entry.get("ours", {}).get("summary")
        if summary:
            lines.append(f"- {layer}: {summary.strip().splitlines()[0]}")
    lines += ["", "PNG pixels equal to ours: " + "; ".join(
        f"{layer}: " + ", ".join(f"{lib} {'yes' if m['equal'] else 'no (max diff ' + str(m['max_abs_diff']) + ')'}"
                                 for lib, m in (entry.get("png_match") or {}).items())
        for layer, entry in results["layers"].items())]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
