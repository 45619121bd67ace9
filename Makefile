# netns: build, test, install. Every packaging recipe calls these targets.

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
TARGET ?= x86_64-unknown-linux-musl
# Build-time paths, as iproute2's build sets them (Debian's ip uses /run/netns).
NETNS_RUN_DIR ?= /var/run/netns
NETNS_ETC_DIR ?= /etc/netns
export NETNS_RUN_DIR NETNS_ETC_DIR

CARGO ?= cargo
TARGET_FLAG = $(if $(TARGET),--target $(TARGET))
OUT = target/$(if $(TARGET),$(TARGET)/)release
BIN = $(OUT)/netns

.PHONY: all build check lint static-check demo install uninstall clean

all: build

build: $(if $(TARGET),target-installed)
	$(CARGO) build --release --locked $(TARGET_FLAG)
	@echo "built $(BIN) ($$(stat -c %s $(BIN)) bytes)"

# rustup's standard library for the target, fetched once.
.PHONY: target-installed
target-installed:
	@rustup target list --installed 2>/dev/null | grep -qx '$(TARGET)' || rustup target add $(TARGET)

# Unit tests, the integration suite against the built binary (as root, in sandboxes),
# the static and chroot checks, and the man page lint. Said once, before anything is built:
# without root every sandbox would fail on its own.
check:
	@[ "$$(id -u)" = 0 ] || { echo "make check: needs root (the tests make namespaces and mounts)" >&2; exit 1; }
	@$(MAKE) --no-print-directory build lint static-check
	$(CARGO) $(TEST_BOUND) test --release --locked $(TARGET_FLAG)
	# The parsers again with overflow checks on, as the fuzz targets build them.
	$(CARGO) $(TEST_BOUND) test --locked --lib --test fuzz_regressions

# Cargo runs every test binary under `timeout`: a hang fails within TEST_TIMEOUT seconds
# ("exit status: 124", naming the binary), never at CI's 90 minutes. The integration suite bounds
# each command and each test itself, more tightly.
TEST_TIMEOUT ?= 600
TEST_BOUND = --config "target.'cfg(all())'.runner = ['timeout', '-k', '10', '$(TEST_TIMEOUT)']"

lint:
	mandoc -Tlint -Wwarning man/netns.8

# Clippy over every target, warnings as errors, with Cargo.toml's lints (unsafe code only in the
# sys layer, each unsafe block with its SAFETY comment). CI runs it; `make check` does not, so
# that a package build needs no clippy.
.PHONY: clippy
clippy:
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
	$(CARGO) clippy --all-targets --locked -- -D warnings

# The binary must need nothing from the system it lands on.
static-check: build
	sh tests/static.sh $(BIN)

demo: build
	sh tests/demo.sh $(BIN)

# Ours against iproute2's ip netns and the floors, side by side, as root in a private
# namespace; prints one ratio per figure (QUICK=1: a short run; SCALE=1: with batches of up to
# 10,000 namespaces; AB="OTHER..." compares other builds of netns with this one instead).
.PHONY: bench
bench: build
	CARGO="$(CARGO)" sh bench/run.sh $(BIN) $(AB)

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/netns
	install -D -m 0644 man/netns.8 $(DESTDIR)$(MANDIR)/man8/netns.8
	install -D -m 0644 packaging/completion/netns.bash $(DESTDIR)$(BASHCOMPDIR)/netns

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/netns $(DESTDIR)$(MANDIR)/man8/netns.8
	rm -f $(DESTDIR)$(BASHCOMPDIR)/netns

clean:
	$(CARGO) clean

# ---------------------------------------------------------------------------------------------
# The tiny build, for flash-bound images: the same source, built by the tiny profile (release's,
# optimized for size first: Cargo.toml), with std rebuilt by that profile for size (its
# optimize_for_size feature), panics that abort on the spot, without a message (the
# immediate-abort strategy), and no unwind tables (nothing unwinds: force-unwind-tables=no, or
# the musl target keeps them for every function). These are unstable flags, taken by the
# stable toolchain through RUSTC_BOOTSTRAP=1; tiny-toolchain asks cargo to plan the build with
# them first (--unit-graph compiles nothing), so a toolchain that has dropped or renamed one
# gets a sentence saying so, not a wall of errors. A target dir of its own keeps std's rebuild
# apart from the default build. build-std needs an explicit target: TARGET, else the host's.
TINY_TARGET = $(or $(TARGET),$(shell rustc -vV | sed -n 's/^host: //p'))
TINY_DIR = target/tiny
TINY_BIN = $(TINY_DIR)/$(TINY_TARGET)/tiny/netns
TINY_RUSTFLAGS = -Z unstable-options -C panic=immediate-abort -C force-unwind-tables=no
TINY_CARGO = RUSTC_BOOTSTRAP=1 RUSTFLAGS="$${RUSTFLAGS:-} $(TINY_RUSTFLAGS)" $(CARGO) build \
	--profile tiny --locked --target $(TINY_TARGET) --target-dir $(TINY_DIR) \
	-Z build-std=std,panic_abort -Z build-std-features=optimize_for_size

