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
# the static and chroot checks, and the man page lint.
check: build lint static-check
	$(CARGO) test --release --locked $(TARGET_FLAG)
	# The parsers again with overflow checks on, as the fuzz targets build them.
	$(CARGO) test --locked --lib --test fuzz_regressions

lint:
	mandoc -Tlint -Wwarning man/netns.8

# The binary must need nothing from the system it lands on.
static-check: build
	sh tests/static.sh $(BIN)

demo: build
	sh tests/demo.sh $(BIN)

# Ours against iproute2's ip netns and the floors, side by side, as root in a private
# namespace; prints one ratio per figure (QUICK=1: a short run).
.PHONY: bench
bench: build
	CARGO=$(CARGO) sh bench/run.sh $(BIN)

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/netns
	install -D -m 0644 man/netns.8 $(DESTDIR)$(MANDIR)/man8/netns.8

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/netns $(DESTDIR)$(MANDIR)/man8/netns.8

clean:
	$(CARGO) clean

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
