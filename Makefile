# mamori — the one makefile: build, test, fuzz, bench, install, package.
#
#   make                 build everything into build/
#   make check           install missing dependencies, run every test this machine can run
#   make check-unit      the fast loop: unit tests only
#   make check CHECK_TIERS=syslog  real rsyslogd pairs on loopback (about 3.5 minutes)
#   make check SANITIZE=1  the whole suite under ASan+UBSan (objects in build-san/)
#   make fuzz            every fuzz target for FUZZ_SECONDS each (clang libFuzzer)
#   make bench           benchmarks, each printing medians beside its anchor
#   make bench-vm        mamori-agent beside usbguard-daemon, 10 idle minutes in the VM bench's
#                        guest: RSS, PSS, wake-ups, systemd-analyze security (about 20 minutes)
#   make install         DESTDIR-aware, FHS and Debian multiarch paths
#   make deb             Debian binary packages for bookworm into build/deb/, in a clean chroot
#   make deb SUITE=trixie  the same for trixie, into build/deb-trixie/
#   make deb-test        install, rollout, upgrade, remove, purge in a clean chroot (SUITE too)
#   make deb-test PREV=REF  the same, upgrading from the packages of REF (a tag or commit)
#   make deb-piuparts    piuparts on the packages of make deb (SUITE too)
#   make po-update       po/mamori.pot from the sources, merged into every po/LANG.po
#
# Sources are found by wildcard: a new lib/*.c joins libmamori, a new tests/unit/test_*.c
# becomes a test binary, a new tests/fuzz/fuzz_*.c a fuzz target.

VERSION := $(shell awk -F'[()]' 'NR == 1 { print $$2 }' debian/changelog 2>/dev/null)
ifeq ($(VERSION),)
VERSION := 0.0.0
endif

# ---- install paths -------------------------------------------------------------------------
PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/mamori
DATADIR    ?= $(PREFIX)/share
LOCALEDIR  ?= $(DATADIR)/locale
MANDIR     ?= $(DATADIR)/man
DOCDIR     ?= $(DATADIR)/doc/mamori
PAMCONFIGDIR ?= $(DATADIR)/pam-configs
# shipped, not active: examples an administrator copies into /etc (README "Second factor")
EXAMPLEDIR ?= $(DATADIR)/mamori
SYSCONFDIR ?= /etc
MULTIARCH  ?= $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || $(CC) -print-multiarch)
PAMDIR     ?= $(PREFIX)/lib/$(MULTIARCH)/security
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
# where this system's systemd looks for units (/lib/systemd/system on Debian 12, whose
# dh_installsystemd enables only units found there)
SYSTEMDUNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
DESTDIR    ?=

# ---- flags -----------------------------------------------------------------------------------
CC      ?= cc
# CFLAGS, CPPFLAGS and LDFLAGS from the environment (dpkg-buildflags, exported by dh) come after
# the project's own flags, so a package build gets Debian's choice and a plain `make` ours.
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wconversion \
           -Wmissing-prototypes -Wstrict-prototypes -Wwrite-strings -Wcast-qual
# Debian's hardening (what dpkg-buildflags gives with hardening=+all), always on, so a plain
# `make` builds the same binary the package ships.
HARDEN_C  := -fstack-protector-strong -fstack-clash-protection -fcf-protection -fPIC
HARDEN_LD := -Wl,-z,relro -Wl,-z,now -Wl,--as-needed
DEFS      := -D_GNU_SOURCE -DMAMORI_VERSION='"$(VERSION)"' \
             -DMAMORI_SYSCONFDIR='"$(SYSCONFDIR)"' \
             -DMAMORI_VERIFIER_PATH='"$(LIBEXECDIR)/mamori-verify"' \
             -DMAMORI_LOCALEDIR='"$(LOCALEDIR)"'

ifeq ($(SANITIZE),1)
B        := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS   := -O1 -g
else
B        := build
SANFLAGS :=
# Unless the caller chose a level (dpkg-buildflags may say 3): a second, different definition
# would be a redefinition warning, an error under -Werror.
ifeq ($(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),)
DEFS     += -D_FORTIFY_SOURCE=2
endif
endif

