/* The peak RSS of a command: peak CMD [ARGS...] runs CMD (a path) and writes its ru_maxrss in
 * KiB and its ru_minflt (page faults) on fd 3, "KIB FAULTS\n", then exits with CMD's exit
 * status (or 128+signal).
 *
 * Why not the harness, or GNU time: a forked child's peak starts at its copy of the parent's
 * memory (execve records the old address space's peak), a few hundred KiB for any program
 * with a libc, more than `exec` itself uses. This one has no libc: its copy is a page or two. */
#include "nolibc.h"

__attribute__((used)) static void start(long *sp)
{
	long argc = sp[0], pid, status = 0, ru[18];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1, num[48], *p = num + sizeof num;

	if (argc < 2)
		sys(SYS_exit, 255, 0, 0, 0, 0);
	if ((pid = sys(SYS_fork, 0, 0, 0, 0, 0)) < 0)
		die("fork", pid);
	if (pid == 0) {
		sys(SYS_close, 3, 0, 0, 0, 0);
		die("exec", sys(SYS_execve, (long)argv[1], (long)(argv + 1), (long)envp, 0, 0));
	}
	if ((pid = sys(SYS_wait4, pid, (long)&status, 0, (long)ru, 0)) < 0)
		die("wait4", pid);
	/* struct rusage: two timevals, then ru_maxrss, three more longs, ru_minflt. */
	*--p = '\n';
	p = decimal(p, ru[8]);
	*--p = ' ';
	p = decimal(p, ru[4]);
	sys(SYS_write, 3, (long)p, num + sizeof num - p, 0, 0);
	sys(SYS_exit, (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff, 0, 0, 0, 0);
}
