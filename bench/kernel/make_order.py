#!/usr/bin/env python3
"""Writes link/connectome-kernel.order: the functions a kernel runs to start and answer cells.

The release link (Makefile, SWIFT_RELEASE) hands this list to lld's --symbol-ordering-file, so the
code that every kernel runs sits together at the front of .text. The page cache here holds the
binary in large folios and a page fault maps a whole folio, so scattered first touches each
bring in up to megabytes of the 20 MiB of code; grouped, they bring in a few. Measured with
bench/kernel/rss_anatomy.py (FINDINGS, session 22): with RELR relocations, 25.4 → 22.3 MiB of
file pages after ready.

How: the kernel runs under `perf record --call-graph fp` (sampling at 25 kHz, so every function on
a sampled stack counts, not only the leaf) through the kernel bench's cells — start, kernel_info,
a 1024² section shown, trivial cells one by one and pipelined, the section shown again — several
times; the union of the functions seen, most often seen first, is the list. A function that is
missing only costs the folio it sits in; a stale name is ignored by the linker.

Usage (needs perf; the binary must keep its symbols, so not the `-s` build of `make build`):
  swift build -c release --static-swift-stdlib --product connectome-kernel
  cp .build/release/connectome-kernel /tmp/ck-symbols
  .venv/bin/python bench/kernel/make_order.py /tmp/ck-symbols [--runs 12]
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

from kernel_process import SECTION_CELL, running_kernel

ORDER_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "link", "connectome-kernel.order")


def record(binary, output):
    perf = ["perf", "record", "-q", "-F", "25000", "--call-graph", "fp", "-o", output, binary]
    with running_kernel(perf) as (_, client):
        quiet = lambda _: None
        client.execute_interactive(SECTION_CELL, output_hook=quiet, timeout=120)
        for _ in range(200):
            client.execute_interactive("1", output_hook=quiet, timeout=60)
        for _ in range(5):
            client.execute_interactive("show em", output_hook=quiet, timeout=60)
        for _ in range(300):
            client.execute("1")
        for _ in range(300):
            client.get_shell_msg(timeout=60)

def functions(data, binary):
    """Mangled names of the binary's functions on the sampled stacks, with how often each was seen."""
    script = subprocess.run(["perf", "script", "-i", data, "--no-demangle", "-F", "ip,sym,dso"],
                            capture_output=True, text=True).stdout
    dso = f"({os.path.realpath(binary)})"
    seen = collections.Counter()
    for line in script.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[-1] == dso and fields[1] != "[unknown]":
            seen[re.sub(r"\+0x[0-9a-f]+$", "", fields[1])] += 1
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", help="a release build of connectome-kernel with its symbols")
    ap.add_argument("--runs", type=int, default=12)
    ap.add_argument("--out", default=os.path.normpath(ORDER_FILE))
    args = ap.parse_args()
    total = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="ck-order-") as directory:
        for run in range(args.runs):
            data = os.path.join(directory, f"run{run}.data")
            record(args.binary, data)
            total.update(functions(data, args.binary))
    if not total:
        sys.exit("no samples in the binary: is perf allowed here, and does the binary keep its symbols?")
    with open(args.out, "w") as out:
        out.writelines(name + "\n" for name, _ in total.most_common())
    print(f"{len(total)} functions → {args.out}")


if __name__ == "__main__":
    main()
