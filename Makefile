# tcevirt: the two entry points are `make demo` and `make check`.
# Both install what they need (Debian packages, as root) and build.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
MESON_TEST = meson test --print-errorlogs --num-processes 2

.PHONY: all build check demo fuzz bench lab lab-kernel-fix clean fresh-check

all: build

$(BUILD)/build.ninja:
	meson setup $(BUILD) >/dev/null

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dqemu_tests=false -Dbuildtype=debug >/dev/null

# Runs every test, then the unit tests again under ASan+UBSan, and ends
# with labelled lines (tests, asan, fuzz corpus, wall time) and one line
# "N passed, N failed, N skipped" (scripts/test-summary.py says how it
# counts).  The wall time covers everything from the package check on.
check:
	@t0=$$(date +%s); rc=0; \
	scripts/install-deps.sh check && \
	$(MAKE) --no-print-directory build && \
	$(MAKE) --no-print-directory $(ASAN_BUILD)/build.ninja && \
	ninja -C $(ASAN_BUILD) || exit 1; \
	$(MESON_TEST) -C $(BUILD) || rc=1; \
	$(MESON_TEST) -C $(ASAN_BUILD) || rc=1; \
	scripts/test-summary.py $(BUILD)/meson-logs/testlog.json \
	    $(ASAN_BUILD)/meson-logs/testlog.json $$(( $$(date +%s) - t0 )) || rc=1; \
	exit $$rc

demo:
	@scripts/install-deps.sh demo
	@$(MAKE) --no-print-directory build
	@scripts/demo.sh $(BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dqemu_tests=false \
	    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

# FUZZ_TARGET=domain (the XML parser) or rpc (tcevirtd's frames and XDR)
FUZZ_TARGET ?= domain
FUZZ_CORPUS = $(if $(filter rpc,$(FUZZ_TARGET)),fuzz/rpc-corpus,fuzz/corpus)
FUZZ_DICT = $(if $(filter domain,$(FUZZ_TARGET)),-dict=fuzz/domain.dict)
fuzz:
	@scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) fuzz/$(FUZZ_TARGET)_fuzz
	mkdir -p $(FUZZ_BUILD)/corpus-$(FUZZ_TARGET) fuzz/artifacts
	cp -n $(FUZZ_CORPUS)/* $(FUZZ_BUILD)/corpus-$(FUZZ_TARGET)/ 2>/dev/null || true
	ASAN_OPTIONS=detect_leaks=1 $(FUZZ_BUILD)/fuzz/$(FUZZ_TARGET)_fuzz \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -artifact_prefix=fuzz/artifacts/ $(FUZZ_DICT) \
	    $(FUZZ_BUILD)/corpus-$(FUZZ_TARGET) $(FUZZ_CORPUS)

# The kernel contract suite, then tcevirt itself (cross-built for ppc64le),
# on Debian's real ppc64le kernel in an emulated POWER9 (kernel/lab); ends
# with "N passed, N failed, N skipped".
lab:
	@scripts/install-deps.sh lab
	@kernel/lab/lab.sh all $(abspath $(BUILD))

# The kvm-vfio release WARN fix (kernel/patches) before and after on the
# lab's real kernel: git am + checkpatch on Debian's linux-source-6.12,
# kvm.ko built out of tree, the lab booted with each kvm.ko; prints the
# table (kernel/lab/kernel-fix.sh; not in CI: 153 s, 62 s more the first time).
lab-kernel-fix:
	@scripts/install-deps.sh kernel-fix
	@kernel/lab/kernel-fix.sh $(abspath $(BUILD))

bench:
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory build
	scripts/bench.sh $(BUILD)

# `make JOB` in a bare bookworm root built with mmdebstrap (not in CI:
# it downloads and installs everything again; scripts/fresh-check.sh)
JOB ?= check
fresh-check:
	@scripts/fresh-check.sh $(JOB)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
