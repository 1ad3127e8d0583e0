# saledesk: one non-recursive GNU Makefile for the program, its tests and
# its simulators.  `make V=1` shows full command lines.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/saledesk
LOCALEDIR  ?= $(PREFIX)/share/locale
SYSCONFDIR ?= /etc
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config

# Debian packages for building, testing and the demo.  `make deps` installs
# the missing ones (as root) or prints the command to do it.
DEB_BUILD  := build-essential pkg-config libsqlite3-dev libssl-dev \
              libinih-dev libncurses-dev libmodbus-dev libpcsclite-dev \
              libxlsxwriter-dev gettext
DEB_TEST   := libcmocka-dev sqlite3 tmux pcscd vsmartcard-vpcd pcsc-tools \
              mbpoll iproute2 util-linux procps
DEB_PACKAGES := $(DEB_BUILD) $(DEB_TEST)

# Libraries of the program.  `=` keeps the pkg-config calls lazy, so they
# run after `make deps` has installed the -dev packages.
PKGS        := sqlite3 libcrypto inih libmodbus libpcsclite ncursesw xlsxwriter
PKG_CFLAGS   = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS     = $(shell $(PKG_CONFIG) --libs $(PKGS))
CMOCKA_FLAGS = $(shell $(PKG_CONFIG) --cflags --libs cmocka)

WARN      := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wvla \
             -Werror=implicit-function-declaration
CSTD      := -std=c11 -D_GNU_SOURCE
OPT       ?= -O2 -g
SANITIZE  := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
             -fno-omit-frame-pointer
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) -MMD -MP -Isrc -Idb -Icardio -Ireports -Iui \
             -DSALEDESK_VERSION='"$(VERSION)"' -DSALEDESK_LOCALEDIR='"$(LOCALEDIR)"' \
             $(PKG_CFLAGS) $(CFLAGS)

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
endif