.PHONY: tiny tiny-toolchain tiny-check

tiny: tiny-toolchain
	$(TINY_CARGO)
	@echo "built $(TINY_BIN) ($$(stat -c %s $(TINY_BIN)) bytes)"

# std's sources come with rustup's rust-src component (other toolchains may ship them too).
# std is rebuilt, but rustup's std for TARGET still brings the musl start files and libc that
# the link takes (link-self-contained); a recipe that links with a system's own musl instead
# (cross.sh armv7) sets TINY_RUSTUP_TARGET=no.
TINY_RUSTUP_TARGET ?= yes
TINY_VENDOR_STD = RUSTC_BOOTSTRAP=1 cargo vendor --versioned-dirs \
	-s "$$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml" vendor
tiny-toolchain: $(if $(TARGET),$(if $(filter yes,$(TINY_RUSTUP_TARGET)),target-installed))
	@test -d "$$(rustc --print sysroot)/lib/rustlib/src/rust/library/std" || \
		rustup component add rust-src
	@mkdir -p $(TINY_DIR)
	@$(TINY_CARGO) --unit-graph -Z unstable-options >/dev/null 2>$(TINY_DIR)/probe.log || { \
		echo "make tiny: cargo cannot plan the tiny build with $$(rustc -V). It needs," \
			"through RUSTC_BOOTSTRAP=1, cargo's -Z build-std=std,panic_abort and" \
			"-Z build-std-features=optimize_for_size and rustc's $(TINY_RUSTFLAGS)" \
			"(Rust 1.95 has them: RUSTUP_TOOLCHAIN=1.95.0); std's sources (rust-src); and" \
			"std's own dependencies, from crates.io or, where vendor/ replaces it, in vendor/" \
			"($(TINY_VENDOR_STD)). \`make build\` needs none of these. Cargo said:" >&2; \
		grep -m 3 'error' $(TINY_DIR)/probe.log | sed 's/^ */  /' >&2; exit 1; }

# The integration suite and the tutorials' walkthroughs against the tiny binary (the test
# binaries themselves are the default build's), and its static and hardening checks.
tiny-check: tiny
	NETNS_TEST_BIN=$(TINY_BIN) $(CARGO) test --release --locked --target $(TINY_TARGET) --test netns
	sh tests/static.sh $(TINY_BIN)

# ---------------------------------------------------------------------------------------------
# Packages and cross builds. Each package recipe under packaging/ calls the targets above; the
# ones here make the source tarball, drive the package builds and their tests, cross-build, and
# boot the binary in a VM. Scratch files go under target/ (PKGWORK).

VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
PKGWORK = $(CURDIR)/target/pkg
DIST = $(PKGWORK)/netns-$(VERSION).tar.gz

# A vendor/ directory (made by `make vendor`, shipped in the `dist` tarball) replaces crates.io,
# so the build needs no network. The source replacement is a config file written here and
# given to every cargo call through $(CARGO); it names vendor/ by its absolute path, because a
# relative one in a --config file is resolved against that file's parent directory.
VENDOR_CONFIG = $(CURDIR)/target/vendor-sources.toml
ifneq ($(wildcard vendor/.),)
$(shell mkdir -p target && printf '%s\n' '[source.crates-io]' 'replace-with = "vendored-sources"' \
	'[source.vendored-sources]' 'directory = "$(CURDIR)/vendor"' >$(VENDOR_CONFIG))
override CARGO += --config $(VENDOR_CONFIG)
endif

.PHONY: install-ip-link uninstall-ip-link
.PHONY: vendor dist distcheck deb deb-check rpm rpm-check apk-check openwrt-check
.PHONY: cross-check cross-armv7 vm-test sizes

# For busybox systems: `ip netns ...` (and `ip -n NAME ...`) reach this binary.
install-ip-link:
	install -d $(DESTDIR)$(SBINDIR)
	ln -sf netns $(DESTDIR)$(SBINDIR)/ip

uninstall-ip-link:
	if [ "$$(readlink $(DESTDIR)$(SBINDIR)/ip)" = netns ]; then rm -f $(DESTDIR)$(SBINDIR)/ip; fi

vendor:
	$(CARGO) vendor --locked --versioned-dirs vendor >/dev/null

# The release tarball: the files git tracks plus vendor/, so it builds with no network.
dist:
	rm -rf $(PKGWORK)/netns-$(VERSION) && mkdir -p $(PKGWORK)
	git archive --format=tar --prefix=netns-$(VERSION)/ HEAD | tar -x -C $(PKGWORK)
	cd $(PKGWORK)/netns-$(VERSION) && cargo vendor --locked --versioned-dirs vendor >/dev/null
	tar -C $(PKGWORK) --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime=@$$(git log -1 --format=%ct) -czf $(DIST) netns-$(VERSION)
	rm -rf $(PKGWORK)/netns-$(VERSION)
	@echo "wrote $(DIST) ($$(stat -c %s $(DIST)) bytes)"

