#!/usr/bin/env python3
"""Writes link/connectome-kernel.order: the functions a kernel runs to start and answer cells.

The release link (Makefile, SWIFT_RELEASE) hands this list to lld's --symbol-ordering-file, so the
code that every kernel runs sits together at the front of .text. The page cache here holds the
binary in large folios and a page fault maps a whole folio, so scattered first touches each
bring in up to megabytes of the 20 MiB of code; grouped, they bring in a few. Measured with
bench/kernel/rss_anatomy.py (FINDINGS, sessions 22 and 23).

Two sources, one after the other:
1. Sampling (always): the kernel runs under `perf record --call-graph fp` (25 kHz, so every function
   on a sampled stack counts, not only the leaf) through the kernel bench's cells (start, kernel_info,
   a 1024² section shown, trivial cells one by one and pipelined, the section shown again), several
   times; the functions seen, most often seen first.
2. Page faults (`--faults N`): sampling misses what runs once, at start-up above all (runtime and
   CoreFoundation initialisers, metadata accessors), and each of those brought in a folio. So, N
   times: relink the binary with the list so far (`--relink`), drop it from the page cache, set its
   disk's read-ahead to 0 (so every first touch of a 4 KiB page is a fault of its own), record the
   page faults through the same cells, and append the symbols whose pages were first touched. Each
   round finds the functions that shared a page with one found before; session 23's ten rounds took
   the list from 1,951 to 4,799 names and the RSS after ready from 18.8 to 16.0 MiB. Needs root.

A missing name only costs the folio it sits in; a stale name is ignored by the linker. After a change
of the link or of a few functions, `--extend --faults N` runs only fault rounds, from the list as it is
(session 24: libstdc++ from its archive, the HMAC path, StripedPNG; 5,127 → 7,349 names).

Usage (needs perf; the binary must keep its symbols, so not the `-s` build of `make build`):
  swift build -c release --static-swift-stdlib --scratch-path /tmp/sym --product connectome-kernel \
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
  .venv/bin/python bench/kernel/make_order.py /tmp/sym/release/connectome-kernel --runs 12 \
    --faults 10 --relink "rm -f /tmp/sym/release/connectome-kernel && swift build <the same flags> \
      -Xlinker --symbol-ordering-file=$PWD/link/connectome-kernel.order -Xlinker --no-warn-symbol-ordering"
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


def record(binary, output, events):
    """Runs the bench's cells in a kernel under `perf record EVENTS`."""
    with running_kernel(["perf", "record", "-q", *events, "-o", output, binary]) as (_, client):
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


SAMPLING = ["-F", "25000", "--call-graph", "fp"]
# Every page fault, with its address.
FAULTS = ["-e", "page-faults", "-c", "1", "-d"]


def read_ahead_file(path):
    """The sysfs read_ahead_kb of the disk holding `path` (a partition's is its disk's)."""
    device = os.stat(path).st_dev
    block = os.path.realpath(f"/sys/dev/block/{os.major(device)}:{os.minor(device)}")
    for directory in (block, os.path.dirname(block)):
        candidate = os.path.join(directory, "queue", "read_ahead_kb")
        if os.path.exists(candidate):
            return candidate
    sys.exit(f"no read_ahead_kb for the disk of {path}")


def faulted(binary, directory):
    """Symbols whose page of the binary a kernel touched first, in the order of the faults."""
    data = os.path.join(directory, "faults.data")
    control = read_ahead_file(binary)
    before = open(control).read().strip()
    descriptor = os.open(binary, os.O_RDONLY)
    os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(descriptor)
    try:
        with open(control, "w") as out:
            out.write("0")
        record(binary, data, FAULTS)
    finally:
        with open(control, "w") as out:
            out.write(before)
    # Lines are `addr addr-symbol (addr-dso) ip ip-symbol (ip-dso)`: keep faults on the binary's pages.
    script = subprocess.run(["perf", "script", "-i", data, "--no-demangle", "-F", "ip,sym,dso,addr"],
                            capture_output=True, text=True).stdout
    dso = f"({os.path.realpath(binary)})"
    names = []
    for line in script.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2] == dso and fields[1] != "[unknown]":
            names.append(re.sub(r"\+0x[0-9a-f]+$", "", fields[1]))
    return list(dict.fromkeys(names))


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
    ap.add_argument("--faults", type=int, default=0, help="rounds of page-fault collection after sampling")
    ap.add_argument("--relink", help="shell command that relinks BINARY with --out as its order file")
    ap.add_argument("--extend", action="store_true",
                    help="no sampling: start the fault rounds from the list in --out (after a change of the "
                         "link, such as libstdc++ from its archive, or of a few functions)")
    args = ap.parse_args()
    if args.faults and not args.relink:
        sys.exit("--faults needs --relink: each round measures the layout the list so far gives")
    total = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="ck-order-") as directory:
        if args.extend:
            names = [line.strip() for line in open(args.out) if line.strip()]
            print(f"{len(names)} symbols from {args.out}")
        else:
            for run in range(args.runs):
                data = os.path.join(directory, f"run{run}.data")
                record(args.binary, data, SAMPLING)
                total.update(functions(data, args.binary))
            if not total:
                sys.exit("no samples in the binary: is perf allowed here, and does the binary keep its symbols?")
            names = [name for name, _ in total.most_common()]
            print(f"{len(names)} functions sampled")
        for round in range(args.faults):
            with open(args.out, "w") as out:
                out.writelines(name + "\n" for name in names)
            subprocess.run(args.relink, shell=True, check=True)
            listed = set(names)
            new = [name for name in faulted(args.binary, directory) if name not in listed]
            names += new
            print(f"fault round {round + 1}: {len(new)} more symbols")
    with open(args.out, "w") as out:
        out.writelines(name + "\n" for name in names)
    print(f"{len(names)} symbols → {args.out}")


if __name__ == "__main__":
    main()
