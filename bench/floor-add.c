/* The floor for a batch of `add`: the system calls that making N named network namespaces
 * needs and nothing else, with no C library. The run directory is prepared once (made, bound
 * onto itself, shared, as `add` does); then each name takes a placeholder file, a new network
 * namespace, and the bind mount that names it. Nothing can add N namespaces faster, so a batch
 * of `add` is measured against it.
 *
 *     floor-add PREFIX N        names PREFIX00000 to PREFIX(N-1), five digits
 *
 * Each namespace is made by unsharing this process, which then goes back where it started
 * (setns to the namespace it holds open), as ip does and as a batch of ours does where it can
 * come back (elsewhere, in a user namespace, ours makes each namespace in a child, which costs
 * more). A real `add` also takes the run directory's lock and looks before it makes anything,
 * so this is a floor, not a rival.
 */
#include "nolibc.h"

#define RUN_DIR "/var/run/netns"

/* The run directory, a shared mount point, once: if it is not a mount point yet, making it
 * shared fails with EINVAL and it is bound onto itself first. */
static void prepare(void)
{
	long r = sys(SYS_mkdir, (long)RUN_DIR, 0755, 0, 0, 0);
	if (r < 0 && r != -17 /* EEXIST */)
		die("mkdir", r);
	r = sys(SYS_mount, (long)"", (long)RUN_DIR, (long)"none", MS_SHARED | MS_REC, 0);
	if (r == -EINVAL) {
		r = sys(SYS_mount, (long)RUN_DIR, (long)RUN_DIR, (long)"none", MS_BIND | MS_REC, 0);
		if (r < 0)
			die("bind", r);
		r = sys(SYS_mount, (long)"", (long)RUN_DIR, (long)"none", MS_SHARED | MS_REC, 0);
	}
	if (r < 0)
		die("shared", r);
}

static long home; /* the network namespace we started in, held open */

static void add(const char *path)
{
	long fd = sys(SYS_open, (long)path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0, 0, 0), r;
	if (fd < 0)
		die("placeholder", fd);
	sys(SYS_close, fd, 0, 0, 0, 0);
	if ((r = sys(SYS_unshare, CLONE_NEWNET, 0, 0, 0, 0)) < 0)
		die("unshare", r);
	r = sys(SYS_mount, (long)"/proc/self/ns/net", (long)path, (long)"none", MS_BIND, 0);
	if (r < 0)
		die("bind", r);
	if ((r = sys(SYS_setns, home, CLONE_NEWNET, 0, 0, 0)) < 0)
		die("setns", r);
}

__attribute__((used)) static void start(long *sp)
{
	char **argv = (char **)(sp + 1), path[300], *digits;
	long n = 0;

	if (sp[0] != 3 || len(argv[1]) > 200)
		sys(SYS_exit, 255, 0, 0, 0, 0);
	for (const char *d = argv[2]; *d >= '0' && *d <= '9' && n < 100000; d++)
		n = n * 10 + (*d - '0');
	if (n > 100000)
		sys(SYS_exit, 255, 0, 0, 0, 0);
	digits = put(put(path, path + 20, RUN_DIR "/"), path + 250, argv[1]);
	prepare();
	home = sys(SYS_open, (long)"/proc/self/ns/net", O_RDONLY | O_CLOEXEC, 0, 0, 0);
	if (home < 0)
		die("open", home);
	for (long i = 0; i < n; i++) {
		/* Five digits, zero-padded: 100000 + i less its leading 1. */
		char num[8] = "";
		put(digits, path + sizeof path - 1, decimal(num + 7, 100000 + i) + 1);
		add(path);
	}
	sys(SYS_exit, 0, 0, 0, 0, 0);
}
