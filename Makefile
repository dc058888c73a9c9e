# geglu.h: build, test, benchmark. Builds and test runs go in parallel, JOBS at a time (default:
# the machine's cores); each run's output is kept in build/results/ and printed at the end.
#   make              build the benchmark, the examples and every test program
#   make check        the native build's three suites: the quick check while editing
#   make test         install cmocka if missing (root + apt), then run every test: every x86-64
#                     path, sanitizers, valgrind, Nehalem, NEON and armhf under qemu, the build
#                     matrix, install, examples, the fuzz corpus, the bench command line
#   make bench        run the benchmark runner on its built-in default shapes
#   make bench-compare   the FFN beside OpenBLAS (cblas) and oneDNN (matmul + post-ops) in one
#                     process, f32 and bf16 weights, peers built in when their headers are there
#                     (Debian: libopenblas-dev, libdnnl-dev); ARGS=--quick,
#                     ARGS='--preset t5-large --tokens 1,64 --weights bf16';
#                     OpenBLAS's kernels: BLAS_CORE=SkylakeX (default with AVX-512) or Haswell
#   make bench-torch  geglu_gelu_f32 beside PyTorch's CPU GELU in one process (Debian:
#                     python3-torch); TORCH_ARGS=--quick, TORCH_ARGS='--n 1048576 --sd 1'
#   make test-neon    the test suite cross-compiled for aarch64 and run under qemu
#   make test-armhf   the test suite for 32-bit ARM (armhf, scalar path) under qemu-arm
#   make fuzz         the libFuzzer target for FUZZ_SECONDS (default 60) seconds
#   make check-all    make test, then every longer check (constants, fuzzing, exhaustive, MPI,
#                     the benchmarks' smoke runs), each with its runtime: what CI runs
#   make test-exhaustive   every float32 input, both GELU kinds, every path on this machine
#   make test-mpi     the d_ff-sharded FFN example under mpirun with 2 and 3 ranks (Open MPI)
#   make examples | clean | install PREFIX=/usr/local | check-constants

CC      ?= cc
CXX     ?= c++
CFLAGS  ?= -O2
WARN    := -std=c99 -pedantic -Wall -Wextra -Werror
PREFIX  ?= /usr/local
B       := build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
HEADER  := geglu.h

# The x86-64 builds of the test suite: name, compiler (default $(CC)) and flags. native is what
# this machine runs best; scalar forces the portable code (still with FMA); baseline is plain
# x86-64, no FMA at all; the *-asan builds run under AddressSanitizer and UBSan, gcc and clang.
# They look for memory errors and undefined behaviour, not accuracy: the sweep of test_gelu runs 8
# times thinner there (the plain build of the same path runs it whole).
SANITIZE := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
            -DTEST_SWEEP_DIVISOR=8
VARIANTS := native avx2 avx512 avx512bf16 scalar baseline \
            gcc-asan-avx2 gcc-asan-avx512 gcc-asan-avx512bf16 gcc-asan-scalar \
            clang-asan-avx2 clang-asan-avx512 clang-asan-avx512bf16 clang-asan-scalar \
            valgrind-avx2 valgrind-scalar nehalem-baseline nehalem-scalar omp clang-omp
