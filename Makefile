# coursepack and wardplayer: one non-recursive make.
#   make            build the tools and package every module of courses/ into dist/
#                   (SCORM 1.2, SCORM 2004 and cmi5; the curriculum as one cmi5 course)
#   make test       build and run every test (tests/run prints "N passed, N failed,
#                   N skipped"); SUITES="unit scripts" or SUITES=test_cmi runs fewer
#   make check      the C tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make test-build the programs and the unit tests, nothing run (SANITIZE=1 too)
#   make install    PREFIX=/usr/local DESTDIR=
#   make windows    dist/windows/wardplayer.exe (+ DLLs, fonts) and its MSI
#   make deb        dist/wardplayer_VERSION_amd64.deb
#   make bench      benchmarks side by side with peer tools (never part of test)
#   make mutants    deliberate breakages, each must turn a suite red (never part of test)
#   make clean
# Sources are found by wildcard: a new src/x.c joins libcourse.a, a new
# player/x.c joins libplayer.a, a new tests/unit/test_x.c becomes a test.

SHELL := /bin/bash
CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
DESTDIR ?=
SHARED ?= $(abspath ../shared)
# The one place the version is written: wardplayer --version, the MSI, the .deb.
VERSION := 1.0.0

SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1
else
BUILD ?= build
SAN_FLAGS :=
OPT := -O2
endif

LIB_PKGS := libxml-2.0 libarchive md4c librsvg-2.0 zlib
PLAYER_PKGS := sdl2 SDL2_ttf SDL2_image sqlite3 libsodium fontconfig libcurl jansson
TEST_PKGS := cmocka

WARN := -Wall -Wextra -Werror -Wshadow -Wundef -Wwrite-strings -Wstrict-prototypes \
        -Wmissing-prototypes
CFLAGS ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) \
        -Isrc -I$(BUILD)/gen -MMD -MP
LIB_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS))
LIB_LIBS := $(shell $(PKG_CONFIG) --libs $(LIB_PKGS))
PLAYER_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PLAYER_PKGS) 2>/dev/null)
PLAYER_LIBS := $(shell $(PKG_CONFIG) --libs $(PLAYER_PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)
LDFLAGS ?=
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)

