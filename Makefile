# connectome-kernel: `make lab` (build, install the kernelspec, start JupyterLab) and `make test`.
# Both install what is missing first: Debian packages with apt-get, Python packages into .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
PIP       := $(VENV)/bin/pip
BIN       := .build/release/connectome-kernel
PORT      ?= 8888
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# C libraries the Swift targets link, pkg-config to find them; for the tests, libzmq (the kernel speaks
# ZMTP itself; the Swift tests' client is libzmq, to hold it to the real protocol), nginx to serve
# volumes and Chromium for JupyterLab.
APT_BUILD := libcurl4-openssl-dev libspng-dev libturbojpeg0-dev libjpeg62-turbo-dev zlib1g-dev libisal-dev liblz4-dev libzstd-dev pkg-config
APT_TEST  := libzmq3-dev nginx-light chromium chromium-driver

.PHONY: help lab test build static-cxx kernelspec sample system-deps system-test-deps peer-fixtures swift-test e2e-test bench clean
.PHONY: fuzz fuzz-smoke fuzz-build swift-test-asan

help:
	@echo "make lab    build, install the Connectome kernelspec and start JupyterLab on 127.0.0.1:$(PORT)"
	@echo "make test   install what is missing, run swift test and the end-to-end tests"
	@echo "make bench  run the side-by-side benchmarks (kernel and slice)"
	@echo "make fuzz   run every fuzz target for FUZZ_SECONDS (default $(FUZZ_SECONDS)) each"

# Installs the Debian packages in $(1) that are not installed yet (apt-get update only when needed).
define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
endef

system-deps:
	$(call apt_install,$(APT_BUILD))

system-test-deps: system-deps
	$(call apt_install,$(APT_TEST))

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.lab-installed: requirements/lab.txt | $(VENV)/bin/python
	$(PIP) install -q -r requirements/lab.txt
	touch $@

$(VENV)/.test-installed: requirements/test.txt requirements/lab.txt | $(VENV)/bin/python
	$(PIP) install -q -r requirements/test.txt
	touch $@ $(VENV)/.lab-installed

$(VENV)/.bench-installed: requirements/bench.txt requirements/test.txt requirements/lab.txt | $(VENV)/bin/python
	$(PIP) install -q -r requirements/bench.txt
	touch $@ $(VENV)/.test-installed $(VENV)/.lab-installed

# The Swift runtime and Foundation are linked statically: the kernel then starts in a few milliseconds
# and touches far less memory than with ~20 shared Swift libraries to load and relocate.
# With the toolchain's lld (when it has one), two things cut the file pages a running kernel maps
# (bench/slice/FINDINGS.md, session 22; 25.4 -> 22.3 MiB after ready): RELR relocations (88,000
# relative relocations take 17 KiB instead of a 2 MiB .rela.dyn that ld.so reads at every start) and
# link/connectome-kernel.order, the functions a kernel runs, placed together (bench/kernel/make_order.py).
# Two more, session 24 (bench/slice/FINDINGS.md; 1.1 and 0.9 MiB fewer file pages after the warm-up):
# - --no-export-dynamic undoes the --export-dynamic of Swift's static-stdlib link: the 12,000 public
#   symbols of our modules and BoringSSL in .dynsym/.dynstr (1 MiB), which ld.so searched at every start
#   for each symbol that libc and libstdc++ bind. Their one other use was names in the crash reports of
#   a binary stripped of all other symbols.
# - libstdc++ (the Swift runtime's C++ library) linked from its archive, through a directory that holds
#   only libstdc++.a, which the static-stdlib link's -lstdc++ then finds first: 1.5 MiB of a shared
#   libstdc++ mapped and relocated, for the little of it that the runtime calls. Without the archive
#   (no libstdc++-dev), the link stays as it was.
SWIFT_LLD     := $(wildcard $(dir $(realpath $(shell command -v swift)))ld.lld)
LIBSTDCXX_A   := $(realpath $(shell clang --print-file-name=libstdc++.a 2>/dev/null))
STATIC_CXX    := $(abspath .build/static-libstdc++)
SWIFT_RELEASE := -c release --static-swift-stdlib -Xlinker -s -Xlinker --no-export-dynamic
ifneq ($(LIBSTDCXX_A),)
SWIFT_RELEASE += -Xlinker -L$(STATIC_CXX)
endif
ifneq ($(SWIFT_LLD),)
SWIFT_RELEASE += -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
  -Xlinker --symbol-ordering-file=$(abspath link/connectome-kernel.order) -Xlinker --no-warn-symbol-ordering