FLAGS_native   := -march=native
FLAGS_avx2     := -march=x86-64-v3 -DEXPECT_ISA='"avx2"'
FLAGS_avx512   := -march=x86-64-v4 -DEXPECT_ISA='"avx512"'
# AVX-512 with AVX512_BF16: the dot-product microkernels (vdpbf16ps) for bf16 products.
FLAGS_avx512bf16 := -march=x86-64-v4 -mavx512bf16 -DEXPECT_ISA='"avx512"' -DEXPECT_DOT_TILES
FLAGS_scalar   := -march=native -DGEGLU_NO_SIMD -DEXPECT_ISA='"scalar"'
FLAGS_baseline := -DEXPECT_ISA='"scalar"'
# OpenMP: the same suite with the library's threads (and the tests' own, for the partitions).
# These test the threads: the sweep, the native build's kernels again, runs 8 times thinner. The
# threads wait passively, as the other runs of make test share the cores with them.
FLAGS_omp       := -march=native -fopenmp -DTEST_SWEEP_DIVISOR=8
FLAGS_clang-omp := -march=native -fopenmp -DTEST_SWEEP_DIVISOR=8
CC_clang-omp    := clang
RUNNER_omp       := OMP_WAIT_POLICY=passive
RUNNER_clang-omp := OMP_WAIT_POLICY=passive
$(foreach c,gcc clang,$(foreach v,avx2 avx512 avx512bf16 scalar,\
    $(eval CC_$(c)-asan-$(v) := $(c))$(eval FLAGS_$(c)-asan-$(v) := $(FLAGS_$(v)) $(SANITIZE))))

# Variants this CPU cannot run are built (so they still compile) but not run.
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
cpu_has = $(if $(strip $(foreach f,$(1),$(if $(filter $(f),$(CPU_FLAGS)),,missing))),,yes)
RUN_avx2   := $(call cpu_has,avx2 fma)
RUN_avx512 := $(call cpu_has,avx512f avx512bw avx512cd avx512dq avx512vl avx2 fma)
RUN_avx512bf16 := $(call cpu_has,avx512f avx512bw avx512cd avx512dq avx512vl avx2 fma avx512_bf16)
RUN_native := yes
RUN_scalar := yes
RUN_baseline := yes
RUN_omp := yes
RUN_clang-omp := $(if $(shell echo 'int main(void){return 0;}' | clang -fopenmp -x c - -o /dev/null 2>/dev/null && echo ok),yes)
# valgrind 3.19 cannot run AVX-512 code: its builds stop at AVX2. It runs the sweep 64 times thinner.
VALGRIND := valgrind -q --partial-loads-ok=no --error-exitcode=1
FLAGS_valgrind-avx2   := $(FLAGS_avx2) -g -DTEST_UNDER_VALGRIND -DTEST_SWEEP_DIVISOR=64
FLAGS_valgrind-scalar := -march=x86-64-v3 -DGEGLU_NO_SIMD -DEXPECT_ISA='"scalar"' -g \
                         -DTEST_UNDER_VALGRIND -DTEST_SWEEP_DIVISOR=64
RUNNER_valgrind-avx2   := $(VALGRIND)
RUNNER_valgrind-scalar := $(VALGRIND)
RUN_valgrind-avx2   := $(if $(shell command -v valgrind),$(RUN_avx2))
RUN_valgrind-scalar := $(if $(shell command -v valgrind),yes)
# The plain x86-64 and GEGLU_NO_SIMD builds on an emulated CPU without AVX: they must use no
# instruction it lacks (an AVX2 build fails there). The same builds run the sweep whole natively,
# so under emulation it runs 16 times thinner.
QEMU_NEHALEM := qemu-x86_64 -cpu Nehalem
FLAGS_nehalem-baseline := -DEXPECT_ISA='"scalar"' -DTEST_SWEEP_DIVISOR=16
FLAGS_nehalem-scalar   := -DGEGLU_NO_SIMD -DEXPECT_ISA='"scalar"' -DTEST_SWEEP_DIVISOR=16
RUNNER_nehalem-baseline := $(QEMU_NEHALEM)
RUNNER_nehalem-scalar   := $(QEMU_NEHALEM)
RUN_nehalem-baseline := $(if $(shell command -v qemu-x86_64),yes)
RUN_nehalem-scalar   := $(RUN_nehalem-baseline)
$(foreach c,gcc clang,$(foreach v,avx2 avx512 avx512bf16 scalar,$(eval RUN_$(c)-asan-$(v) := $(RUN_$(v)))))
RUNNABLE := $(foreach v,$(VARIANTS),$(if $(RUN_$(v)),$(v)))

