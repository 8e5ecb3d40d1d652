# cscdw — build, test, demo, bench. See README.md.
#
#   make                 build build/cscdw
#   make check           every test; ends with one summary line
#   make SANITIZE=address,undefined check   the same under ASan/UBSan
#   make demo            set up and run the demo job on samples/
#   make deps            install the Debian packages the project needs
#   make bench           performance figures
#   make fuzz-smoke      run each libFuzzer target briefly (clang)
#   make install PREFIX=/usr/local DESTDIR=

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
SANITIZE ?=
VERSION  := 0.1.0

ifeq ($(SANITIZE),)
BUILD    ?= build
OPT      ?= -O2
else
BUILD    ?= build-san
OPT      ?= -O1 -fno-omit-frame-pointer
SANFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

PKGS     := libxml-2.0 libpq zlib yaml-0.1 xlsxwriter libcrypto minizip
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wvla \
            -Wno-missing-field-initializers -Isrc $(PKG_CFLAGS) $(SANFLAGS) \
            -DCS_VERSION='"$(VERSION)"' -MMD -MP
# snprintf truncation is deliberate and safe where used (bounded messages and
# paths); gcc's heuristic warning about it is noise, so it is off where known.
ifeq ($(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo y),y)
CFLAGS   += -Wno-format-truncation
endif
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lm

LIB_SRC  := $(shell find src -name '*.c' ! -path 'src/cli/main.c' | sort)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/cli/main.o
LIB      := $(BUILD)/libcscdw.a
BIN      := $(BUILD)/cscdw

TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)

.PHONY: all check unit-tests demo deps bench fuzz fuzz-smoke install clean samples

all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

# The rules tests again with the VM's switch dispatch (-DCS_VM_SWITCH, what
# a compiler without computed goto gets), so that variant is built and run.
VM_SWITCH_TESTS := $(patsubst %,$(BUILD)/tests/%_vm_switch,test_rules_903 test_rules_cin test_rules_group)

$(BUILD)/obj-vm-switch/vm.o: src/rules/vm.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DCS_VM_SWITCH -c $< -o $@

$(BUILD)/tests/%_vm_switch: tests/unit/%.c $(BUILD)/obj-vm-switch/vm.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(BUILD)/obj-vm-switch/vm.o $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka

unit-tests: $(TEST_BIN) $(VM_SWITCH_TESTS) $(BIN)

# Every test: unit (cmocka), CLI/golden, bad-input corpus, database tests.
check: unit-tests
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run.sh

deps:
	@scripts/deps.sh

demo: deps all
	@scripts/demo.sh $(BIN)

bench: all $(BENCH_BIN)
	@BUILD=$(BUILD) bench/run.sh

FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -g -O1 -Isrc $(PKG_CFLAGS) \
               -fsanitize=fuzzer-no-link,address,undefined -DCS_VERSION='"$(VERSION)"' -MMD -MP
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o)

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c $< -o $@

build-fuzz/libcscdw.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build-fuzz/%: tests/fuzz/%.c build-fuzz/libcscdw.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libcscdw.a $(PKG_LIBS) -lm

fuzz: $(FUZZ_BIN)

fuzz-smoke: $(FUZZ_BIN)
	@tests/fuzz/smoke.sh $(FUZZ_BIN)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/cscdw
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cscdw
	install -m 644 docs/cscdw.1 $(DESTDIR)$(PREFIX)/share/man/man1/cscdw.1
	cp -r etl rules schema $(DESTDIR)$(PREFIX)/share/cscdw/

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)
