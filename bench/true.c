/* `true` with no C library: a static program of one page, so that the peak RSS of
 * `exec NAME true0` is the peak of whatever ran before it, not of /bin/true's libc. */
#include "nolibc.h"

__attribute__((used)) static void start(long *sp)
{
	(void)sp;
	sys(SYS_exit, 0, 0, 0, 0, 0);
}