# Each build of the suites is one program, $(B)/tests-VARIANT: tests/suites.c includes the three.
TEST_SOURCES := tests/suites.c tests/test_gelu.c tests/test_layer.c tests/test_guard.c \
                tests/test_convert.c tests/test_util.h
TEST_BINS := $(foreach v,$(VARIANTS),$(B)/tests-$(v))
# The build matrix: every compiler at every optimisation level (the warnings differ) and every
# language standard the header supports, warning-free under -pedantic -Werror
# (tests/build/api_program.c, built and run).
MATRIX := $(foreach c,gcc clang,$(c)-O0-c99 $(c)-O2-c99 $(c)-O3-c99 $(c)-O2-c11) \
          $(foreach c,g++ clang++,$(c)-O0-c++11 $(c)-O2-c++11 $(c)-O3-c++11 $(c)-O2-c++17)
BUILD_CHECKS := $(foreach m,$(MATRIX),$(B)/matrix/$(m)) $(B)/api-c99-gcc-scalar $(B)/api-cxx11-g++-scalar \
                $(B)/two-units $(B)/static-copies $(B)/fast-math-refused
EXAMPLES := $(B)/minimal $(B)/vendored $(B)/vendored-cpp $(B)/t5_block $(B)/geometry
# make test runs the examples; geometry runs through check_svgs.sh, which renders its pictures.
EXAMPLE_RUNS := $(B)/minimal $(B)/vendored $(B)/vendored-cpp $(B)/t5_block

# NEON: cross compiler, qemu and cmocka for arm64 (.ci/run installs them).
NEON_CC   ?= aarch64-linux-gnu-gcc
QEMU_ARM64 ?= qemu-aarch64 -L /usr/aarch64-linux-gnu
HAVE_NEON := $(shell command -v $(NEON_CC) >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1 && \
               test -e /usr/lib/aarch64-linux-gnu/libcmocka.so && echo yes)

# 32-bit ARM: the NEON kernels need float64x2_t (AArch64 only), so armhf runs the scalar path,
# with FMA from -mfpu=neon-vfpv4. Cross compiler, libc and cmocka for armhf (.ci/run installs them).
ARMHF_CC ?= arm-linux-gnueabihf-gcc
QEMU_ARMHF ?= qemu-arm -L /usr/arm-linux-gnueabihf
HAVE_ARMHF := $(shell command -v $(ARMHF_CC) >/dev/null 2>&1 && command -v qemu-arm >/dev/null 2>&1 && \
                test -e /usr/lib/arm-linux-gnueabihf/libcmocka.so && echo yes)

# libFuzzer needs clang (Debian: libclang-rt-14-dev). The seeds are tests/fuzz/corpus; what the
# fuzzer adds goes to build/fuzz-corpus, what it finds to build/fuzz-artifacts.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -g -O1 -march=native -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all

.PHONY: all check test test-x86 test-neon test-armhf test-exhaustive test-mpi bench bench-compare bench-torch examples \
        clean install check-constants cmocka fuzz check-all FORCE

all: $(B)/geglu-bench $(EXAMPLES) $(B)/exhaustive $(BUILD_CHECKS) $(B)/fuzz_geglu
	@tests/ensure-cmocka.sh $(CC) && $(MAKE) --no-print-directory -j$(JOBS) $(TEST_BINS)

cmocka:
	@tests/ensure-cmocka.sh $(CC)

$(B):
	@mkdir -p $(B)

# ---- tests ---------------------------------------------------------------------------------
$(B)/tests-%: $(TEST_SOURCES) $(HEADER) | $(B)
	$(or $(CC_$*),$(CC)) $(WARN) $(CFLAGS) $(FLAGS_$*) -o $@ $< -lcmocka -lm

# $(B)/matrix/COMPILER-OPT-STD
$(B)/matrix/%: tests/build/api_program.c $(HEADER)
	@mkdir -p $(@D)
	$(word 1,$(subst -, ,$*)) -$(word 2,$(subst -, ,$*)) -std=$(word 3,$(subst -, ,$*)) \
	    $(if $(findstring ++,$*),-x c++) -pedantic -Wall -Wextra -Werror -march=native -o $@ $< -lm
