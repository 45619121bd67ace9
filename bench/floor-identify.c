/* The floor for `identify`: the system calls it needs and nothing else, with no C library:
 * the identity of the process's namespace, the run directory read in one go, and one fstatat
 * of each entry (links not followed), printing the last name that matches.
 *
 *     floor-identify [PID]
 */
#include "nolibc.h"

#define SYS_fstat 5
#define SYS_getdents64 217
#define SYS_newfstatat 262
#define O_DIRECTORY 0200000
#define AT_SYMLINK_NOFOLLOW 0x100

/* The kernel's struct stat on x86_64, as far as st_ino, and room for the rest. */
struct kstat {
	unsigned long dev, ino, rest[16];
};

struct dirent64 {
	unsigned long ino;
	long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

__attribute__((used)) static void start(long *sp)
{
	static char buf[32768], path[64], found[256];
	char **argv = (char **)(sp + 1);
	struct kstat me, st;
	long fd, n;

	put(put(put(path, path + 8, "/proc/"), path + 40, sp[0] > 1 ? argv[1] : "self"),
	    path + 60, "/ns/net");
	if ((fd = sys(SYS_open, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0)) < 0)
		die("open", fd);
	if ((n = sys(SYS_fstat, fd, (long)&me, 0, 0, 0)) < 0)
		die("fstat", n);
	sys(SYS_close, fd, 0, 0, 0, 0);
	fd = sys(SYS_open, (long)"/var/run/netns", O_RDONLY | O_CLOEXEC | O_DIRECTORY, 0, 0, 0);
	if (fd < 0)
		die("open", fd);
	while ((n = sys(SYS_getdents64, fd, (long)buf, sizeof buf, 0, 0)) > 0)
		for (long at = 0; at < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + at);
			at += d->reclen;
			if (sys(SYS_newfstatat, fd, (long)d->name, (long)&st, AT_SYMLINK_NOFOLLOW, 0) == 0 &&
			    st.ino == me.ino && st.dev == me.dev)
				put(found, found + sizeof found - 1, d->name);
		}
	char *end = found + len(found);
	*end++ = '\n';
	sys(SYS_write, 1, (long)found, end - found, 0, 0);
	sys(SYS_exit, 0, 0, 0, 0, 0);
}
