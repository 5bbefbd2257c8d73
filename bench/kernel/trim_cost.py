#!/usr/bin/env python3
"""What IdleTrim costs: a heavy cell (a 1024² section of the bundled sample, shown) right after another
one, against the same cell after a pause long enough for the freed heap to have gone back
(ConnectomeCore/Cache/IdleTrim.swift, 100 ms). Prints the median time and page faults of each.

Usage: .venv/bin/python bench/kernel/trim_cost.py [--binary B] [--pairs 8] [--pause 0.3]
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "..", ".build", "release", "connectome-kernel"))
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument("--pause", type=float, default=0.3)
    args = ap.parse_args()
    with running_kernel([args.binary]) as (kernel, client):
        def run():
            before, start = minor_faults(kernel.pid), time.perf_counter()
            client.execute_interactive(CELL, output_hook=lambda _: None, timeout=120)
            return (time.perf_counter() - start) * 1000, minor_faults(kernel.pid) - before

        for _ in range(3):
            run()
        results = {"back to back": [], f"after {args.pause * 1000:.0f} ms": []}
        for _ in range(args.pairs):
            results["back to back"].append(run())
            time.sleep(args.pause)
            results[f"after {args.pause * 1000:.0f} ms"].append(run())
        for name, runs in results.items():
            print(f"{name:>14}: {statistics.median(ms for ms, _ in runs):6.1f} ms, "
                  f"{statistics.median(faults for _, faults in runs):6.0f} page faults")


if __name__ == "__main__":
    main()