$(B)/api-c99-gcc-scalar: tests/build/api_program.c $(HEADER) | $(B)
	gcc $(WARN) -DGEGLU_NO_SIMD -o $@ $< -lm
$(B)/api-cxx11-g++-scalar: tests/build/api_program.c $(HEADER) | $(B)
	g++ -std=c++11 -pedantic -Wall -Wextra -Werror -DGEGLU_NO_SIMD -x c++ -o $@ $<
$(B)/two-units: tests/build/two_units_main.c tests/build/two_units_impl.c $(HEADER) | $(B)
	$(CC) $(WARN) -march=native -o $@ tests/build/two_units_main.c tests/build/two_units_impl.c -lm
$(B)/static-copies: tests/build/static_copy_a.c tests/build/static_copy_b.c $(HEADER) | $(B)
	$(CC) $(WARN) -march=native -o $@ tests/build/static_copy_a.c tests/build/static_copy_b.c -lm

# -ffast-math would break NaN and Inf handling: the implementation must refuse to compile.
$(B)/fast-math-refused: tests/build/api_program.c $(HEADER) | $(B)
	@if $(CC) -ffast-math -c -o /dev/null $< 2>/dev/null; then \
	    echo "geglu.h compiled under -ffast-math"; exit 1; fi
	@printf '#!/bin/sh\necho "-ffast-math is refused: ok"\n' > $@ && chmod +x $@

$(B)/exhaustive: tests/exhaustive.c tests/test_util.h $(HEADER) | $(B)
	$(CC) $(WARN) -O2 -march=native -pthread -o $@ $< -lm

# qemu runs the sweep about ten times slower: it takes every 8th point of the native sweep
# (make test-exhaustive checks every 17th float on the NEON path).
$(B)/tests-neon: $(TEST_SOURCES) $(HEADER) | $(B)
	$(NEON_CC) $(WARN) -O2 -DTEST_SWEEP_DIVISOR=8 -DEXPECT_ISA='"neon"' -o $@ $< -lcmocka -lm
$(B)/exhaustive-neon: tests/exhaustive.c tests/test_util.h $(HEADER) | $(B)
	$(NEON_CC) $(WARN) -O2 -pthread -o $@ $< -lm

$(B)/tests-armhf: $(TEST_SOURCES) $(HEADER) | $(B)
	$(ARMHF_CC) $(WARN) -O2 -mfpu=neon-vfpv4 -DTEST_SWEEP_DIVISOR=8 -DEXPECT_ISA='"scalar"' \
	    -o $@ $< -lcmocka -lm

# The fuzz target, and a replay of its committed corpus (seeds and past findings) in make test.
$(B)/fuzz_geglu: tests/fuzz/fuzz_geglu.c tests/fuzz/fuzz_reference.c tests/fuzz/fuzz_reference.h \
                 tests/test_util.h $(HEADER) | $(B)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_geglu.c tests/fuzz/fuzz_reference.c -lm

# ---- test runs -------------------------------------------------------------------------------
# Each run is a target of its own, $(RESULTS)/NAME, so that make -j starts it as soon as its
# program is built, beside the other builds and runs; tests/run.sh then reports them in order.
RESULTS := $(B)/results
# $(call test_run,NAME,PROGRAMS,COMMAND)
define test_run
$(RESULTS)/$(1): $(2) FORCE
	@mkdir -p $$(@D) && tests/run.sh one $$@ '$(strip $(3))'
