# Sourced by packaging/static-pie-ld and packaging/static-pie-cc, which link static-pies from a
# toolchain's start and end files for a fixed-address static link: pie_twin FILE sets $twin to
# FILE's position-independent twin from the same directory (crt1.o or Scrt1.o: rcrt1.o, the
# start file that applies the binary's own relocations; crtbegin.o, crtbeginT.o, crtend.o:
# their S variants), or to FILE itself when it has none to be. A twin that is missing ends the
# link, saying which, rather than letting it make a fixed-address binary.
pie_twin() {
    case $1 in
    */crt1.o | */Scrt1.o) twin=${1%/*}/rcrt1.o ;;
    */crtbegin.o | */crtend.o) twin=${1%.o}S.o ;;
    */crtbeginT.o) twin=${1%T.o}S.o ;;
    *) twin=$1 ;;
    esac
    [ -f "$twin" ] || { echo "${0##*/}: no $twin: cannot link a static-pie" >&2; exit 1; }
}