ALL_CFLAGS  = $(WARN) $(HARDEN_C) $(SANFLAGS) $(DEFS) -Iinclude -Itests/unit/helpers $(CPPFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(HARDEN_LD) $(SANFLAGS) $(LDFLAGS)
PIE_LDFLAGS = -pie

LIBS_CONFUSE := -lconfuse
LIBS_CMOCKA  := -lcmocka
LIBS_CRYPTO  := -lcrypto
LIBS_CRYPT   := -lcrypt
LIBS_PAM     := -lpam
# PSKC token files (RFC 6030): mamorictl only, never the PAM module
LIBS_PSKC    := -lpskc -lxml2
PSKC_CFLAGS  := $(or $(shell pkg-config --cflags libpskc libxml-2.0 2>/dev/null),-I/usr/include/libxml2)
# only mamorictl draws QR codes and writes PNG enrolment sheets
LIBS_QR      := -lqrencode -lpng
LIBS_MEDIA   := -ludev -lblkid
# mamorictl report reads rotated .gz collector files
LIBS_Z       := -lz
# umockdev (device trees recorded in the VM) for the unit tests that need it; its glib
# headers are system headers, so -Werror does not judge them.
UMOCKDEV_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags umockdev-1.0 2>/dev/null))
UMOCKDEV_LIBS   := $(shell pkg-config --libs umockdev-1.0 2>/dev/null)
# what libmamori needs; --as-needed drops the ones a program does not use
LIBS         := $(LIBS_CONFUSE) $(LIBS_CRYPTO) $(LIBS_CRYPT) $(LIBS_Z)