endef
$(foreach v,$(VARIANTS),$(eval $(call test_run,tests-$(v),$(B)/tests-$(v),$(RUNNER_$(v)) $(B)/tests-$(v))))
$(eval $(call test_run,tests-neon,$(B)/tests-neon,$(QEMU_ARM64) $(B)/tests-neon))
$(eval $(call test_run,tests-armhf,$(B)/tests-armhf,$(QEMU_ARMHF) $(B)/tests-armhf))
$(foreach c,$(BUILD_CHECKS) $(EXAMPLE_RUNS),$(eval $(call test_run,$(c:$(B)/%=%),$(c),$(c))))
$(eval $(call test_run,geometry-svgs,$(B)/geometry,tests/check_svgs.sh $(B)))
$(eval $(call test_run,install,,tests/build/install_check.sh))
$(eval $(call test_run,readme,README.md tests/readme_main.c $(HEADER),tests/readme_snippets.sh $(B)))
$(eval $(call test_run,bench-cli,$(B)/geglu-bench,tests/bench_cli.sh $(B)/geglu-bench))
$(eval $(call test_run,fuzz-corpus,$(B)/fuzz_geglu,$(B)/fuzz_geglu -runs=0 tests/fuzz/corpus))

# The longest runs (the GELU sweeps) first, so that the short ones fill in around them.
X86_RESULTS := $(foreach v,$(RUNNABLE),$(RESULTS)/tests-$(v)) \
               $(foreach c,$(BUILD_CHECKS) $(EXAMPLE_RUNS),$(RESULTS)/$(c:$(B)/%=%)) \
               $(addprefix $(RESULTS)/,geometry-svgs install readme bench-cli fuzz-corpus)
NEON_RESULTS := $(RESULTS)/tests-neon
ARMHF_RESULTS := $(RESULTS)/tests-armhf
TEST_RESULTS := $(if $(HAVE_NEON),$(NEON_RESULTS)) $(if $(HAVE_ARMHF),$(ARMHF_RESULTS)) $(X86_RESULTS)
CHECK_RESULTS := $(RESULTS)/tests-native
# Runs the given results (a failed build does not stop the others), then reports them.
run_tests = rm -rf $(RESULTS); $(MAKE) --no-print-directory -k -j$(JOBS) $(1); tests/run.sh report $(1)

test: cmocka
	@$(if $(and $(filter 1,$(REQUIRE_NEON)),$(if $(HAVE_NEON),,x)),echo "NEON tools missing and REQUIRE_NEON=1" && exit 1)
	@$(if $(and $(filter 1,$(REQUIRE_ARMHF)),$(if $(HAVE_ARMHF),,x)),echo "armhf tools missing and REQUIRE_ARMHF=1" && exit 1)
	@$(if $(filter-out $(RUNNABLE),$(VARIANTS)),echo "not run here (this CPU or machine lacks what they need): \
	    $(filter-out $(RUNNABLE),$(VARIANTS))")
	@$(if $(HAVE_NEON),,echo "NEON not run: needs $(NEON_CC), qemu-user and libcmocka-dev:arm64 \
	    (.ci/run shows how to install them)")
	@$(if $(HAVE_ARMHF),,echo "armhf not run: needs $(ARMHF_CC), libc6-dev-armhf-cross, qemu-user and \
	    libcmocka-dev:armhf (.ci/run shows how to install them)")
	@$(call run_tests,$(TEST_RESULTS))

# The native build's three suites, for the edit-compile loop.
check: cmocka
	@$(call run_tests,$(CHECK_RESULTS))

# Parts of make test alone: x86-64 (builds, sanitizers, valgrind, Nehalem, matrix, install), NEON,
# armhf.
test-x86: cmocka
	@$(call run_tests,$(X86_RESULTS))

test-neon:
	@$(call run_tests,$(NEON_RESULTS))

test-armhf:
	@$(call run_tests,$(ARMHF_RESULTS))

fuzz: $(B)/fuzz_geglu
	@mkdir -p $(B)/fuzz-corpus $(B)/fuzz-artifacts
	$(B)/fuzz_geglu -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(B)/fuzz-artifacts/ $(B)/fuzz-corpus tests/fuzz/corpus

# make test and every longer check, one after the other, each with its runtime: what CI runs
# (tests/check_all.sh).
check-all:
	@tests/check_all.sh

