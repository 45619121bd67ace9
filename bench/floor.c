/* The floor for `exec`: only the system calls entering a named network namespace needs, in
 * the order iproute2 makes them, and the execvp, with no C library at all. Nothing can run
 * `netns exec NAME CMD` faster, so `exec` is measured against it.
 *
 *     floor NAME CMD [ARGS...]
 *
 * No libc because a static glibc is no floor: its start-up alone (CPU feature detection runs
 * cpuid dozens of times, each a trap to the hypervisor in a VM) can cost more than all these
 * calls together. Built with gcc -static -nostdlib -ffreestanding.
 */
#include "nolibc.h"

/* execvp: a name with a slash runs as is, any other is looked up in PATH. */
static long execvp(char **argv, char **envp)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin", *d;
	char buf[4096], *p;
	long err = -ENOENT;

	for (char **e = envp; *e; e++)
		if (e[0][0] == 'P' && e[0][1] == 'A' && e[0][2] == 'T' && e[0][3] == 'H' && e[0][4] == '=')
			path = *e + 5;
	for (d = argv[0]; *d; d++)
		if (*d == '/')
			return sys(SYS_execve, (long)argv[0], (long)argv, (long)envp, 0, 0);
	for (d = path; *d;) {
		for (p = buf; *d && *d != ':' && p < buf + 2048;)
			*p++ = *d++;
		if (*d == ':')
			d++;
		if (p > buf)
			*p++ = '/';
		put(p, buf + sizeof buf - 1, argv[0]);
		long r = sys(SYS_execve, (long)buf, (long)argv, (long)envp, 0, 0);
		if (r != -ENOENT)
			err = r;
	}
	return err;
}

__attribute__((used)) static void start(long *sp)
{
	long argc = sp[0], fd, r;
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1, path[4096];

	if (argc < 3)
		sys(SYS_exit, 255, 0, 0, 0, 0);
	if (len(argv[1]) > 255)
		die("name", -36);
	put(put(path, path + 20, "/var/run/netns/"), path + sizeof path - 1, argv[1]);
	if ((fd = sys(SYS_open, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0)) < 0)
		die("open", fd);
	if ((r = sys(SYS_setns, fd, CLONE_NEWNET, 0, 0, 0)) < 0)
		die("setns", r);
	sys(SYS_close, fd, 0, 0, 0, 0);
	if ((r = sys(SYS_unshare, CLONE_NEWNS, 0, 0, 0, 0)) < 0)
		die("unshare", r);
	/* Our mounts must not reach the namespace we came from. */
	if ((r = sys(SYS_mount, (long)"", (long)"/", (long)"none", MS_SLAVE | MS_REC, 0)) < 0)
		die("rslave", r);
	sys(SYS_umount2, (long)"/sys", MNT_DETACH, 0, 0, 0);
	if ((r = sys(SYS_mount, (long)argv[1], (long)"/sys", (long)"sysfs", 0, 0)) < 0)
		die("sysfs", r);
	die("exec", execvp(argv + 2, envp));
}
