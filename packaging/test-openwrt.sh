#!/bin/sh
# Runs packaging/openwrt/Makefile in a stand-in for OpenWrt's build system: a feed laid out as
# openwrt/packages (net/netns/Makefile beside lang/rust/rust-package.mk) and a TOPDIR whose
# rules.mk and include/package.mk give the few variables and macros the Makefile uses. The
# stand-in rust-package.mk compiles the way OpenWrt's does (`cargo install --locked --root
# PKG_INSTALL_DIR`), here for the host. Checks that the package definition is complete and that
# every file Package/netns/install copies exists after the build and lands in the package root.
# (OpenWrt's real toolchain, its rust/host and a device target cannot be built here.)
set -eu
tarball=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/top/include" "$w/top/dl" "$w/feed/net/netns" "$w/feed/lang/rust" "$w/root"
cp "$here/openwrt/Makefile" "$w/feed/net/netns/Makefile"
cp "$tarball" "$w/top/dl/"

cat >"$w/top/rules.mk" <<'MK'
INCLUDE_DIR:=$(TOPDIR)/include
BUILD_DIR:=$(TOPDIR)/build
DL_DIR:=$(TOPDIR)/dl
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
MK

cat >"$w/top/include/package.mk" <<'MK'
PKG_BUILD_DIR ?= $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
PKG_INSTALL_DIR ?= $(PKG_BUILD_DIR)/ipkg-install
need = $(if $(strip $($(1))),,$(error $(2) has no $(1)))
define BuildPackage
$(eval $(Package/$(1)))
$(foreach v,SECTION CATEGORY TITLE DEPENDS,$(call need,$(v),Package/$(1)))
$(foreach v,PKG_NAME PKG_VERSION PKG_RELEASE PKG_SOURCE PKG_SOURCE_URL PKG_HASH PKG_LICENSE,$(call need,$(v),the Makefile))
$(if $(Package/$(1)/description),,$(error Package/$(1) has no description))
compile:
	rm -rf $(PKG_BUILD_DIR) && mkdir -p $(BUILD_DIR)
	tar -xzf $(DL_DIR)/$(PKG_SOURCE) -C $(BUILD_DIR)
	$$(Build/Compile)
package:
	$$(call Package/$(1)/install,$(PKG_ROOT))
endef
MK

cat >"$w/feed/lang/rust/rust-package.mk" <<'MK'
RUST_ARCH_DEPENDS:=@(aarch64||arm||i386||i686||mips||mipsel||x86_64)
Build/Compile = cargo install --locked --profile release --root $(PKG_INSTALL_DIR) --path $(PKG_BUILD_DIR)
define RustBinPackage
  ifndef Package/$(1)/install
    $$(error stand-in: the test expects Package/$(1)/install to be defined)
  endif
endef
MK

unset CARGO_TARGET_DIR
make -s -C "$w/feed/net/netns" TOPDIR="$w/top" PKG_ROOT="$w/root" compile package ||
    fail "the OpenWrt Makefile"
[ -x "$w/root/usr/sbin/netns" ] || fail "no usr/sbin/netns in the package root"
"$w/root/usr/sbin/netns" -V | grep -q '^netns' || fail "the packaged netns does not run"
found=$(cd "$w/root" && find . -type f | sort | tr '\n' ' ')
[ "$found" = "./usr/sbin/netns " ] || fail "unexpected package tree: $found"
echo "ok: OpenWrt Makefile: package definition complete; installs $found"
