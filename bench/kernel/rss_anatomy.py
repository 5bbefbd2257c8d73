#!/usr/bin/env python3
"""Where the kernel's resident memory is: the split behind kernel_bench.py's "RSS after warm-up".

Starts the kernel binary on a connection file of its own, runs the cells the kernel bench runs
for its warm-up (a 1024² section of the bundled sample, shown; then trivial cells), and prints
- VmRSS, RssAnon and RssFile from /proc/<pid>/status, after ready and after the cells;
- the resident KiB of the binary, per ELF section (from /proc/<pid>/pagemap), and of each
  shared library (from /proc/<pid>/smaps);
- with --arenas, glibc's malloc_stats() (called through gdb): how much of the anonymous memory
  is in use and how much is freed memory that the arenas keep.

Usage: .venv/bin/python bench/kernel/rss_anatomy.py [--binary B] [--arenas] [CELL ...]
The page split needs root (pagemap hides frame numbers, not presence, but some kernels refuse).
"""
import argparse
import collections
import os
import struct
import subprocess
import sys

from kernel_process import SECTION_CELL, running_kernel

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BINARY = os.path.join(HERE, "..", "..", ".build", "release", "connectome-kernel")
WARMUP = [SECTION_CELL] + ["1"] * 50 + ["show em"] * 5


def status(pid):
    wanted = ("VmRSS", "RssAnon", "RssFile")
    out = {}
    for line in open(f"/proc/{pid}/status"):
        key = line.split(":")[0]
        if key in wanted:
            out[key] = int(line.split()[1])
    return " ".join(f"{k} {out.get(k, 0) / 1024:.1f} MiB" for k in wanted)


def sections(binary):
    """(name, address, size) of each allocated section, from readelf."""
    text = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    found = []
    for line in text.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 6 and fields[0].startswith("[") and fields[0] != "[Nr]":
            try:
                found.append((fields[1], int(fields[3], 16), int(fields[5], 16)))
            except ValueError:
                pass
    return [s for s in found if s[1] > 0]


def resident_by_section(pid, binary):
    real = os.path.realpath(binary)
    table = sections(binary)
    counts = collections.Counter()
    base = None
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for line in open(f"/proc/{pid}/maps"):
            fields = line.split()
            if len(fields) < 6 or os.path.realpath(fields[5]) != real:
                continue
            low, high = (int(x, 16) for x in fields[0].split("-"))
            if base is None:
                base = low - int(fields[2], 16)
            pagemap.seek(low // 4096 * 8)
            entries = pagemap.read((high - low) // 4096 * 8)
            for i in range((high - low) // 4096):
                if struct.unpack_from("<Q", entries, i * 8)[0] >> 63:
                    page = low + i * 4096 - base
                    name = next((n for n, a, s in table if a < page + 4096 and page < a + s), "(between sections)")
                    counts[name] += 4
    return counts


def resident_by_file(pid):
    counts = collections.Counter()
    current = None
    for line in open(f"/proc/{pid}/smaps"):
        fields = line.split()
        if "-" in fields[0] and not fields[0].endswith(":"):
            current = fields[5] if len(fields) > 5 else "[anonymous]"
        elif fields[0] == "Rss:":
            counts[current] += int(fields[1])
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=DEFAULT_BINARY)
    ap.add_argument("--arenas", action="store_true", help="print glibc's malloc_stats() through gdb")
    ap.add_argument("cells", nargs="*", help="cells to run instead of the kernel bench's warm-up")
    args = ap.parse_args()
    with running_kernel([args.binary]) as (kernel, client):
        print("after ready:   ", status(kernel.pid))
        for cell in args.cells or WARMUP:
            client.execute_interactive(cell, output_hook=lambda _: None, timeout=120)
        print("after the cells:", status(kernel.pid))
        print("\nresident KiB of the binary, per section:")
        for name, kib in resident_by_section(kernel.pid, args.binary).most_common(12):
            print(f"  {kib:7d}  {name}")
        print("\nresident KiB per mapped file (the binary's sections above included):")
        for name, kib in resident_by_file(kernel.pid).most_common(14):
            print(f"  {kib:7d}  {name}")
        if args.arenas:
            # malloc_stats() writes to the kernel's own standard error, which is this script's.
            print("\nmalloc_stats() of the kernel (system bytes: the arena's memory; in use: live blocks):", flush=True)
            subprocess.run(["gdb", "-p", str(kernel.pid), "-batch", "-ex", "call (void)malloc_stats()"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

if __name__ == "__main__":
    sys.exit(main())
