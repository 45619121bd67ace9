# Helpers for the seed walkthroughs in this directory. tests/netns/seeds.rs runs every
# walkthrough in a throwaway mount+network namespace with a fresh /run, with `sh WALKTHROUGH`
# and SEEDS_LIB pointing here; each walkthrough sources this file first.

# Debian's busybox-static is built with FEATURE_SH_STANDALONE: its sh runs its own applet for
# every applet name (ip, ping, ...) before looking at PATH, so `ip` typed in that shell is
# busybox's ip even when another ip comes first in PATH. In busybox mode the harness sets
# SEEDS_IP to the `ip` under test and the walkthrough's `ip` words call it through this
# function, which is what a user of such a shell has to do (a function or an alias).
# Programs other than the shell (our ip's `netns exec`, env, ...) look PATH up as usual.
if [ -n "${SEEDS_IP:-}" ]; then
	ip() { "$SEEDS_IP" "$@"; }
fi

# The walkthroughs run under `set -ex`: the trace (`+ command`) shows each step as written, and
# the last one is the step that failed. The helpers below turn the trace off inside themselves
# (so it shows `+ has ...`, not their insides) and back on when they are done.

# fails CMD...: a step the seed shows failing (or that fails as the seed wrote it); it must fail.
fails() {
	{ set +x; } 2>/dev/null
	if "$@"; then
		echo "seeds: expected this step to fail, it succeeded: $*" >&2
		set -x
		return 1
	fi
	echo "seeds: failed, as expected: $*"
	set -x
}

# busybox_instead APPLET WHY CMD...: the step before failed because busybox's APPLET cannot do
# what the seed asks (WHY). Where the APPLET that runs is busybox's, CMD, the nearest thing it
# can do, runs instead; anywhere else the failure stands.
busybox_instead() {
	{ set +x; } 2>/dev/null
	_applet=$1
	_why=$2
	shift 2
	_path=$(command -v "$_applet") || true
	case $_path in
	*/*) _path=$(readlink -f "$_path") ;;
	*) _path=busybox ;; # a shell that runs its own applets (see the top of this file)
	esac
	if [ "${_path##*/}" != busybox ]; then
		echo "seeds: $_applet failed and is not busybox's" >&2
		set -x
		return 1
	fi
	echo "seeds: busybox $_applet: $_why; instead: $*"
	set -x
	"$@"
}

# show CMD...: runs CMD, prints its output (stdout and stderr) and keeps it in $shown.
show() {
	{ set +x; } 2>/dev/null
	if shown=$("$@" 2>&1); then
		printf '%s\n' "$shown"
		set -x
	else
		_status=$?
		printf '%s\n' "$shown"
		echo "seeds: exit status $_status: $*" >&2
		set -x
		return $_status
	fi
}

# has WANT...: the output kept by the last `show` contains each WANT, in this order.
has() {
	{ set +x; } 2>/dev/null
	_rest=$shown
	for _want; do
		case $_rest in
		*"$_want"*) _rest=${_rest#*"$_want"} ;;
		*)
			printf 'seeds: expected %s (in this order) in:\n%s\n' "$*" "$shown" >&2
			set -x
			return 1
			;;
		esac
	done
	set -x
}

# lacks UNWANTED: the output kept by the last `show` does not contain UNWANTED.
lacks() {
	{ set +x; } 2>/dev/null
	case $shown in
	*"$1"*)
		printf 'seeds: did not expect %s in:\n%s\n' "$1" "$shown" >&2
		set -x
		return 1
		;;
	*) set -x ;;
	esac
}

# is WANT: the output kept by the last `show` is exactly WANT.
is() {
	{ set +x; } 2>/dev/null
	if [ "$shown" != "$1" ]; then
		printf 'seeds: expected exactly:\n%s\ngot:\n%s\n' "$1" "$shown" >&2
		set -x
		return 1
	fi
	set -x
}