endif

static-cxx:
ifneq ($(LIBSTDCXX_A),)
	mkdir -p $(STATIC_CXX) && ln -sf $(LIBSTDCXX_A) $(STATIC_CXX)/libstdc++.a
endif

build: system-deps static-cxx
	swift build $(SWIFT_RELEASE) --product connectome-kernel

# The kernelspec goes into the venv (like `--sys-prefix`), so this checkout's JupyterLab finds it.
kernelspec: build $(VENV)/.lab-installed
	$(BIN) install --prefix $(abspath $(VENV))

sample: build
	$(BIN) sample

lab: system-deps $(VENV)/.lab-installed kernelspec sample
	@echo "JupyterLab on http://127.0.0.1:$(PORT)/lab (notebooks/): open the URL with the token printed below."
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser $(ROOT_FLAG) --ServerApp.root_dir=$(abspath notebooks)

# Volumes and N5 containers written by the peers (CloudVolume, TensorStore, zarr) that our readers must
# decode voxel for voxel, and tables written by pandas and pyarrow; the Swift tests find them through these
# variables (CK_PEER_PYTHON reads the kernel's written tables back with pandas).
PEER := $(abspath .build/peer)
PEER_ENV := CK_PEER_FIXTURES=$(PEER)/volumes CK_PEER_N5=$(PEER)/n5 CK_NEUROGLANCER_PEER_DIR=$(PEER)/neuroglancer \
  CK_PEER_TABLES=$(PEER)/tables CK_PEER_PYTHON=$(abspath $(PY)) \
  CK_PEER_SKELETONS=$(PEER)/skeletons

peer-fixtures: $(VENV)/.test-installed
	rm -rf $(PEER) && mkdir -p $(PEER)/neuroglancer
	$(PY) Tests/EndToEnd/peer_fixtures/make_peer_volumes.py $(PEER)/volumes
	$(PY) Tests/EndToEnd/peer_n5/make_n5.py $(PEER)/n5
	$(PY) Tests/EndToEnd/peer_tables/make_tables.py $(PEER)/tables
	$(PY) Tests/EndToEnd/peer_skeletons/make_reroot.py $(PEER)/skeletons
	$(PY) Tests/EndToEnd/peer_skeletons/make_precomputed.py $(PEER)/skeletons

swift-test: system-test-deps peer-fixtures
	$(PEER_ENV) swift test 2>&1 | tee .build/swift-test.log; exit $${PIPESTATUS[0]}

e2e-test: system-test-deps $(VENV)/.test-installed kernelspec
	$(PEER_ENV) CK_BINARY=$(abspath $(BIN)) JUPYTER_PATH=$(abspath $(VENV))/share/jupyter \
	  XDG_CACHE_HOME=$(abspath test-output/cache) CK_TEST_OUTPUT=$(abspath test-output) \
	  $(PY) -m pytest -q -p no:cacheprovider Tests/EndToEnd

test: swift-test e2e-test fuzz-smoke swift-test-asan

# The Swift tests again under AddressSanitizer, in a build of their own. Leak checking is off (the Swift
# runtime and Foundation keep caches until exit); Tests/asan-suppressions.txt says what else is and why.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=0:suppressions=$(abspath Tests/asan-suppressions.txt)

