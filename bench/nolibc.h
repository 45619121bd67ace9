/* What the bench's libc-free programs share: system call numbers (x86_64), a syscall, and
 * _start calling start(sp) with the initial stack (argc, argv..., NULL, envp..., NULL). */
#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_mkdir 83
#define SYS_execve 59
#define SYS_exit 60
#define SYS_mount 165
#define SYS_umount2 166
#define SYS_fork 57
#define SYS_wait4 61
#define SYS_unshare 272
#define SYS_setns 308
#define O_RDONLY 0
#define O_CREAT 0100
#define O_EXCL 0200
#define O_CLOEXEC 02000000
#define CLONE_NEWNS 0x00020000
#define CLONE_NEWNET 0x40000000
#define MS_BIND 4096
#define MS_REC 16384
#define MS_SLAVE (1 << 19)
#define MS_SHARED (1 << 20)
#define MNT_DETACH 2
#define ENOENT 2
#define EINVAL 22

static long sys(long n, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

__attribute__((unused)) static unsigned long len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

/* Appends s at p, never past end; returns the new end. */
__attribute__((unused)) static char *put(char *p, char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	*p = 0;
	return p;
}

/* Writes n in decimal just before end; returns where it starts. */
__attribute__((unused)) static char *decimal(char *end, long n)
{
	do
		*--end = '0' + n % 10;
	while (n /= 10);
	return end;
}

/* Says which call failed and its errno on stderr, and exits 1. */
__attribute__((unused)) static void die(const char *what, long err)
{
	char msg[64], *p = put(msg, msg + 40, "bench: ");
	p = put(p, msg + 40, what);
	*p++ = ' ';
	*p++ = '0' + (-err / 100) % 10, *p++ = '0' + (-err / 10) % 10, *p++ = '0' + -err % 10;
	*p++ = '\n';
	sys(SYS_write, 2, (long)msg, p - msg, 0, 0);
	sys(SYS_exit, 1, 0, 0, 0, 0);
}


__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall start\n\thlt");