# ---- sources ------------------------------------------------------------------
LIB_SRC := $(filter-out src/coursepack.c src/os_win.c,$(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/assets_data.o
PLAYER_SRC := $(filter-out player/main.c,$(wildcard player/*.c))
PLAYER_OBJ := $(PLAYER_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
ASSET_FILES := $(sort $(wildcard assets/runtime/* assets/schema/*))

COURSEPACK := $(BUILD)/coursepack
WARDPLAYER := $(BUILD)/wardplayer
HAVE_PLAYER := $(wildcard player/main.c)

PROGRAMS := $(COURSEPACK) $(if $(HAVE_PLAYER),$(WARDPLAYER))

# ---- courses ------------------------------------------------------------------
MODULES := $(patsubst courses/%/module.xml,%,$(wildcard courses/*/module.xml))
MODULE_STAMPS := $(MODULES:%=dist/.%.stamp)

.PHONY: all tools test test-build check install clean bench fuzz courses mutants windows \
        windows-dist deb
.SECONDARY:
.DEFAULT_GOAL := all

all: tools courses
tools: $(PROGRAMS)
CURRICULUM_STAMP := $(if $(wildcard courses/curriculum.txt),dist/.curriculum.stamp dist/curriculum.txt)
courses: $(MODULE_STAMPS) $(CURRICULUM_STAMP)

# The library's order of the modules (docs/player.md, "Library").
dist/curriculum.txt: courses/curriculum.txt
	@mkdir -p dist
	cp $< $@

# A module is rebuilt only when one of its own files (or the tool) changed.
.SECONDEXPANSION:
dist/.%.stamp: $$(shell find courses/$$* -type f 2>/dev/null) $(COURSEPACK)
	@mkdir -p dist
	$(COURSEPACK) build courses/$* -o dist --format all
	@touch $@

# The curriculum: the modules courses/curriculum.txt lists, as the AUs of one
# cmi5 course per language (dist/curriculum.<lang>.cmi5.zip).
dist/.curriculum.stamp: courses/curriculum.txt $(shell find courses -type f -not -name curriculum.txt 2>/dev/null) $(COURSEPACK)
	@mkdir -p dist
	$(COURSEPACK) build --curriculum courses/curriculum.txt -o dist
	@touch $@

# ---- compiling ----------------------------------------------------------------
$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/player/main.o: ALL_CFLAGS += -DWARDPLAYER_VERSION='"$(VERSION)"'
# Only player/ and the tests see player/'s headers: src/ cannot include them,
# so the library never depends on the player (the build enforces the layering).
$(BUILD)/player/%.o: player/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iplayer $(LIB_CFLAGS) $(PLAYER_CFLAGS) -c $< -o $@

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iplayer $(LIB_CFLAGS) $(PLAYER_CFLAGS) $(TEST_CFLAGS) \
	    -DTEST_SRCDIR='"$(CURDIR)"' -DTEST_SHARED='"$(SHARED)"' -c $< -o $@

# The runtime (JS, CSS) and the course-source schema are compiled into the
# library, so coursepack needs no data directory at run time.
$(BUILD)/gen/assets_data.c: $(ASSET_FILES) tools/embed-assets
	@mkdir -p $(@D)
	tools/embed-assets $(ASSET_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/assets_data.o: $(BUILD)/gen/assets_data.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c $< -o $@

# The interface words: one gettext catalogue per language (src/msg.LL.po),
# compiled into the ids header every user of msg.h needs and the tables
# src/msg.c includes. Objects wait for them (order-only: -MMD then tracks who
# really includes them).
MSG_PO := $(sort $(wildcard src/msg.*.po))
MSG_GEN := $(BUILD)/gen/msg_ids.h $(BUILD)/gen/msg_table.inc

$(BUILD)/gen/msg_ids.h: $(MSG_PO) tools/po2c
	@mkdir -p $(@D)
	tools/po2c --ids $(MSG_PO) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/msg_table.inc: $(MSG_PO) tools/po2c
	@mkdir -p $(@D)
	tools/po2c --table $(MSG_PO) > $@.tmp && mv $@.tmp $@

$(LIB_OBJ) $(PLAYER_OBJ) $(BUILD)/src/coursepack.o $(BUILD)/player/main.o \
    $(TEST_SRC:%.c=$(BUILD)/%.o) $(TEST_SUPPORT_OBJ): | $(MSG_GEN)

$(BUILD)/libcourse.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libplayer.a: $(PLAYER_OBJ)
	@rm -f $@
	ar rcs $@ $^ $(if $(PLAYER_OBJ),,)

# --as-needed: librsvg and cairo are dlopen()ed when an SVG is rendered (src/image.c)
$(COURSEPACK): $(BUILD)/src/coursepack.o $(BUILD)/libcourse.a
	$(CC) $(ALL_LDFLAGS) -Wl,--as-needed $^ $(LIB_LIBS) -o $@

$(WARDPLAYER): $(BUILD)/player/main.o $(BUILD)/libplayer.a $(BUILD)/libcourse.a
	$(CC) $(ALL_LDFLAGS) $^ $(PLAYER_LIBS) $(LIB_LIBS) -lm -o $@

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libplayer.a $(BUILD)/libcourse.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ $(TEST_LIBS) $(PLAYER_LIBS) $(LIB_LIBS) -lm -o $@

# Programs the test suites run (tests/tools/x.c -> $(BUILD)/tests/tools/x), e.g.
# the C scorer that tests/runtime/parity.test.mjs compares with the browser's.
TEST_TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(wildcard tests/tools/*.c))

$(BUILD)/tests/tools/%.o: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(BUILD)/libcourse.a
	$(CC) $(ALL_LDFLAGS) $^ $(LIB_LIBS) -lm -o $@

# ---- tests --------------------------------------------------------------------
test-build: $(PROGRAMS) $(TEST_BIN) $(TEST_TOOLS)

test: test-build
	BUILD=$(BUILD) SHARED=$(SHARED) SANITIZE=$(SANITIZE) tests/run $(SUITES)

check:
	$(MAKE) SANITIZE=1 test

bench: $(PROGRAMS)
	BUILD=$(BUILD) SHARED=$(SHARED) tools/bench

fuzz:
	tools/fuzz

mutants:
	SHARED=$(SHARED) tools/mutants/run

# ---- install ------------------------------------------------------------------
# The programs, a man page each, the desktop entry, the guides, and the LRS
# file's template in $(SYSCONFDIR)/wardplayer at mode 600 (copied with cp -p,
# lrs.conf keeps that mode: it holds a password).
SYSCONFDIR ?= /etc
DOCS := README.md docs/player.md docs/lrs.md docs/authoring.md docs/admin.md \
        docs/admin-export.md docs/package-format.md
install: $(PROGRAMS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/applications $(DESTDIR)$(PREFIX)/share/doc/wardplayer \
	    $(DESTDIR)$(SYSCONFDIR)/wardplayer
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/man/coursepack.1 docs/man/wardplayer.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 player/wardplayer.desktop $(DESTDIR)$(PREFIX)/share/applications/
	install -m 644 $(DOCS) $(DESTDIR)$(PREFIX)/share/doc/wardplayer/
	install -m 600 docs/lrs.conf.example $(DESTDIR)$(SYSCONFDIR)/wardplayer/lrs.conf.example

# A Debian package of the programs, built with dpkg-deb from a staged install.
DEB := dist/wardplayer_$(VERSION)_amd64.deb
deb: $(DEB)
$(DEB): $(PROGRAMS) tools/make-deb docs/man/coursepack.1 docs/man/wardplayer.1 \
        player/wardplayer.desktop docs/lrs.conf.example $(DOCS)
	rm -rf $(BUILD)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(BUILD)/deb PREFIX=/usr
	tools/make-deb $(BUILD)/deb $(VERSION) $@

clean:
	rm -rf build dist

# ---- Windows -------------------------------------------------------------------
# wardplayer.exe for Windows x86-64, cross-built with Debian's MinGW-w64
# against the libraries tools/cross-deps builds from Debian's source packages
# (cached outside the clone), laid out with its DLLs and fonts by
# tools/windows-bundle, and packaged as an MSI by tools/windows-msi (wixl).
WIN_HOST := x86_64-w64-mingw32
WIN_BUILD := build/windows
WIN_DIST := dist/windows
WIN_MSI := $(WIN_DIST)/wardplayer-$(VERSION).msi
# coursepack stays a Linux tool: what only it uses is not built for Windows
WIN_SKIP := src/coursepack.c src/os_posix.c src/os_posix_font.c src/assets.c src/build.c \
        src/cmi_limits.c src/font_state.c src/html_write.c src/image.c src/manifest_write.c \
        src/source.c src/source_md.c src/source_util.c src/source_xml.c
WIN_LIB_OBJ := $(patsubst %.c,$(WIN_BUILD)/%.o,$(filter-out $(WIN_SKIP),$(wildcard src/*.c)))
WIN_PLAYER_OBJ := $(patsubst %.c,$(WIN_BUILD)/%.o,$(PLAYER_SRC))
WIN_PKGS := sdl2 SDL2_ttf SDL2_image sqlite3 libsodium libcurl jansson libxml-2.0 libarchive zlib
comma := ,
WIN_VERSION_COMMAS := $(subst .,$(comma),$(VERSION)),0

windows:
	@mkdir -p $(WIN_BUILD)
	tools/cross-deps > $(WIN_BUILD)/deps.out
	$(MAKE) --no-print-directory WIN_PREFIX="$$(tail -n 1 $(WIN_BUILD)/deps.out)" windows-dist

ifneq ($(WIN_PREFIX),)
WIN_PC := PKG_CONFIG_LIBDIR=$(WIN_PREFIX)/lib/pkgconfig $(PKG_CONFIG)
ifneq ($(shell $(WIN_PC) --exists $(WIN_PKGS) && echo yes),yes)
$(error $(WIN_PREFIX) lacks some of $(WIN_PKGS): run tools/cross-deps)
endif
# our own main(), which takes its UTF-8 arguments from os_init(): no SDL_main
WIN_CFLAGS := $(filter-out -Dmain=SDL_main,$(shell $(WIN_PC) --cflags $(WIN_PKGS)))
WIN_LIBS := $(filter-out -lmingw32 -lSDL2main -mwindows,$(shell $(WIN_PC) --libs $(WIN_PKGS))) \
        -lole32 -luuid -ladvapi32 -lshell32
endif
WIN_ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_WIN32_WINNT=0x0A00 \
        -D__USE_MINGW_ANSI_STDIO=1 $(WARN) -O2 -Isrc -Iplayer -I$(BUILD)/gen -MMD -MP
$(WIN_LIB_OBJ) $(WIN_PLAYER_OBJ) $(WIN_BUILD)/player/main.o: | $(MSG_GEN)

$(WIN_BUILD)/player/main.o: WIN_ALL_CFLAGS += -DWARDPLAYER_VERSION='"$(VERSION)"'
$(WIN_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(WIN_HOST)-gcc $(WIN_ALL_CFLAGS) $(WIN_CFLAGS) -c $< -o $@

$(WIN_BUILD)/libcourse.a: $(WIN_LIB_OBJ)
	@rm -f $@
	$(WIN_HOST)-ar rcs $@ $^

$(WIN_BUILD)/libplayer.a: $(WIN_PLAYER_OBJ)
	@rm -f $@
	$(WIN_HOST)-ar rcs $@ $^

$(WIN_BUILD)/wardplayer.res.o: player/wardplayer.rc player/wardplayer.exe.manifest Makefile
	@mkdir -p $(@D)
	$(WIN_HOST)-windres -I player -DWP_VERSION='\"$(VERSION)\"' \
	    -DWP_VERSION_COMMAS=$(WIN_VERSION_COMMAS) $< -o $@

# A GUI program (no console window behind the player); os_init() attaches to
# the console of a command prompt for --check, --export and --sync.
$(WIN_BUILD)/wardplayer.exe: $(WIN_BUILD)/player/main.o $(WIN_BUILD)/wardplayer.res.o \
        $(WIN_BUILD)/libplayer.a $(WIN_BUILD)/libcourse.a
	$(WIN_HOST)-gcc -mwindows -static-libgcc $^ $(WIN_LIBS) -o $@

windows-dist: $(WIN_BUILD)/wardplayer.exe tools/windows-bundle tools/windows-msi
	rm -rf $(WIN_DIST)
	tools/windows-bundle $< "$(WIN_PREFIX)" $(WIN_DIST)
	tools/windows-msi $(WIN_DIST) $(VERSION) $(WIN_BUILD)/msi $(WIN_MSI)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