# The NEON sweep under qemu takes every 17th input (253 million, about 7 minutes, one thread:
# qemu-user 7.2 hangs in pthread_create); all 2^32 would take about two hours of emulation.
test-exhaustive: $(B)/exhaustive $(if $(HAVE_NEON),$(B)/exhaustive-neon)
	$(B)/exhaustive
	$(if $(HAVE_NEON),$(QEMU_ARM64) $(B)/exhaustive-neon 17 1)

# ---- benchmark, examples ----------------------------------------------------------------------
# With OpenMP when the compiler has it, so that --threads N works.
OPENMP := $(shell echo 'int main(void){return 0;}' | $(CC) -fopenmp -x c - -o /dev/null 2>/dev/null && echo -fopenmp)
$(B)/geglu-bench: bench/geglu_bench.c bench/bench_util.h $(HEADER) | $(B)
	$(CC) $(WARN) -O2 -march=native $(OPENMP) -o $@ $< -lm

bench: $(B)/geglu-bench
	$(B)/geglu-bench

# The peers are found when bench-compare runs (lazy variables, each probed at most once: plain
# `make` never probes). A peer counts as present when a program using its header links; the
# compiler and flags are kept in $(B)/compare.flags: a new peer or compiler rebuilds.
lazy = $(eval $(1) := $$(shell $(2)))
OPENBLAS_CFLAGS = $(call lazy,OPENBLAS_CFLAGS,pkg-config --cflags openblas 2>/dev/null)$(OPENBLAS_CFLAGS)
OPENBLAS_LIBS   = $(call lazy,OPENBLAS_LIBS,pkg-config --libs openblas 2>/dev/null || echo -lopenblas)$(OPENBLAS_LIBS)
HAVE_OPENBLAS   = $(call lazy,HAVE_OPENBLAS,printf '\043include <cblas.h>\nint main(void) { return openblas_get_num_threads(); }\n' | \
                    $(CC) -D_GNU_SOURCE $(OPENBLAS_CFLAGS) -x c -o /dev/null - $(OPENBLAS_LIBS) 2>/dev/null && echo yes)$(HAVE_OPENBLAS)
DNNL_OMP        = $(call lazy,DNNL_OMP,grep -qs 'define DNNL_CPU_THREADING_RUNTIME DNNL_RUNTIME_OMP' \
                    /usr/include/oneapi/dnnl/dnnl_config.h && echo -lgomp)$(DNNL_OMP)
HAVE_DNNL       = $(call lazy,HAVE_DNNL,printf '\043include <oneapi/dnnl/dnnl.h>\nint main(void) { return dnnl_version()->major; }\n' | \
                    $(CC) -x c -o /dev/null - -ldnnl $(DNNL_OMP) 2>/dev/null && echo yes)$(HAVE_DNNL)
COMPARE_FLAGS   = $(if $(HAVE_OPENBLAS),-DHAVE_OPENBLAS $(OPENBLAS_CFLAGS)) $(if $(HAVE_DNNL),-DHAVE_DNNL)
COMPARE_LIBS    = $(if $(HAVE_OPENBLAS),$(OPENBLAS_LIBS)) $(if $(HAVE_DNNL),-ldnnl $(DNNL_OMP)) -lm
BLAS_CORE      ?= $(if $(RUN_avx512),SkylakeX,Haswell)

$(B)/compare.flags: FORCE | $(B)
	@echo '$(strip $(CC) $(COMPARE_FLAGS) $(COMPARE_LIBS))' | cmp -s - $@ || \
	    echo '$(strip $(CC) $(COMPARE_FLAGS) $(COMPARE_LIBS))' > $@

$(B)/geglu-compare: bench/compare.c bench/bench_util.h $(HEADER) $(B)/compare.flags | $(B)
	$(CC) $(WARN) -O2 -march=native $(COMPARE_FLAGS) -o $@ $< $(COMPARE_LIBS)

