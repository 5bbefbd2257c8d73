#!/usr/bin/env python3
"""What IdleTrim costs (ConnectomeCore/Cache/IdleTrim.swift): the time and page faults of a heavy cell
(a 1024² section of the bundled sample, shown) in three situations:
- back to back: right after another heavy cell, in a fresh kernel (the freed pages are reused);
- after a pause: the second heavy cell of a fresh kernel, `--pause` after the first (a heavy cell on its
  own is trimmed after 100 ms, so this one faults its pages in again);
- in a rhythm: one kernel, a heavy cell every `--pause` (the trim waits twice the gap between heavy
  cells, so after the first steps the pages stay).
Prints the median of each.

Usage: .venv/bin/python bench/kernel/trim_cost.py [--binary B] [--samples 8] [--pause 0.3]
"""
import argparse
import os
import statistics
import time

from kernel_process import running_kernel

HERE = os.path.dirname(os.path.abspath(__file__))
CELL = "let em2 = slice x=512 y=512 z=33 size=1024 layer=image_raw\nshow em2"


def minor_faults(pid):
    return int(open(f"/proc/{pid}/stat").read().split(")")[1].split()[7])


def timed(kernel, client):
    before, start = minor_faults(kernel.pid), time.perf_counter()
    client.execute_interactive(CELL, output_hook=lambda _: None, timeout=120)
    return (time.perf_counter() - start) * 1000, minor_faults(kernel.pid) - before


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "..", ".build", "release", "connectome-kernel"))
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--pause", type=float, default=0.3)
    args = ap.parse_args()
    results = {"back to back": [], f"after a {args.pause:g} s pause": [], f"every {args.pause:g} s": []}
    for _ in range(args.samples):
        for name, pause in ((f"after a {args.pause:g} s pause", args.pause), ("back to back", 0)):
            with running_kernel([args.binary]) as (kernel, client):
                timed(kernel, client)
                time.sleep(pause)
                results[name].append(timed(kernel, client))
    with running_kernel([args.binary]) as (kernel, client):
        for _ in range(args.samples + 2):
            results[f"every {args.pause:g} s"].append(timed(kernel, client))
            time.sleep(args.pause)
        del results[f"every {args.pause:g} s"][:2]  # the first steps, before the rhythm is known
    for name, runs in results.items():
        print(f"{name:>18}: {statistics.median(ms for ms, _ in runs):6.1f} ms, "
              f"{statistics.median(faults for _, faults in runs):6.0f} page faults")


if __name__ == "__main__":
    main()