# ---- sources ---------------------------------------------------------------------------------
LIB_SRC   := $(sort $(wildcard lib/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/obj/%.o)
LIBMAMORI := $(B)/libmamori.a

# agent/: the media programs; each agent/<name>_main.c is the program mamori-<name>, the
# other files are libmamori-media.a, which unit tests link too.
MEDIA_SRC := $(filter-out %_main.c,$(sort $(wildcard agent/*.c)))
MEDIA_OBJ := $(MEDIA_SRC:%.c=$(B)/obj/%.o)
LIBMEDIA  := $(B)/libmamori-media.a
AGENT_MAIN := $(sort $(wildcard agent/*_main.c))
AGENT_BIN := $(AGENT_MAIN:agent/%_main.c=$(B)/mamori-%)

TOOL_SRC  := $(sort $(wildcard tools/*.c))
TOOL_OBJ  := $(TOOL_SRC:%.c=$(B)/obj/%.o)
MAMORICTL := $(B)/mamorictl

UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# helpers shared by unit tests (tests/unit/helpers/*.c), linked into every unit test
THELP_SRC := $(sort $(wildcard tests/unit/helpers/*.c))
THELP_OBJ := $(THELP_SRC:%.c=$(B)/obj/%.o)

# integration tests through the real libpam (tests/pam/test_*.c, with tests/pam/harness.c)
PTEST_SRC := $(sort $(wildcard tests/pam/test_*.c))
PTEST_BIN := $(PTEST_SRC:tests/pam/%.c=$(B)/tests/pam/%)
PTEST_HELP = $(B)/obj/tests/pam/harness.o $(filter-out %/pam_mamori.o,$(PAM_OBJ))

# programs used by shell-level tests (tests/cli/*.sh) and by unit tests that fork
TPROG_SRC := $(sort $(wildcard tests/progs/*.c))
TPROG_BIN := $(TPROG_SRC:tests/progs/%.c=$(B)/tests/progs/%)

CLI_TESTS := $(sort $(wildcard tests/cli/test_*.sh))

FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 60

# Manual pages, hand-written roff: doc/man/NAME.SECTION, translations in doc/man/LANG/.
MAN_PAGES    := $(sort $(wildcard doc/man/*.[1-8]))
MAN_JA_PAGES := $(sort $(wildcard doc/man/ja/*.[1-8]))

BENCH_SRC := $(sort $(wildcard tests/bench/bench_*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)

PAM_SRC   := $(sort $(wildcard pam/*.c))
PAM_OBJ   := $(PAM_SRC:%.c=$(B)/obj/%.o)
PAM_MOD   := $(B)/pam_mamori.so

# mamori-verify, the setuid-root helper for callers that are not root (tools/verifier/)
VERIFY_SRC := $(sort $(wildcard tools/verifier/*.c))
VERIFY_OBJ := $(VERIFY_SRC:%.c=$(B)/obj/%.o)
VERIFY     := $(B)/mamori-verify

# Test builds of the module and the verifier (MAMORI_TEST_HOOKS): the module takes
# verifier=PATH and hands its conf= on, the verifier takes -c CONF; the module and mamorictl
# read their translations from this build's catalogues. Never installed.
TB         := $(B)/testbuild
TB_PAM_MOD := $(TB)/pam_mamori.so
TB_VERIFY  := $(TB)/mamori-verify
TB_MAMORICTL := $(TB)/mamorictl

# Translations (po/, text domain "mamori"): po/mamori.pot holds every marked string of the
# module and mamorictl; each po/LANG.po becomes $(B)/locale/LANG/LC_MESSAGES/mamori.mo.
PO_SRC    := $(sort $(wildcard pam/*.c tools/*.c tools/verifier/*.c))
PO_FILES  := $(sort $(wildcard po/*.po))
PO_LANGS  := $(PO_FILES:po/%.po=%)
MO_FILES  := $(PO_LANGS:%=$(B)/locale/%/LC_MESSAGES/mamori.mo)
# No line numbers: the template changes when a message does, not when code moves.
XGETTEXT_FLAGS := --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
                  --flag=_:1:pass-c-format --flag=N_:1:pass-c-format \
                  --add-comments=TRANSLATORS: --add-location=file --package-name=mamori

PROGRAMS  := $(MAMORICTL) $(PAM_MOD) $(VERIFY) $(AGENT_BIN)

.PHONY: all check check-unit check-cli check-vm check-valgrind fuzz bench bench-vm install deb deb-host deb-test deb-piuparts demo \
        deps test-deps clean distclean po-update po-template

all: $(PROGRAMS) $(MO_FILES)

# Objects reached through pattern chains are kept: deleting them would rebuild every test.
.SECONDARY:

# ---- compile and link ------------------------------------------------------------------------
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The version comes from debian/changelog as a -D flag: what prints it follows the changelog.
$(B)/obj/tools/mamorictl.o: debian/changelog

$(B)/obj/lib/pskc_%.o: ALL_CFLAGS += $(PSKC_CFLAGS)

$(LIBMAMORI): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBMEDIA): $(MEDIA_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/mamori-%: $(B)/obj/agent/%_main.o $(LIBMEDIA) $(LIBMAMORI)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) -o $@ $< $(LIBMEDIA) $(LIBMAMORI) $(or $(LIBS_MEDIA_$*),$(LIBS_MEDIA)) \
		$(LIBS)

# udev starts mamori-udev for every event: libblkid and libconfuse come from their static
# archives (libblkid-dev, libconfuse-dev), since each shared object costs every start its
# own mappings, an mprotect and copy-on-write faults for its relocations (7 TLB flushes and
# 13 page faults of 110, about 6% of the helper's CPU time on this project's test host, make
# bench); libudev has no static archive. The package records util-linux in Built-Using
# (debian/rules). mamori-agent starts once: linked statically, its idle RSS fell by about
# 40 kB but its PSS rose by 15 kB (its copy of libconfuse is no longer shared), so it keeps
# the shared libraries.
LIBS_MEDIA_udev := -ludev -Wl,-Bstatic -lblkid -lconfuse -Wl,-Bdynamic

$(MAMORICTL): $(TOOL_OBJ) $(LIBMEDIA) $(LIBMAMORI)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) -o $@ $(TOOL_OBJ) $(LIBMEDIA) $(LIBMAMORI) $(LIBS) \
		$(LIBS_PSKC) $(LIBS_QR) $(LIBS_MEDIA)

# Only pam_sm_* leave the module (pam/module.map); -z defs catches a missing symbol at link
# time instead of at someone's login.
$(PAM_MOD): $(PAM_OBJ) $(LIBMAMORI) pam/module.map
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-z,defs -Wl,--version-script=pam/module.map -o $@ \
		$(PAM_OBJ) $(LIBMAMORI) $(LIBS) $(LIBS_PAM)

$(VERIFY): $(VERIFY_OBJ) $(LIBMAMORI)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) -o $@ $(VERIFY_OBJ) $(LIBMAMORI) $(LIBS)

$(TB)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DMAMORI_TEST_HOOKS -DMAMORI_TEST_LOCALEDIR='"$(abspath $(B))/locale"' \
		-c -o $@ $<

$(TB_PAM_MOD): $(PAM_SRC:%.c=$(TB)/obj/%.o) $(LIBMAMORI) pam/module.map
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-z,defs -Wl,--version-script=pam/module.map -o $@ \
		$(PAM_SRC:%.c=$(TB)/obj/%.o) $(LIBMAMORI) $(LIBS) $(LIBS_PAM)

$(TB_VERIFY): $(VERIFY_SRC:%.c=$(TB)/obj/%.o) $(LIBMAMORI)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) -o $@ $(VERIFY_SRC:%.c=$(TB)/obj/%.o) $(LIBMAMORI) $(LIBS)

# Only main() differs (where it binds the text domain); the rest is mamorictl's own objects.
TB_TOOL_OBJ := $(TB)/obj/tools/mamorictl.o $(filter-out %/tools/mamorictl.o,$(TOOL_OBJ))
$(TB)/obj/tools/mamorictl.o: debian/changelog
$(TB_MAMORICTL): $(TB_TOOL_OBJ) $(LIBMEDIA) $(LIBMAMORI)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) -o $@ $(TB_TOOL_OBJ) $(LIBMEDIA) $(LIBMAMORI) $(LIBS) \
		$(LIBS_PSKC) $(LIBS_QR) $(LIBS_MEDIA)

# ---- translations ----------------------------------------------------------------------------
# --check: the translation keeps every printf directive of its msgid (c-format) and the header
# is complete.
$(B)/locale/%/LC_MESSAGES/mamori.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# The template from the sources, then every catalogue merged with it; tests/cli/test_po.sh
# fails while this has not been run after a message changed. po-template writes the template
# alone to POT (the test compares it with po/mamori.pot).
POT ?= po/mamori.pot
po-template:
	xgettext $(XGETTEXT_FLAGS) -o $(POT) $(PO_SRC)

po-update: po-template
	for po in $(PO_FILES); do msgmerge --quiet --update --backup=none $$po po/mamori.pot || exit 1; done

# A unit test may need link-time fakes: WRAP_<test name> holds its -Wl,--wrap= flags, and
# TLIBS_<test name> extra libraries.
$(B)/tests/%: $(B)/obj/tests/unit/%.o $(THELP_OBJ) $(LIBMEDIA) $(LIBMAMORI)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) $(WRAP_$*) -o $@ $< $(THELP_OBJ) $(LIBMEDIA) \
		$(LIBMAMORI) $(LIBS_CMOCKA) $(TLIBS_$*) $(LIBS_MEDIA) $(LIBS)

# Unit tests that read device trees recorded in the VM through the real libudev (umockdev).
UMOCKDEV_TESTS := test_media_udev test_usb_iface
$(UMOCKDEV_TESTS:%=$(B)/obj/tests/unit/%.o): ALL_CFLAGS += $(UMOCKDEV_CFLAGS)
$(foreach t,$(UMOCKDEV_TESTS),$(eval TLIBS_$(t) := $(UMOCKDEV_LIBS)))
TLIBS_test_pskc_read := $(LIBS_PSKC)

$(B)/tests/pam/%: $(B)/obj/tests/pam/%.o $(PTEST_HELP) $(THELP_OBJ) $(LIBMAMORI) $(PAM_MOD) \
                  $(TB_PAM_MOD) $(TB_VERIFY)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) -o $@ $< $(PTEST_HELP) $(THELP_OBJ) $(LIBMAMORI) \
		$(LIBS_CMOCKA) $(LIBS) $(LIBS_PAM)

$(B)/obj/tests/pam/%.o: DEFS += -DMAMORI_TEST_BUILD='"$(B)"'

$(B)/tests/progs/%: $(B)/obj/tests/progs/%.o $(LIBMAMORI)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) -o $@ $< $(LIBMAMORI) $(LIBS) $(LIBS_PAM)

# bench_pam counts the modules' fsyncs with its own fsync and fdatasync and takes their syslog
# lines with its own __syslog_chk: the modules it dlopens must see these in place of libc's.
BENCH_LD_bench_pam := -Wl,--export-dynamic-symbol=fsync -Wl,--export-dynamic-symbol=fdatasync \
                      -Wl,--export-dynamic-symbol=__syslog_chk

$(B)/bench/%: $(B)/obj/tests/bench/%.o $(LIBMAMORI)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $(PIE_LDFLAGS) $(BENCH_LD_$*) -o $@ $< $(LIBMAMORI) $(LIBS) $(LIBS_PAM)

-include $(LIB_OBJ:.o=.d) $(MEDIA_OBJ:.o=.d) $(AGENT_MAIN:%.c=$(B)/obj/%.d) $(TOOL_OBJ:.o=.d) $(VERIFY_OBJ:.o=.d) \
         $(PAM_SRC:%.c=$(TB)/obj/%.d) $(VERIFY_SRC:%.c=$(TB)/obj/%.d) $(THELP_OBJ:.o=.d) $(PAM_OBJ:.o=.d) \
         $(TB)/obj/tools/mamorictl.d \
         $(UNIT_SRC:tests/unit/%.c=$(B)/obj/tests/unit/%.d) \
         $(PTEST_SRC:%.c=$(B)/obj/%.d) $(B)/obj/tests/pam/harness.d \
         $(PTEST_SRC:%.c=$(B)/obj/%.d) $(B)/obj/tests/pam/harness.d \
         $(TPROG_SRC:%.c=$(B)/obj/%.d) $(BENCH_SRC:%.c=$(B)/obj/%.d)

# ---- dependencies ----------------------------------------------------------------------------
# debian/control's Build-Depends is the one list of build dependencies; tests/deps.txt lists the
# heavier test tools that a package build never needs.
deps:
	@sh tests/install-deps.sh build

test-deps: deps
	@sh tests/install-deps.sh test

# ---- tests -----------------------------------------------------------------------------------
# Each runner prints its own summary line; tests/run-suite.sh adds them up at the end.
# Under SANITIZE=1 the syslog and VM tiers are left out: they test rsyslogd and the packaged
# (unsanitized) binaries.
CHECK_TIERS := unit pam cli $(if $(filter 1,$(SANITIZE)),,valgrind syslog vm)

check: test-deps
	@$(MAKE) --no-print-directory all-tests
	@sh tests/run-suite.sh $(B) $(CHECK_TIERS)

check-unit: deps
	@$(MAKE) --no-print-directory all-tests
	@sh tests/run-suite.sh $(B) unit

check-cli: deps
	@$(MAKE) --no-print-directory all-tests
	@sh tests/run-suite.sh $(B) cli

check-valgrind: test-deps
	@$(MAKE) --no-print-directory all-tests
	@sh tests/run-suite.sh $(B) valgrind

check-vm: test-deps
	@$(MAKE) --no-print-directory all-tests
	@sh tests/run-suite.sh $(B) vm

# The main job on a disposable terminal, narrated step by step (tests/vm/demo.sh); it builds
# the packages when build/deb is older than the sources. Not part of `make check`.
demo: test-deps
	@$(MAKE) --no-print-directory $(MAMORICTL)
	@BUILD=$(B) sh tests/vm/demo.sh

.PHONY: all-tests
all-tests: $(PROGRAMS) $(MO_FILES) $(UNIT_BIN) $(PTEST_BIN) $(TPROG_BIN) $(TB_PAM_MOD) $(TB_VERIFY) \
           $(TB_MAMORICTL)

# ---- fuzzing (clang libFuzzer; library sources compiled into each target) -------------------
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -DMAMORI_VERSION='"fuzz"' \
               -DMAMORI_SYSCONFDIR='"/etc"' -Iinclude $(PSKC_CFLAGS) \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# Every target also gets tests/fuzz/wrap.c: allocation failures it may switch on (wrap.h).
FUZZ_WRAP   := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=reallocarray,--wrap=strdup

# The pure media logic (no libudev) joins every target too.
FUZZ_MEDIA_SRC := agent/classify.c agent/decide.c agent/agent_mountinfo.c agent/devnode.c

build-fuzz/%: tests/fuzz/%.c tests/fuzz/wrap.c tests/fuzz/wrap.h $(LIB_SRC) $(FUZZ_MEDIA_SRC) $(wildcard lib/*.h) \
              $(wildcard include/mamori/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz $(FUZZ_WRAP) -o $@ $< tests/fuzz/wrap.c $(LIB_SRC) \
		$(FUZZ_MEDIA_SRC) $(LIBS) $(LIBS_PSKC)

fuzz: test-deps $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# ---- benchmarks ------------------------------------------------------------------------------
bench: test-deps $(PROGRAMS) $(BENCH_BIN) $(TPROG_BIN)
	@sh tests/bench/run.sh $(B)

# Opt-in: boots the VM bench (packages from build/deb/, made by `make deb` when missing) and
# idles for VM_IDLE_SECONDS (600); see tests/bench/vm_agent_idle.sh.
bench-vm: test-deps
	@sh tests/bench/vm_agent_idle.sh $(B)

# Central forwarding (rsyslog on the terminal and on the collector): examples an administrator
# enables, never active by default (README, "Central collector").
RSYSLOG_CONF := conf/rsyslog/60-mamori-forward.conf conf/rsyslog/60-mamori-collector.conf \
                conf/rsyslog/forward.env conf/rsyslog/collector.env \
                conf/rsyslog/rsyslog-service-mamori.conf conf/logrotate.mamori-central \
                conf/rsyslog/mamori-forward-resume.path conf/rsyslog/mamori-forward-resume.service
# run by the units above, by /etc/logrotate.d/mamori (mamori-forward-resume(8)) and by rsyslogd
# (omprog; mamori-forward-replay(8))
RSYSLOG_SCRIPTS := conf/rsyslog/mamori-forward-resume conf/rsyslog/mamori-journal-wait \
                   conf/rsyslog/mamori-forward-replay

# ---- install ---------------------------------------------------------------------------------
# One install line per manual page: $(1) the page, $(2) the language directory under MANDIR
# ("" or "ja/"); the section is the page's suffix.
define install_man
	install -d -m 0755 $(DESTDIR)$(MANDIR)/$(2)man$(subst .,,$(suffix $(1)))
	install -m 0644 $(1) $(DESTDIR)$(MANDIR)/$(2)man$(subst .,,$(suffix $(1)))/

endef

# mamori-verify is setuid root (mode 4755): a module running as the user (a screen locker)
# needs it to check a code; it checks only the caller's own account (tools/verifier/).
# tests/cli/test_install.sh checks the resulting file list and modes.
install: $(PROGRAMS) $(MO_FILES)
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)/mamori \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d $(DESTDIR)$(DOCDIR) $(DESTDIR)$(PAMDIR) \
		$(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(MAMORICTL) $(DESTDIR)$(SBINDIR)/mamorictl
	install -m 0644 $(PAM_MOD) $(DESTDIR)$(PAMDIR)/pam_mamori.so
	install -m 4755 $(VERIFY) $(DESTDIR)$(LIBEXECDIR)/mamori-verify
	install -m 0644 conf/mamori.conf $(DESTDIR)$(SYSCONFDIR)/mamori/mamori.conf
	install -m 0644 conf/logrotate.mamori $(DESTDIR)$(SYSCONFDIR)/logrotate.d/mamori
	install -m 0644 doc/events.md $(DESTDIR)$(DOCDIR)/events.md
	install -d -m 0755 $(DESTDIR)$(PAMCONFIGDIR) $(DESTDIR)$(EXAMPLEDIR)/pam.d \
		$(DESTDIR)$(EXAMPLEDIR)/sshd_config.d
	install -m 0644 conf/pam-configs/mamori $(DESTDIR)$(PAMCONFIGDIR)/mamori
	install -m 0644 conf/pam.d/mamori-single-prompt \
		$(DESTDIR)$(EXAMPLEDIR)/pam.d/mamori-single-prompt
	install -m 0644 conf/sshd/mamori.conf $(DESTDIR)$(EXAMPLEDIR)/sshd_config.d/mamori.conf
	install -d -m 0755 $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(UDEVRULESDIR)
	install -m 0755 $(B)/mamori-udev $(DESTDIR)$(LIBEXECDIR)/mamori-udev
	install -m 0644 conf/udev/10-mamori.rules conf/udev/69-mamori-uaccess.rules \
		conf/udev/72-mamori-uaccess.rules \
		$(DESTDIR)$(UDEVRULESDIR)/
	$(foreach l,$(PO_LANGS),install -D -m 0644 $(B)/locale/$(l)/LC_MESSAGES/mamori.mo \
		$(DESTDIR)$(LOCALEDIR)/$(l)/LC_MESSAGES/mamori.mo &&) true
	install -d -m 0755 $(DESTDIR)$(DATADIR)/mamori/rsyslog
	install -m 0644 $(RSYSLOG_CONF) $(DESTDIR)$(DATADIR)/mamori/rsyslog/
	install -d -m 0755 $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(RSYSLOG_SCRIPTS) $(DESTDIR)$(LIBEXECDIR)/
	install -m 0755 $(B)/mamori-agent $(DESTDIR)$(LIBEXECDIR)/mamori-agent
	install -d -m 0755 $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0644 conf/systemd/mamori-agent.service $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(foreach p,$(MAN_PAGES),$(call install_man,$(p),))
	$(foreach p,$(MAN_JA_PAGES),$(call install_man,$(p),ja/))

# ---- packages --------------------------------------------------------------------------------
# Built in a clean chroot of SUITE (debian/chroot-build.sh; the chroot is cached in
# ~/.cache/mamori-deb), checked there with that suite's lintian and hardening-check. bookworm's
# packages go to build/deb/, another suite's to build/deb-SUITE/: where the VM bench of that suite looks.
# deb-host builds on this machine instead, in a copy of the tree (faster, not clean).
SUITE   ?= bookworm
DEB_DIR := build/deb$(if $(filter-out bookworm,$(SUITE)),-$(SUITE))

deb:
	@sh debian/chroot-build.sh $(SUITE) $(DEB_DIR)

deb-host:
	@sh tests/install-deps.sh deb
	@sh debian/build-debs.sh build/deb

# Install, rollout, upgrade, remove and purge of DEB_DIR's packages in a clean chroot of SUITE.
# piuparts: install, remove and purge in a fresh minbase chroot of SUITE, nothing left behind.
deb-piuparts:
	@sh tests/deb/piuparts.sh $(SUITE) $(DEB_DIR)

# PREV=REF (a tag or commit): REF's packages installed first, the install of these an upgrade.
deb-test:
ifneq ($(PREV),)
	@sh tests/deb/build-prev.sh $(PREV) $(SUITE) $(DEB_DIR)-prev
endif
	@PREV=$(PREV) sh tests/deb/test_install.sh $(SUITE) $(DEB_DIR) $(if $(PREV),$(DEB_DIR)-prev)

clean:
	rm -rf build build-san build-fuzz

distclean: clean