# OpenBLAS chooses its kernels and threads when it is loaded, oneDNN's OpenMP its threads: hence
# the environment. The program also asks both for one thread and prints what they report.
bench-compare: $(B)/geglu-compare
	OPENBLAS_CORETYPE=$(BLAS_CORE) OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(B)/geglu-compare $(ARGS)

# PyTorch calls its GELU from Python: the shim lets the script call ours the same way (ctypes).
$(B)/libgeglu-torch-shim.so: bench/torch_shim.c $(HEADER) | $(B)
	$(CC) $(WARN) -O2 -march=native -shared -fPIC -o $@ $< -lm

bench-torch: $(B)/libgeglu-torch-shim.so
	$(PYTHON) bench/torch_gelu.py --shim $(B)/libgeglu-torch-shim.so $(TORCH_ARGS)

$(B)/minimal: examples/minimal.c $(HEADER) | $(B)
	$(CC) $(WARN) -O2 -march=native -o $@ $< -lm
$(B)/t5_block $(B)/geometry: $(B)/%: examples/%.c $(HEADER) | $(B)
	$(CC) $(WARN) -O2 -march=native -o $@ $< -lm

# Vendoring: the implementation compiled once (as C), linked into a C and a C++ program.
$(B)/vendored-impl.o: examples/vendored/geglu_impl.c $(HEADER) | $(B)
	$(CC) $(WARN) -O2 -march=native -I. -c -o $@ $<
$(B)/vendored: examples/vendored/main.c $(B)/vendored-impl.o $(HEADER)
	$(CC) $(WARN) -O2 -march=native -I. -o $@ $< $(B)/vendored-impl.o -lm
$(B)/vendored-cpp: examples/vendored/main.cpp $(B)/vendored-impl.o $(HEADER)
	$(CXX) -std=c++11 -pedantic -Wall -Wextra -Werror -O2 -march=native -I. -o $@ $< $(B)/vendored-impl.o -lm

examples: $(EXAMPLES)

# Tensor parallelism over d_ff with Open MPI (openmpi-bin, libopenmpi-dev): 2 ranks, then 3 with
# a d_ff they do not divide; each run checks the sum of the shards against one process.
MPIRUN := OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe
$(B)/mpi_ffn: examples/mpi_ffn.c $(HEADER) | $(B)
	mpicc $(WARN) -O2 -march=native -o $@ $< -lm
test-mpi: $(B)/mpi_ffn
	$(MPIRUN) -np 2 $(B)/mpi_ffn 48 101 7
	$(MPIRUN) -np 3 $(B)/mpi_ffn 33 100 5
	$(MPIRUN) -np 3 $(B)/mpi_ffn 70 2 300

# ---- maintenance -----------------------------------------------------------------------------
# Needs python3 with numpy and mpmath (Debian: python3-numpy python3-mpmath).
PYTHON ?= python3
# The fits' last digits depend on the BLAS that numpy calls: with OpenBLAS installed (bench-compare
# installs it) Debian's alternatives switch numpy to it, so the check pins the reference BLAS.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
REFERENCE_BLAS := $(foreach d,blas lapack,$(wildcard /usr/lib/$(MULTIARCH)/$(d)))
check-constants: | $(B)
	@$(if $(REFERENCE_BLAS),LD_LIBRARY_PATH=$(subst $(eval) ,:,$(strip $(REFERENCE_BLAS)))) \
	    $(PYTHON) tools/fit_gelu.py > $(B)/constants.txt
	@sed -n '/GEGLU__CONSTANTS begin/,/GEGLU__CONSTANTS end/p' $(HEADER) | diff -u - $(B)/constants.txt \
	    && echo "geglu.h constants match tools/fit_gelu.py"

install:
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/pkgconfig
	install -m 644 $(HEADER) $(DESTDIR)$(PREFIX)/include/geglu.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(shell sed -n 's/^#define GEGLU_VERSION_STRING "\(.*\)"/\1/p' $(HEADER))|' \
	    geglu.pc.in > $(DESTDIR)$(PREFIX)/share/pkgconfig/geglu.pc

clean:
	rm -rf $(B)
