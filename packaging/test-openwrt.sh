#!/bin/sh
# Runs packaging/openwrt/Makefile in a stand-in for OpenWrt's build system: a feed laid out as
# openwrt/packages (net/netns/Makefile beside lang/rust/rust-package.mk) and a TOPDIR whose
# rules.mk and include/package.mk give the few variables and macros the Makefile uses. The
# stand-in rust-package.mk compiles the way OpenWrt's does (`cargo install --locked --root
# PKG_INSTALL_DIR`), here for the host. Checks that the package definition is complete and that
# every file Package/netns/install copies exists after the build and lands in the package root.
# Then the package's ALTERNATIVES: /sbin/ip is the packaged netns, at a priority that beats
# busybox's applet link (the fallback, priority 0 to opkg and apk) and loses to ip-tiny's (200)
# and ip-full's (300); the links an install sequence leaves are worked out as OpenWrt's
# update_alternatives does (the highest priority installed, else busybox), and the binary runs
# as `ip`. (OpenWrt's real toolchain, its rust/host and a device target cannot be built here.)
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
alternatives:
	@echo '$(ALTERNATIVES)'

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

alts=$(make -s -C "$w/feed/net/netns" TOPDIR="$w/top" alternatives) || fail "reading ALTERNATIVES"
echo "ALTERNATIVES: $alts"
[ "$alts" = "100:/sbin/ip:/usr/sbin/netns" ] || fail "unexpected ALTERNATIVES: $alts"
prio=${alts%%:*} src=${alts##*:}
[ -x "$w/root$src" ] || fail "the alternative's $src is not in the package"
[ "$prio" -gt 0 ] && [ "$prio" -lt 200 ] || fail "priority $prio: not between busybox (0) and ip-tiny (200)"
# The link /sbin/ip gets with these packages installed, as OpenWrt resolves it.
link_with() {
    printf '%s\n' "$@" | sort -t: -k1,1n | tail -n 1 | cut -d: -f3
}
# ip-tiny's and ip-full's, as openwrt's package/network/utils/iproute2/Makefile declares them.
busybox=/bin/busybox tiny=200:/sbin/ip:/usr/libexec/ip-tiny full=300:/sbin/ip:/usr/libexec/ip-full
for case in "netns:$alts" "netns+ip-tiny:$alts $tiny" "netns+ip-full:$alts $full" \
    "netns+ip-tiny+ip-full:$alts $tiny $full" "busybox alone:"; do
    name=${case%%:*} set=${case#*:}
    # shellcheck disable=SC2086
    link=$(link_with "0:/sbin/ip:$busybox" $set)
    echo "  /sbin/ip with $name -> $link"
    case $name in
        netns) [ "$link" = /usr/sbin/netns ] ;;
        netns+ip-tiny) [ "$link" = /usr/libexec/ip-tiny ] ;;
        netns+ip-full | netns+ip-tiny+ip-full) [ "$link" = /usr/libexec/ip-full ] ;;
        *) [ "$link" = "$busybox" ] ;;
    esac || fail "/sbin/ip with $name: $link"
done
ln -s "$w/root/usr/sbin/netns" "$w/ip"
[ "$(PATH=/nonexistent "$w/ip" -V)" = "ip utility, netns-$(sed -n 's/^PKG_VERSION:=//p' "$here/openwrt/Makefile")" ] ||
    fail "the packaged netns, run as ip, does not answer as ip"
echo "ok: OpenWrt alternative $alts: above busybox's ip, below ip-tiny and ip-full; runs as ip"
