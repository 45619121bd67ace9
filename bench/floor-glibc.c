/* floor.c's system calls with glibc, static: what the first floor was. Reported
 * beside the libc-free floor only to show what a C library's start-up costs (here, glibc's
 * CPU feature detection: cpuid traps to the hypervisor in a VM).
 *
 *     floor-glibc NAME CMD [ARGS...]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096];
	int fd;

	if (argc < 3)
		return 255;
	snprintf(path, sizeof path, "/var/run/netns/%s", argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0 || unshare(CLONE_NEWNS) < 0)
		return perror("floor-glibc"), 1;
	close(fd);
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return perror("floor-glibc: rslave"), 1;
	umount2("/sys", MNT_DETACH);
	if (mount(argv[1], "/sys", "sysfs", 0, NULL) < 0)
		return perror("floor-glibc: sysfs"), 1;
	execvp(argv[2], argv + 2);
	perror("floor-glibc: exec");
	return 1;
}