# The suites of the parsers and decoders of outside bytes (wire, language, data formats, codecs, tables);
# the kernel, ZMQ and HTTP suites measure time (interrupts, heartbeats, timeouts) and are left to swift-test.
ASAN_FILTER := --filter 'ConnectomeCoreTests|ImageCodecsTests|JupyterProtocolTests|CommandLanguageTests|JSONModelTests'

swift-test-asan: system-test-deps peer-fixtures
	mkdir -p .build-asan
	$(PEER_ENV) $(ASAN_ENV) swift test --sanitize=address --scratch-path .build-asan $(ASAN_FILTER) 2>&1 \
	  | tee .build-asan/swift-test.log; exit $${PIPESTATUS[0]}

# Fuzzing: Fuzz/ is a package of its own (so `swift build` and `swift test` never build it) with one
# libFuzzer executable for every target (`connectome-fuzz --list`). It is built with coverage
# instrumentation and AddressSanitizer, and links libFuzzer without its `main` (see Fuzz/README.md).
# New inputs go to .build-fuzz/corpus/<target>, the committed seeds in Fuzz/Corpus (and dictionaries in
# Fuzz/Dictionaries, both written by Fuzz/make_corpus.py) stay as they are;
# a crash is written to .build-fuzz/artifacts/ and fails the run. Reproduce one with
# `.build-fuzz/debug/connectome-fuzz TARGET FILE`.
FUZZ_SCRATCH       := .build-fuzz
FUZZ_BIN           := $(FUZZ_SCRATCH)/debug/connectome-fuzz
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_BUILD_FLAGS   := -c debug -Xswiftc -sanitize=address \
  -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table \
  -Xlinker $$(clang --print-file-name=libclang_rt.fuzzer_no_main-x86_64.a) -Xlinker -lstdc++

fuzz-build: system-deps
	swift build --package-path Fuzz --scratch-path $(FUZZ_SCRATCH) $(FUZZ_BUILD_FLAGS)

# Runs every target for $(1) seconds over $(2) (a fresh or kept working corpus) plus the seeds.
define fuzz_run
	@mkdir -p $(FUZZ_SCRATCH)/artifacts; failed=""; \
	for target in $$($(FUZZ_BIN) --list | cut -d' ' -f1); do \
	  work=$(2)/$$target; mkdir -p $$work; echo "fuzz $$target: $(1) s"; \
	  dict=Fuzz/Dictionaries/$$target.dict; [ -f $$dict ] && dict=-dict=$$dict || dict=; \
	  SWIFT_BACKTRACE=enable=no $(FUZZ_BIN) $$target $$dict -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=$(FUZZ_SCRATCH)/artifacts/$$target- $$work Fuzz/Corpus/$$target \
	    >$(FUZZ_SCRATCH)/$$target.log 2>&1 || { failed="$$failed $$target"; tail -40 $(FUZZ_SCRATCH)/$$target.log; }; \
	done; \
	[ -z "$$failed" ] || { echo "fuzz targets that failed:$$failed (inputs in $(FUZZ_SCRATCH)/artifacts/)"; exit 1; }
endef

fuzz: fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS),$(FUZZ_SCRATCH)/corpus)

fuzz-smoke: fuzz-build
	rm -rf $(FUZZ_SCRATCH)/smoke-corpus
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS),$(FUZZ_SCRATCH)/smoke-corpus)

# bench-slice and bench-stack live in their own binary, not in the kernel's.
bench: system-test-deps $(VENV)/.bench-installed kernelspec static-cxx
	swift build $(SWIFT_RELEASE) --product connectome-bench
	bench/kernel/run.sh
	$(PY) bench/slice/run.py
	$(PY) bench/slice/kernel.py
	$(PY) bench/slice/stack.py
	$(PY) bench/neurons/run.py

clean:
	rm -rf .build .build-* $(VENV)
