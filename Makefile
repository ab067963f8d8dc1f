# Thin wrapper over CMake for the common verbs. See README.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
BENCH_BUILD ?= build-bench
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build test demo asan fuzz bench clean format

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	@command -v cmake >/dev/null 2>&1 && pkg-config --exists sqlite3 libxml-2.0 libzstd zlib libmicrohttpd 2>/dev/null && command -v sqlite3 >/dev/null && command -v curl >/dev/null || ./scripts/install-deps.sh
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@./scripts/demo.sh $(BUILD)/khabar

asan:
	@command -v clang >/dev/null 2>&1 || ./scripts/install-deps.sh
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKB_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

fuzz:
	@command -v clang >/dev/null 2>&1 || ./scripts/install-deps.sh
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKB_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@echo "fuzzers built in $(FUZZ_BUILD)/; run e.g. $(FUZZ_BUILD)/fuzz_normalize fuzz/corpus/fuzz_normalize -max_total_time=60"

bench:
	@pkg-config --exists libzstd && test -e /usr/include/libstemmer.h || ./scripts/install-deps.sh
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DKB_BENCH=ON
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	./bench/run.sh $(BENCH_BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD)

format:
	clang-format -i include/*.h src/*/*.c src/*/*.h cli/*.c tests/unit/*.c bench/*.c fuzz/*.c
