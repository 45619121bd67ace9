#!/bin/bash
# The bash completion completes commands, options, namespace names (from `netns list`, so from
# the run directory the binary was built with) and the command after `exec NAME`. Runs the
# completion function as bash-completion would, with a stand-in netns that lists two names.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bc=/usr/share/bash-completion/bash_completion
[ -f $bc ] || { echo "test-completion: needs bash-completion" >&2; exit 1; }
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
printf '#!/bin/sh\n[ "$1" = list ] && printf "blue\\nred (id: 3)\\n"\n' >"$bin/netns"
chmod 755 "$bin/netns"
PATH=$bin:$PATH
. $bc
. "$here/completion/netns.bash"

fail=0
# complete LINE WANT: the candidates for the last word of LINE (a trailing space: a new word).
complete_line() {
    local line=$1 want=$2
    read -ra COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line COMP_POINT=${#line}
    COMPREPLY=()
    _netns netns "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ')
    if [[ $got == "$want" ]]; then echo "ok: '$line' -> $got"; else echo "FAIL: '$line' -> '$got', wanted '$want'"; fail=1; fi
}
complete_line "netns a" "add attach "
complete_line "netns l" "list list-id "
complete_line "netns -j" "-json "
complete_line "netns exec " "blue red "
complete_line "netns delete r" "red "
complete_line "netns -n " "blue red "
complete_line "netns -json pids b" "blue "
complete_line "netns set blue " "auto "
complete_line "netns list-id t" "target-nsid "
complete_line "netns exec blue unsha" "unshare "
exit $fail