# Everything but main.c goes into a static library that the unit tests
# link against.
LIB_SRC  := $(wildcard src/*.c db/*.c cardio/*.c reports/*.c ui/*.c)
LIB_SRC  := $(filter-out src/main.c,$(LIB_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
SIMS     := $(patsubst tests/sim/%/,%,$(dir $(wildcard tests/sim/*/*.c)))
SIMS     := $(sort $(SIMS))
SIM_LIBS_vcard    := libcrypto
SIM_LIBS_metersim := libcrypto
# A simulated meter reads user cards with the virtual card's own meter
# logic (docs/card-spec.md section 12), so the two simulators agree.
VCARD_LIB_SRC := $(filter-out %/vcard_main.c %/vcard_tool.c %/vcard_run.c \
                   %/vcard_vectors.c,$(wildcard tests/sim/vcard/*.c))
SIM_EXTRA_metersim := $(VCARD_LIB_SRC) tests/sim/vcard/vcard.h \
                      tests/sim/vcard/vcard_desk.h cardio/rkey.c cardio/rkey.h
# A simulated meter derives its recharge key with the desk's own code.
SIM_CFLAGS_metersim := -Icardio

# Two flavours share the rules: build/rel for ./saledesk, build/san with
# AddressSanitizer and UndefinedBehaviorSanitizer for `make check`.
define flavour
$(1)_OBJ  := $$(LIB_SRC:%.c=build/$(1)/%.o)
$(1)_MAIN := build/$(1)/src/main.o
$(1)_LIB  := build/$(1)/libsaledesk.a

build/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$<)$$(CC) $$(ALL_CFLAGS) $(2) -c -o $$@ $$<

$$($(1)_LIB): $$($(1)_OBJ)
	$$(call say,AR,$$@)rm -f $$@ && ar rcs $$@ $$^

build/$(1)/saledesk: $$($(1)_MAIN) $$($(1)_LIB)
	$$(call say,LINK,$$@)$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)

build/$(1)/tests/bench/%: tests/bench/%.c $$($(1)_LIB)
	@mkdir -p $$(@D)
	$$(call say,CC,$$<)$$(CC) $$(ALL_CFLAGS) $(2) -o $$@ $$< $$($(1)_LIB) $$(PKG_LIBS)

build/$(1)/tests/unit/%: tests/unit/%.c $$($(1)_LIB)
	@mkdir -p $$(@D)
	$$(call say,CC,$$<)$$(CC) $$(ALL_CFLAGS) $(2) -o $$@ $$< $$($(1)_LIB) \
		$$(PKG_LIBS) $$(CMOCKA_FLAGS)

-include $$($(1)_OBJ:.o=.d) $$($(1)_MAIN:.o=.d)
endef

$(eval $(call flavour,rel,))
$(eval $(call flavour,san,$(SANITIZE) -O1 -g))

# The simulators: every .c in tests/sim/NAME/ makes tests/sim/NAME/NAME.
define sim
tests/sim/$(1)/$(1): $$(wildcard tests/sim/$(1)/*.c tests/sim/$(1)/*.h) $$(SIM_EXTRA_$(1))
	$$(call say,LINK,$$@)$$(CC) $$(CSTD) $$(WARN) $$(OPT) -Itests/sim/vcard $$(SIM_CFLAGS_$(1)) -o $$@ \
		$$(filter %.c,$$^) $$(shell $$(PKG_CONFIG) --cflags --libs \
		$$(SIM_LIBS_$(1))) -lpthread -lm

build/san/tests/sim/$(1)/$(1): $$(wildcard tests/sim/$(1)/*.c tests/sim/$(1)/*.h) $$(SIM_EXTRA_$(1))
	@mkdir -p $$(@D)
	$$(call say,LINK,$$@)$$(CC) $$(CSTD) $$(WARN) $$(SANITIZE) -O1 -g -Itests/sim/vcard $$(SIM_CFLAGS_$(1)) \
		-o $$@ $$(filter %.c,$$^) $$(shell $$(PKG_CONFIG) --cflags --libs \
		$$(SIM_LIBS_$(1))) -lpthread -lm
endef
$(foreach s,$(SIMS),$(eval $(call sim,$(s))))

# The UI's translations: ui/po/LANG.po -> build/locale/LANG/LC_MESSAGES/saledesk.mo,
# found there by a binary run from the source tree; `make pot` refreshes
# the template from the _() and N_() strings of ui/.
PO_SRC   := $(wildcard ui/po/*.po)
MO_FILES := $(PO_SRC:ui/po/%.po=build/locale/%/LC_MESSAGES/saledesk.mo)

build/locale/%/LC_MESSAGES/saledesk.mo: ui/po/%.po
	@mkdir -p $(@D)
	$(call say,MSGFMT,$@)msgfmt --check -o $@ $<

pot:
	$(Q)xgettext --from-code=UTF-8 -k_ -kN_ -kP_:1c,2 -kngettext:1,2 -o ui/po/saledesk.pot \
		--package-name=saledesk $(sort $(wildcard ui/*.c))

UNIT_REL := $(UNIT_SRC:%.c=build/rel/%)
UNIT_SAN := $(UNIT_SRC:%.c=build/san/%)
BENCH_REL := $(BENCH_SRC:%.c=build/rel/%)
# Programs the benchmarks compare the service with (tests/bench/peer_*.c);
# run by the benchmark scripts, not by run.sh.
BENCH_PEERS := $(patsubst %.c,build/rel/%,$(wildcard tests/bench/peer_*.c))
SIM_REL  := $(foreach s,$(SIMS),tests/sim/$(s)/$(s))
SIM_SAN  := $(foreach s,$(SIMS),build/san/tests/sim/$(s)/$(s))

.PHONY: all check check-run demo demo-run bench bench-run deps install \
        uninstall clean fuzz pot crash crash-run

all: saledesk $(SIM_REL)

saledesk: build/rel/saledesk $(MO_FILES)
	$(Q)cp $< $@

# The whole suite, built with the sanitizers, ends with "N passed, N failed".
check:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory check-run

check-run: build/san/saledesk $(UNIT_SAN) $(SIM_SAN) $(MO_FILES)
	$(Q)SALEDESK_BIN=$(CURDIR)/build/san/saledesk \
	    SALEDESK_SIMDIR=$(CURDIR)/build/san/tests/sim \
	    SALEDESK_UNITDIR=$(CURDIR)/build/san/tests/unit \
	    bash tests/run.sh

# On a terminal: the sample campus, then the counter UI on a simulated card
# reader and meters (tests/demo/demo.sh); off one, a command-line tour.
demo:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory demo-run

demo-run: all
	$(Q)bash tests/demo/demo.sh

bench:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory bench-run

bench-run: all $(BENCH_REL) $(BENCH_PEERS)
	$(Q)bash tests/bench/run.sh

# The sale protocol's crash test at full size: SIGKILL at every step, then
# at random instants over CRASH_SALES sales (make check runs 30).
CRASH_SALES ?= 1000
crash:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory crash-run

crash-run: all
	$(Q)SALEDESK_BIN=$(CURDIR)/build/rel/saledesk VCARD_BIN=$(CURDIR)/tests/sim/vcard/vcard \
	    SALE_CRASH_N=$(CRASH_SALES) bash tests/cli/test_sale_crash.sh

deps:
	$(Q)missing=; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "saledesk needs these Debian packages; run:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
	  exit 1; \
	fi

# The simulators' parsers under libFuzzer (needs clang): each target runs
# FUZZ_SECONDS on a scratch corpus seeded from tests/fuzz/NAME/corpus.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_VCARD := $(filter-out tests/sim/vcard/vcard_main.c,$(wildcard tests/sim/vcard/*.c))
FUZZ_METERSIM := $(addprefix tests/sim/metersim/,rtu.c dispatch.c pdu.c regmap.c meter.c \
                   mac.c) $(VCARD_LIB_SRC)

build/fuzz/fuzz_apdu: tests/fuzz/vcard/fuzz_apdu.c $(FUZZ_VCARD)
	@mkdir -p $(@D)
	$(call say,FUZZ,$@)clang $(FUZZ_FLAGS) -Itests/sim/vcard -o $@ $^ \
		$$($(PKG_CONFIG) --cflags --libs libcrypto)

build/fuzz/fuzz_frame: tests/fuzz/metersim/fuzz_frame.c $(FUZZ_METERSIM)
	@mkdir -p $(@D)
	$(call say,FUZZ,$@)clang $(FUZZ_FLAGS) -Itests/sim/metersim -Itests/sim/vcard -o $@ $^ \
		$$($(PKG_CONFIG) --cflags --libs libcrypto) -lm

fuzz: build/fuzz/fuzz_apdu build/fuzz/fuzz_frame
	$(Q)for f in apdu:vcard frame:metersim; do \
	  mkdir -p build/fuzz/corpus-$${f%%:*}; \
	  build/fuzz/fuzz_$${f%%:*} -max_total_time=$(FUZZ_SECONDS) -max_len=600 \
	    build/fuzz/corpus-$${f%%:*} tests/fuzz/$${f##*:}/corpus || exit 1; \
	done

install: saledesk
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 saledesk $(DESTDIR)$(BINDIR)/saledesk
	install -m 0644 README.md INSTALL docs/*.md $(DESTDIR)$(DOCDIR)/
	for mo in $(MO_FILES); do \
	  lang=$${mo#build/locale/}; lang=$${lang%%/*}; \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES; \
	  install -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/saledesk.mo; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/saledesk
	rm -rf $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/saledesk.mo

clean:
	rm -rf build saledesk $(SIM_REL)