# The tarball builds offline, from its own vendor/, with the lock file unchanged.
distcheck: dist
	rm -rf $(PKGWORK)/distcheck && mkdir -p $(PKGWORK)/distcheck
	tar -xzf $(DIST) -C $(PKGWORK)/distcheck
	cd $(PKGWORK)/distcheck/netns-$(VERSION) && CARGO_NET_OFFLINE=true $(MAKE) build TARGET=$(TARGET)
	cd $(PKGWORK)/distcheck/netns-$(VERSION) && cargo build --frozen --release $(TARGET_FLAG) \
		--config 'source.crates-io.replace-with="vendored-sources"' \
		--config 'source.vendored-sources.directory="vendor"'
	rm -rf $(PKGWORK)/distcheck
	@echo "distcheck: $(notdir $(DIST)) builds offline"

# Debian: dpkg-buildpackage -b in the unpacked tarball, with packaging/debian as debian/.
# DEB_BUILD_OPTIONS=nocheck skips `make check` inside the package build.
deb: dist
	rm -rf $(PKGWORK)/deb && mkdir -p $(PKGWORK)/deb
	tar -xzf $(DIST) -C $(PKGWORK)/deb
	cp -r packaging/debian $(PKGWORK)/deb/netns-$(VERSION)/debian
	cd $(PKGWORK)/deb/netns-$(VERSION) && CARGO_NET_OFFLINE=true dpkg-buildpackage -b -us -uc
	@ls -l $(PKGWORK)/deb/*.deb

deb-check:
	sh packaging/test-deb.sh $(PKGWORK)/deb/netns_$(VERSION)-1_*.deb

# RPM: rpmbuild from the tarball, in a private _topdir. RPMBUILD_FLAGS=--without check skips
# `make check` inside the package build.
rpm: dist
	rm -rf $(PKGWORK)/rpm && mkdir -p $(PKGWORK)/rpm/SOURCES
	cp $(DIST) $(PKGWORK)/rpm/SOURCES/
	CARGO_NET_OFFLINE=true rpmbuild $(RPMBUILD_FLAGS) --define '_topdir $(PKGWORK)/rpm' -bb packaging/rpm/netns.spec
	@ls -l $(PKGWORK)/rpm/RPMS/*/*.rpm

rpm-check:
	sh packaging/test-rpm.sh $(PKGWORK)/rpm/RPMS/*/netns-$(VERSION)-*.rpm

# Alpine and OpenWrt: their recipes run here with their build systems' variables stubbed.
apk-check: dist
	sh packaging/test-apkbuild.sh $(DIST)

openwrt-check: dist
	sh packaging/test-openwrt.sh $(DIST)

# Cross builds: rust-lld links the musl targets, so no cross gcc is needed; the test binaries
# run under qemu-user (see packaging/cross.sh). rustup's aarch64 musl target links at a fixed
# address; packaging/static-pie-ld links it as a static-pie, as x86_64's is.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER ?= $(CURDIR)/packaging/static-pie-ld

cross-check:
	sh packaging/cross.sh check $(TARGET)

cross-armv7:
	sh packaging/cross.sh armv7

# Boot Debian's cloud kernel under qemu with an initramfs of busybox and this binary.
# The veth walkthrough (`ip link add ... peer name`, `ip link set DEV netns NS`, a ping) is part
# of the verdict; VM_LINKS=0 reports it without failing on it.
VM_LINKS ?= 1
VM_TIMEOUT ?= 300
vm-test: build
	VM_LINKS=$(VM_LINKS) VM_TIMEOUT=$(VM_TIMEOUT) sh packaging/vm/vm-test.sh $(BIN) $(PKGWORK)/vm

sizes:
	@for f in target/release/netns target/*/release/netns target/tiny/*/tiny/netns; do [ -f $$f ] || continue; printf '%10s  %s\n' "$$(stat -c %s $$f)" "$$f"; done

# Fuzzing (fuzz/README.md): each target for FUZZ_SECONDS on nightly, with cargo-fuzz installed
# under target/tools when missing. New inputs grow a corpus under target/; a failure leaves its
# input in fuzz/artifacts/, to keep in fuzz/regressions/ (replayed by `make check`) once fixed.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= argv batch netlink inotify
CARGO_FUZZ = target/tools/bin/cargo-fuzz

.PHONY: fuzz
fuzz: $(CARGO_FUZZ)
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal \
		|| { echo "make fuzz: cargo-fuzz needs a nightly toolchain, and rustup could not install one" >&2; exit 1; }
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p target/fuzz-corpus/$$t && \
		echo "fuzz $$t for $(FUZZ_SECONDS)s" && \
		PATH="$(CURDIR)/target/tools/bin:$$PATH" rustup run nightly cargo fuzz run $$t \
			target/fuzz-corpus/$$t fuzz/corpus/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 || exit 1; \
	done

$(CARGO_FUZZ):
	$(CARGO) install --locked cargo-fuzz --root $(CURDIR)/target/tools
