# fanout: `make` builds, `make check` runs every test, `make demo` runs the demo.
# A fresh Debian machine needs nothing else: missing packages are installed by
# `make deps` (apt-get) and the grammar is fetched from npm and verified.

BUILD    ?= build
CC       ?= cc
WERROR   ?= 0
PREFIX   ?= /usr/local
SANITIZE ?=

WARN := -Wall -Wextra -Wshadow -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
        -Wundef -Wwrite-strings -Wformat=2 -Wconversion
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT ?= -O2
# Recursive on purpose: evaluated when a recipe runs, after `deps` has
# installed pkg-config and the libraries on a fresh machine.
PC_CFLAGS = $(shell pkg-config --cflags libpcre2-8 jansson libxxhash) -I$(TSRT_DIR)/lib/include
PC_LIBS   = $(shell pkg-config --libs libpcre2-8 jansson libxxhash)
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

CFLAGS_ALL = -std=c11 $(OPT) -g $(WARN) $(SANITIZE) -Isrc -I$(BUILD) $(PC_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(SANITIZE) $(PC_LIBS) -lpthread $(LDFLAGS)

GRAMMAR_PIN := grammars/tree-sitter-python.pin
GRAMMAR_DIR := $(BUILD)/grammar
TOML_PIN    := grammars/tree-sitter-toml.pin
TOML_DIR    := $(BUILD)/grammar-toml
TSRT_PIN    := grammars/tree-sitter.pin
TSRT_DIR    := $(BUILD)/tree-sitter
GRAMMAR_OBJ := $(TSRT_DIR)/lib.o $(GRAMMAR_DIR)/parser.o $(GRAMMAR_DIR)/scanner.o \
               $(TOML_DIR)/parser.o $(TOML_DIR)/scanner.o

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/rules_embed.o
RULE_FILES := $(sort $(wildcard rules/*.scm rules/*.txt rules/*.spec rules/docs/*.md))
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.o)
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all deps grammar bench fuzz fuzz-run check real-code unit cli badinput precommit sarif lsp html policy security layers demo asan tsan valgrind format tidy golden install uninstall clean readme-rules
all: $(BUILD)/fanout

# ---- dependencies -------------------------------------------------------
# Debian's async packages: real code none of us wrote, checked by `make real-code`
REAL_PACKAGES = python3-aiohttp python3-httpx python3-anyio python3-tenacity python3-asyncssh \
                python3-discord python3-aioxmpp python3-aio-pika python3-asyncpg
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
deps: $(DEPS_OK)
$(DEPS_OK):
	@missing=""; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	pkg-config --exists libpcre2-8 2>/dev/null || missing="$$missing libpcre2-dev"; \
	pkg-config --exists check 2>/dev/null || missing="$$missing check"; \
	pkg-config --exists jansson 2>/dev/null || missing="$$missing libjansson-dev"; \
	pkg-config --exists libxxhash 2>/dev/null || missing="$$missing libxxhash-dev"; \
	command -v nvim >/dev/null || missing="$$missing neovim"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v pre-commit >/dev/null || missing="$$missing pre-commit"; \
	command -v git >/dev/null || missing="$$missing git"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v clang >/dev/null || missing="$$missing clang"; \
	command -v valgrind >/dev/null || missing="$$missing valgrind"; \
	for pkg in $(REAL_PACKAGES); do \
	  [ -d /usr/lib/python3/dist-packages/$$(echo $$pkg | sed 's/^python3-//; s/-/_/g') ] || \
	    missing="$$missing $$pkg"; \
	done; \
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || \
	  missing="$$missing libclang-rt-14-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing with apt-get:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || \
	    { echo "deps: apt-get install$$missing failed"; exit 1; }; \
	fi
	@mkdir -p $(BUILD) && touch $@

# ---- grammar (fetched, verified, never committed) -----------------------
grammar: $(TSRT_DIR)/VERIFIED $(GRAMMAR_DIR)/VERIFIED $(TOML_DIR)/VERIFIED
$(TSRT_DIR)/VERIFIED: $(TSRT_PIN) grammars/fetch.sh | $(DEPS_OK)
	@sh grammars/fetch.sh $(TSRT_PIN) $(TSRT_DIR)
# The runtime as one translation unit, optimized harder than the rest: it is
# most of a cold check's time. Under the sanitizers, ASan and TSan watch it
# too; UBSan does not (its query analysis takes &stack[-1] of an empty stack).
$(TSRT_DIR)/lib.o: $(TSRT_DIR)/VERIFIED
	$(CC) -std=gnu99 -O3 -g $(SANITIZE) $(if $(findstring undefined,$(SANITIZE)),-fno-sanitize=undefined) \
	  -w -I$(TSRT_DIR)/lib/include -I$(TSRT_DIR)/lib/src \
	  -c $(TSRT_DIR)/lib/src/lib.c -o $@
$(GRAMMAR_DIR)/VERIFIED: $(GRAMMAR_PIN) grammars/fetch.sh | $(DEPS_OK)
	@sh grammars/fetch.sh $(GRAMMAR_PIN) $(GRAMMAR_DIR)
$(TOML_DIR)/VERIFIED: $(TOML_PIN) grammars/fetch.sh | $(DEPS_OK)
	@sh grammars/fetch.sh $(TOML_PIN) $(TOML_DIR)
$(GRAMMAR_DIR)/%.o: $(GRAMMAR_DIR)/VERIFIED
	$(CC) -std=c11 $(OPT) -g $(SANITIZE) -w -I$(GRAMMAR_DIR)/src -c $(GRAMMAR_DIR)/src/$*.c -o $@
$(TOML_DIR)/%.o: $(TOML_DIR)/VERIFIED
	$(CC) -std=c11 $(OPT) -g $(SANITIZE) -w -I$(TOML_DIR)/src -c $(TOML_DIR)/src/$*.c -o $@

# ---- fanout -------------------------------------------------------------
$(BUILD)/embed: tools/embed.c | $(DEPS_OK)
	$(CC) -std=c11 -O1 -o $@ $<
$(BUILD)/rules_embed.c: $(BUILD)/embed $(RULE_FILES)
	$(BUILD)/embed $@ $(RULE_FILES)
$(BUILD)/obj/rules_embed.o: $(BUILD)/rules_embed.c src/embed.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-overlength-strings -c $< -o $@
# The cache is keyed by this build: its code, rule data and grammar pins.
$(BUILD)/build_id.h: $(LIB_SRC) $(wildcard src/*.h) $(RULE_FILES) $(GRAMMAR_PIN) $(TSRT_PIN) | $(DEPS_OK)
	@id=$$(cat $^ | sha256sum | cut -c1-32) && \
	  printf '#define FANOUT_BUILD_ID "%s"\n' "$$id" > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/cache.o: $(BUILD)/build_id.h
# The rule table, from the rule docs' front matter (rule.h includes it).
$(BUILD)/rule_table.h: tools/rule_table.awk $(sort $(wildcard rules/docs/*.md))
	@mkdir -p $(dir $@)
	awk -f tools/rule_table.awk $(sort $(wildcard rules/docs/*.md)) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) $(BUILD)/rule_table.h | $(DEPS_OK) $(TSRT_DIR)/VERIFIED
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@
$(BUILD)/libfanout.a: $(LIB_OBJ) $(GRAMMAR_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/fanout: $(BUILD)/obj/main.o $(BUILD)/libfanout.a
	$(CC) $(SANITIZE) -o $@ $^ $(LDLIBS_ALL)

# ---- tests --------------------------------------------------------------
$(BUILD)/tests/%.o: tests/%.c $(wildcard src/*.h tests/*.h) $(BUILD)/rule_table.h | $(DEPS_OK) $(TSRT_DIR)/VERIFIED
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -Itests -c $< -o $@
$(BUILD)/test_fanout: $(TEST_OBJ) $(BUILD)/libfanout.a
	$(CC) $(SANITIZE) -o $@ $^ $(CHECK_LIBS) $(LDLIBS_ALL)

unit: $(BUILD)/test_fanout
	cd tests && ../$(BUILD)/test_fanout
cli: $(BUILD)/fanout
	sh tests/cli.sh $(BUILD)/fanout
precommit: $(BUILD)/fanout
	sh tests/precommit.sh $(BUILD)/fanout
sarif: $(BUILD)/fanout
	BUILD=$(BUILD) sh tests/sarif.sh $(BUILD)/fanout
lsp: $(BUILD)/fanout
	sh tests/lsp.sh $(BUILD)/fanout
html: $(BUILD)/fanout
	sh tests/html.sh $(BUILD)/fanout
policy: $(BUILD)/fanout
	sh tests/policy.sh $(BUILD)/fanout
security: $(BUILD)/fanout
	sh tests/security.sh $(BUILD)/fanout
layers:
	sh tests/layers.sh
badinput: $(BUILD)/fanout
	sh tests/badinput.sh $(BUILD)/fanout
check: unit cli badinput precommit sarif lsp html policy security layers

golden: $(BUILD)/fanout
	UPDATE=1 sh tests/cli.sh $(BUILD)/fanout

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" check real-code
# the parallel load (one queue, files imported while others are read) under
# ThreadSanitizer: lazy checks of the real code on 4 threads, cold and with a
# cache; then the unit suites whose checks run on two threads (an editor's)
# and whose big file resolves in pieces; any report of a race fails
tsan:
	$(MAKE) BUILD=build-tsan OPT=-O1 SANITIZE="-fsanitize=thread" build-tsan/fanout
	@rm -rf build-tsan/cache; for args in "--no-cache" "--cache-dir build-tsan/cache" "--cache-dir build-tsan/cache"; do \
	  build-tsan/fanout check -j 4 $$args $(REAL_CODE) corpus > /dev/null 2> build-tsan/tsan.err; \
	  if grep -q "ThreadSanitizer" build-tsan/tsan.err; then \
	    echo "tsan: fanout check $$args"; grep -A20 ThreadSanitizer build-tsan/tsan.err | head -40; exit 1; fi; \
	done; rm -rf build-tsan/cache; echo "tsan: lazy parallel loads of $(words $(REAL_CODE)) trees and corpus/: no race"
	$(MAKE) BUILD=build-tsan OPT=-O1 SANITIZE="-fsanitize=thread" build-tsan/test_fanout
	@for suite in checks index; do \
	  (cd tests && CK_RUN_SUITE=$$suite CK_FORK=no ../build-tsan/test_fanout) > build-tsan/tsan.err 2>&1; \
	  if grep -q "ThreadSanitizer" build-tsan/tsan.err || ! grep -q "100%" build-tsan/tsan.err; then \
	    echo "tsan: unit suite $$suite"; grep -A20 ThreadSanitizer build-tsan/tsan.err | head -40; exit 1; fi; \
	done; echo "tsan: the checks on two threads and a big file resolved in pieces: no race"
# check, map and report over the standard library and Debian's async packages:
# a crash (exit over 2) or a sanitizer's report is a failure; 2 (a file that
# cannot be analyzed, named on stderr) is not
REAL_CODE = $(firstword $(wildcard /usr/lib/python3.11) \
              $(shell python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])' 2>/dev/null)) \
            $(wildcard $(addprefix /usr/lib/python3/dist-packages/,$(subst -,_,$(REAL_PACKAGES:python3-%=%))))
real-code: $(BUILD)/fanout
	@for cmd in "check --all-files --no-cache" "map --no-cache"; do \
	  $(BUILD)/fanout $$cmd $(REAL_CODE) > /dev/null 2> $(BUILD)/real-code.err; rc=$$?; \
	  if [ $$rc -gt 2 ] || grep -q "Sanitizer\|runtime error" $(BUILD)/real-code.err; then \
	    echo "real-code: fanout $$cmd exited $$rc"; tail -20 $(BUILD)/real-code.err; exit 1; fi; \
	done; \
	awk -v bytes=20000000 -f tools/genlog.awk corpus/demo/run/run.log > $(BUILD)/real-code.log; \
	$(BUILD)/fanout report --no-cache --log $(BUILD)/real-code.log corpus/demo > /dev/null 2> $(BUILD)/real-code.err && \
	  ! grep -q "Sanitizer\|runtime error" $(BUILD)/real-code.err || \
	  { echo "real-code: fanout report failed"; tail -20 $(BUILD)/real-code.err; exit 1; }; \
	echo "real-code: check, map and report over $(words $(REAL_CODE)) trees: no sanitizer error"
valgrind: $(BUILD)/test_fanout
	cd tests && CK_FORK=no valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect -q ../$(BUILD)/test_fanout

# ---- fuzzing (libFuzzer with clang; ASan + UBSan) ------------------------
FUZZ_TARGETS := facts pack template logline config lsp
FUZZ_SECONDS ?= 15
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT=-O1 \
	  SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" fuzz-run
fuzz-run: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%) $(BUILD)/fanout
	sh tools/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
$(BUILD)/fuzz_%: tools/fuzz/fuzz_%.c tools/fuzz/roundtrip.h $(BUILD)/libfanout.a
	$(CC) -std=c11 $(OPT) -g -fsanitize=fuzzer $(SANITIZE) -Isrc -I$(BUILD) $(PC_CFLAGS) $< \
	  $(BUILD)/libfanout.a $(PC_LIBS) -lpthread -o $@

# ---- benchmark (reports ratios; asserts nothing about time) -------------
$(BUILD)/bench_parse: tools/bench_parse.c $(GRAMMAR_OBJ) | $(DEPS_OK)
	$(CC) -std=c11 -O2 $(PC_CFLAGS) -o $@ $< $(GRAMMAR_OBJ) $(PC_LIBS)
bench: $(BUILD)/fanout $(BUILD)/bench_parse
	BUILD=$(BUILD) sh tools/bench.sh $(BUILD)/fanout

# ---- demo ---------------------------------------------------------------
demo: $(BUILD)/fanout
	@echo "== fanout check corpus/demo"
	@$(BUILD)/fanout check corpus/demo || [ $$? -eq 1 ]
	@echo
	@echo "== fanout run -q -- python3 run_demo.py --quick   (in corpus/demo)"
	@cd corpus/demo && ../../$(BUILD)/fanout run -q --out ../../$(BUILD)/demo-run -- python3 run_demo.py --quick
	@echo
	@echo "== fanout report on a recorded run of corpus/demos/embed (httpx, a client with timeout=None, one request held 8 s)"
	@$(BUILD)/fanout report --log corpus/demos/embed/run/app.log --rss corpus/demos/embed/run/rss.log corpus/demos/embed | sed -n '1,/^### 2\./p' | sed '$$d'

# ---- housekeeping -------------------------------------------------------
format:
	clang-format -i src/*.c src/*.h tests/*.c tests/*.h tools/*.c
tidy: $(BUILD)/rules_embed.c $(BUILD)/rule_table.h $(TSRT_DIR)/VERIFIED
	clang-tidy src/*.c -- -std=c11 -Isrc -I$(BUILD) $(PC_CFLAGS)
install: $(BUILD)/fanout
	install -D -m 755 $(BUILD)/fanout $(DESTDIR)$(PREFIX)/bin/fanout
	install -D -m 644 fanout.1 $(DESTDIR)$(PREFIX)/share/man/man1/fanout.1
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/fanout $(DESTDIR)$(PREFIX)/share/man/man1/fanout.1
clean:
	rm -rf $(BUILD) build-asan build-tsan

# ---- README rule table, generated from rules/docs -----------------------
readme-rules: $(BUILD)/fanout
	@$(BUILD)/fanout rules --format markdown > $(BUILD)/rules-table.md
	@awk -v table=$(BUILD)/rules-table.md '/<!-- rules:begin -->/ {print; while ((getline l < table) > 0) print l; skip=1; next} /<!-- rules:end -->/ {skip=0} !skip' README.md > README.md.new && mv README.md.new README.md
	@echo "README rule table updated"
