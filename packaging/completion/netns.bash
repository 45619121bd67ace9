# bash completion for netns(8): the commands, the global options, and the names of the
# namespaces (as `netns list` prints them, so the run directory is the one netns was built with).

_netns_names()
{
    "$1" list 2>/dev/null | while read -r name _; do printf '%s\n' "$name"; done
}

_netns()
{
    local cur prev words cword
    _init_completion || return

    local cmds="list add attach set delete identify pids exec monitor list-id help"
    local opts="-all -json -pretty -force -netns -batch -Version -help"
    local i cmd= cmdat=0 all=
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -n | -netns | --netns | -b | -batch | --batch) ((i++)) ;;
            -a | -al | -all | --all) all=1 ;;
            -*) ;;
            *) cmd=${words[i]} cmdat=$i; break ;;
        esac
    done

    case $prev in
        -n | -netns | --netns)
            COMPREPLY=($(compgen -W "$(_netns_names "${words[0]}")" -- "$cur"))
            return ;;
        -b | -batch | --batch)
            _filedir
            return ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
        fi
        return
    fi

    # The position of the word being completed, counted from the command.
    local arg=$((cword - cmdat))
    case $cmd in
        delete | set | pids | exec)
            if [[ $cmd == exec && $all ]]; then
                _command_offset $((cmdat + 1))
            elif ((arg == 1)); then
                COMPREPLY=($(compgen -W "$(_netns_names "${words[0]}")" -- "$cur"))
            elif [[ $cmd == exec ]]; then
                _command_offset $((cmdat + 2))
            elif [[ $cmd == set ]] && ((arg == 2)); then
                COMPREPLY=($(compgen -W "auto" -- "$cur"))
            fi ;;
        identify) ((arg == 1)) && _pids ;;
        attach) ((arg == 2)) && _pids ;;
        list-id) COMPREPLY=($(compgen -W "target-nsid nsid" -- "$cur")) ;;
    esac
} &&
    complete -F _netns netns
