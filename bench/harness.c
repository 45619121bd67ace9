/* The benchmark proper: runs our netns and iproute2's ip side by side and prints, one line per
 * figure, ours divided by the reference. bench/run.sh builds it and starts it as PID 1 of a
 * private pid, mount and network namespace with a tmpfs on /run, so every namespace, mount and
 * process it makes dies with it, whatever happens.
 *
 *     harness NETNS IP FLOOR FLOOR_GLIBC TRUE0 PEAK NETNS_STRIPPED HELLO_STRIPPED
 *
 * Timing: wall clock (CLOCK_MONOTONIC) around posix_spawn and waitpid. Peak RSS: ru_maxrss,
 * through `peak` (see peak.c); the kernel's RSS counters are per CPU and read without being
 * summed, so small figures are only good to about 128 KiB per CPU.
 *
 * A round is one call of each variant, back to back (A B A B ..., the order reversed every
 * other round, so neither side always runs right after the other); a figure is the median
 * over many rounds of the round's ratio, and the quartiles of those ratios show the noise.
 * QUICK=1 in the environment runs a fifth of the rounds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAXV 5     /* variants in one comparison */
#define MAXSTEPS 2 /* commands in one call (add, then delete) */
#define MAXROUNDS 1000

static const char *netns, *ip, *floor_bin, *floor_glibc, *true0, *peak;
static int quick, failures;

/* One variant: up to MAXSTEPS argvs run one after the other make one call. */
struct variant {
	const char *name;
	char *const *steps[MAXSTEPS];
};

/* What `peak` reports of a call: peak RSS in KiB and page faults (ru_minflt). */
struct usage {
	long kib, faults;
};

struct result {
	int rounds;
	double sec[MAXV][MAXROUNDS]; /* per round: the wall time of its call */
	struct usage use[MAXV];      /* the highest peak RSS seen, and page faults */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void need(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "bench: %s\n", what);
		exit(1);
	}
}

/* Runs argv to completion with stdin and stdout on /dev/null and returns the wall time.
 * posix_spawn is vfork-like, so the harness adds little to what is timed. With use, argv runs
 * under `peak` and its peak RSS and page faults go there. A failing command is counted and
 * reported. */
static double run(char *const argv[], struct usage *use)
{
	posix_spawn_file_actions_t fa;
	char *pargv[16], num[32] = "";
	int status, pipefd[2];
	pid_t pid;
	double t0, t;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (use) {
		int n = 0;
		pargv[n++] = (char *)peak;
		while (n < 15 && (pargv[n] = argv[n - 1]))
			n++;
		pargv[15] = NULL;
		argv = pargv;
		need(pipe2(pipefd, O_CLOEXEC) == 0, "pipe");
		posix_spawn_file_actions_adddup2(&fa, pipefd[1], 3);
	}
	t0 = now();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		need(0, "cannot start a command");
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	t = now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (use) {
		close(pipefd[1]);
		if (read(pipefd[0], num, sizeof num - 1) <= 0)
			num[0] = 0;
		close(pipefd[0]);
		if (sscanf(num, "%ld %ld", &use->kib, &use->faults) != 2)
			use->kib = use->faults = 0;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: `%s %s %s` failed (status %#x)\n", argv[0],
			argv[1] ? argv[1] : "", argv[1] && argv[2] ? argv[2] : "", status);
		failures++;
	}
	return t;
}

/* One call: its steps in turn. With use, the highest peak of its steps and their page faults
 * go there. */
static double call(const struct variant *v, struct usage *use)
{
	double t = 0;
	struct usage u;

	for (int s = 0; s < MAXSTEPS && v->steps[s]; s++) {
		t += run(v->steps[s], use ? &u : NULL);
		if (use && u.kib > use->kib)
			use->kib = u.kib;
		if (use)
			use->faults += u.faults;
	}
	return t;
}

/* nv variants, one call each per round. A first untimed call of each, which warms the page
 * cache and the kernel's slabs, gives the peak RSS. */
static void measure(struct result *res, const struct variant *v, int nv, int rounds)
{
	memset(res, 0, sizeof *res);
	res->rounds = rounds = quick ? (rounds + 4) / 5 : rounds;
	for (int i = 0; i < nv; i++)
		call(&v[i], &res->use[i]);
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < nv; k++) {
			int i = r % 2 ? nv - 1 - k : k;
			res->sec[i][r] = call(&v[i], NULL);
		}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *x, int n)
{
	qsort(x, n, sizeof *x, cmp);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* The median of the rounds' ratios a/b, and their quartiles in q1 and q3. */
static double time_ratio(const struct result *res, int a, int b, double *q1, double *q3)
{
	static double q[MAXROUNDS];
	int n = res->rounds;
	for (int r = 0; r < n; r++)
		q[r] = res->sec[a][r] / res->sec[b][r];
	double m = median(q, n);
	*q1 = q[n / 4], *q3 = q[(3 * n) / 4];
	return m;
}

static double time_median(const struct result *res, int a)
{
	static double q[MAXROUNDS];
	memcpy(q, res->sec[a], res->rounds * sizeof *q);
	return median(q, res->rounds);
}

static void fmt_time(char *buf, size_t n, double s)
{
	if (s >= 0.01)
		snprintf(buf, n, "%.1fms", s * 1e3);
	else
		snprintf(buf, n, "%.0fus", s * 1e6);
}

/* One output line: the figure, the verdict if there is a target, then what it came from. */
static void line(const char *label, double ratio, double target, const char *detail)
{
	char t[32] = "";
	const char *verdict = "";

	if (target > 0) {
		snprintf(t, sizeof t, "(target <= %.2f)", target);
		verdict = ratio <= target ? "PASS" : "FAIL";
	}
	printf("%-26s %5.2fx  %-4s %-17s %s\n", label, ratio, verdict, t, detail);
	fflush(stdout);
}

static void time_line(const char *label, const struct result *res, int a, const char *aname,
		      int b, const char *bname, double target)
{
	char d[128], ta[16], tb[16];
	double q1, q3, m = time_ratio(res, a, b, &q1, &q3);

	fmt_time(ta, sizeof ta, time_median(res, a));
	fmt_time(tb, sizeof tb, time_median(res, b));
	snprintf(d, sizeof d, "%s %s, %s %s; quartiles %.2f-%.2f, %d rounds", aname, ta, bname, tb,
		 q1, q3, res->rounds);
	line(label, m, target, d);
}

static void rss_line(const char *label, const struct result *res, int a, int b,
		     const char *bname, double target)
{
	char d[128];
	/* RSS counters are per CPU and folded into the total every 32 pages: a process that
	 * touches fewer pages than that on each CPU reads as 0. */
	snprintf(d, sizeof d, "ours %ld KiB%s, %s %ld KiB", res->use[a].kib,
		 res->use[a].kib ? "" : " (under 32 pages a CPU)", bname, res->use[b].kib);
	line(label, (double)res->use[a].kib / res->use[b].kib, target, d);
}

static long file_size(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		perror(path);
		exit(1);
	}
	return st.st_size;
}

/* Our binary's batch mode runs `lines` as one process: setting up 1000 namespaces takes
 * seconds instead of a minute. */
static void batch(const char *lines)
{
	char path[] = "/run/bench-batchXXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, lines, strlen(lines)) != (ssize_t)strlen(lines)) {
		perror("bench: batch file");
		exit(1);
	}
	close(fd);
	char *argv[] = {(char *)netns, "-b", path, NULL};
	run(argv, NULL);
	unlink(path);
}

/* We are PID 1 of our namespace, which the kernel shields from signals it has no handler
 * for; util-linux's unshare, our parent, ignores INT and TERM. So Ctrl-C must be handled here:
 * our exit ends the namespace and with it everything the run made. */
static void stop(int sig)
{
	_exit(128 + sig);
}

int main(int argc, char **argv)
{
	static struct result res;
	char d[160];
	const char *e;

	if (argc != 9) {
		fprintf(stderr, "usage: harness NETNS IP FLOOR FLOOR_GLIBC TRUE0 PEAK NETNS_STRIPPED "
				"HELLO_STRIPPED\n");
		return 2;
	}
	signal(SIGINT, stop), signal(SIGTERM, stop), signal(SIGHUP, stop);
	netns = argv[1], ip = argv[2], floor_bin = argv[3], floor_glibc = argv[4];
	true0 = argv[5], peak = argv[6];
	quick = (e = getenv("QUICK")) && *e && strcmp(e, "0") != 0;
	int names = 1000, sleepers = quick ? 60 : 300, holders = 3;

	/* Size: nothing to run. */
	long ours = file_size(argv[7]), hello = file_size(argv[8]);
	snprintf(d, sizeof d, "ours %ld B, std hello-world %ld B", ours, hello);
	line("size vs hello", (double)ours / hello, 1.25, d);

	/* exec: a namespace made by each program would be the same kind of file. */
	char *add_bx[] = {(char *)netns, "add", "bx", NULL};
	run(add_bx, NULL);
	need(failures == 0, "cannot add a namespace; is this root?");
	char *ours_exec[] = {(char *)netns, "exec", "bx", "/bin/true", NULL};
	char *ip_exec[] = {(char *)ip, "netns", "exec", "bx", "/bin/true", NULL};
	char *floor_exec[] = {(char *)floor_bin, "bx", "/bin/true", NULL};
	/* For scale: the floor's calls with static glibc's start-up, and util-linux's nsenter,
	 * which only does the setns. */
	char *glibc_exec[] = {(char *)floor_glibc, "bx", "/bin/true", NULL};
	char *nsenter_exec[] = {"/usr/bin/nsenter", "--net=/var/run/netns/bx", "/bin/true", NULL};
	struct variant exec_v[] = {{"ours", {ours_exec}},     {"ip", {ip_exec}},
				   {"floor", {floor_exec}},   {"glibc", {glibc_exec}},
				   {"nsenter", {nsenter_exec}}};
	int has_nsenter = access(nsenter_exec[0], X_OK) == 0;
	measure(&res, exec_v, has_nsenter ? 5 : 4, 400);
	time_line("exec vs floor", &res, 0, "ours", 2, "floor", 1.05);
	time_line("exec vs ip", &res, 0, "ours", 1, "ip", 0);
	time_line("  (ip vs floor)", &res, 1, "ip", 2, "floor", 0);
	time_line("  (glibc floor vs floor)", &res, 3, "glibc", 2, "floor", 0);
	if (has_nsenter)
		time_line("  (nsenter --net vs floor)", &res, 4, "nsenter", 2, "floor", 0);

	/* Peak RSS of exec, the command a libc-free `true` so that its own RSS hides nothing; and
	 * the page faults, which are most of what separates ours from the floor: a layout gone
	 * stale (src/layout.ld) shows here first. */
	char *ours_exec0[] = {(char *)netns, "exec", "bx", (char *)true0, NULL};
	char *ip_exec0[] = {(char *)ip, "netns", "exec", "bx", (char *)true0, NULL};
	char *floor_exec0[] = {(char *)floor_bin, "bx", (char *)true0, NULL};
	struct variant exec0_v[] = {
		{"ours", {ours_exec0}}, {"ip", {ip_exec0}}, {"floor", {floor_exec0}}};
	memset(&res, 0, sizeof res);
	for (int i = 0; i < 3; i++)
		call(&exec0_v[i], &res.use[i]);
	rss_line("peak RSS exec vs ip", &res, 0, 1, "ip", 0.5);
	snprintf(d, sizeof d, "ours %ld, floor %ld, ip %ld (each with true0's)", res.use[0].faults,
		 res.use[2].faults, res.use[1].faults);
	line("  (exec page faults)", (double)res.use[0].faults / res.use[2].faults, 0, d);

	/* add+delete: one call is both, so every call starts from the same run directory. */
	char *ours_add[] = {(char *)netns, "add", "cycle", NULL};
	char *ours_del[] = {(char *)netns, "delete", "cycle", NULL};
	char *ip_add[] = {(char *)ip, "netns", "add", "cycle", NULL};
	char *ip_del[] = {(char *)ip, "netns", "delete", "cycle", NULL};
	struct variant cycle_v[] = {{"ours", {ours_add, ours_del}}, {"ip", {ip_add, ip_del}}};
	measure(&res, cycle_v, 2, 200);
	time_line("add+delete vs ip", &res, 0, "ours", 1, "ip", 0.85);

	/* 1000 namespaces, each with an id here, as namespaces with a veth to us have. */
	size_t cap = (size_t)names * 32;
	char *adds = malloc(cap), *sets = malloc(cap);
	size_t na = 0, ns = 0;
	for (int i = 0; i < names; i++) {
		na += snprintf(adds + na, cap - na, "add n%04d\n", i);
		ns += snprintf(sets + ns, cap - ns, "set n%04d auto\n", i);
	}
	batch(adds);
	batch(sets);
	need(failures == 0, "cannot set up the namespaces");

	char *ours_list[] = {(char *)netns, "list", NULL};
	char *ip_list[] = {(char *)ip, "netns", "list", NULL};
	struct variant list_v[] = {{"ours", {ours_list}}, {"ip", {ip_list}}};
	measure(&res, list_v, 2, 40);
	time_line("list 1000 vs ip", &res, 0, "ours", 1, "ip", 0.5);
	rss_line("peak RSS list 1000 vs ip", &res, 0, 1, "ip", 0.5);

	char *ours_listj[] = {(char *)netns, "-j", "list", NULL};
	char *ip_listj[] = {(char *)ip, "-j", "netns", "list", NULL};
	struct variant listj_v[] = {{"ours", {ours_listj}}, {"ip", {ip_listj}}};
	measure(&res, listj_v, 2, 40);
	time_line("list -j 1000 vs ip", &res, 0, "ours", 1, "ip", 0.5);

	/* identify and pids: a few hundred processes, spread over a few namespaces. */
	pid_t *pids = calloc(sleepers, sizeof *pids);
	char holder[8];
	for (int i = 0; i < sleepers; i++) {
		snprintf(holder, sizeof holder, "n%04d", i % holders);
		char *argv_s[] = {(char *)netns, "exec", holder, "sleep", "1000", NULL};
		if (posix_spawn(&pids[i], netns, NULL, NULL, argv_s, environ) != 0)
			need(0, "cannot start the sleepers");
	}
	/* Each must have become `sleep` (so be in its namespace) before we look. */
	for (int i = 0; i < sleepers; i++) {
		char path[64], comm[32] = "";
		snprintf(path, sizeof path, "/proc/%d/comm", pids[i]);
		for (int tries = 0; strcmp(comm, "sleep\n") != 0; tries++) {
			need(tries < 5000, "a sleeper never started");
			FILE *f = fopen(path, "r");
			if (!f || !fgets(comm, sizeof comm, f))
				comm[0] = 0;
			if (f)
				fclose(f);
			if (strcmp(comm, "sleep\n") != 0)
				usleep(1000);
		}
	}
	char pid[16];
	snprintf(pid, sizeof pid, "%d", pids[0]);
	char *ours_id[] = {(char *)netns, "identify", pid, NULL};
	char *ip_id[] = {(char *)ip, "netns", "identify", pid, NULL};
	struct variant id_v[] = {{"ours", {ours_id}}, {"ip", {ip_id}}};
	measure(&res, id_v, 2, 150);
	time_line("identify (1000 ns) vs ip", &res, 0, "ours", 1, "ip", 0);

	char *ours_pids[] = {(char *)netns, "pids", "n0000", NULL};
	char *ip_pids[] = {(char *)ip, "netns", "pids", "n0000", NULL};
	struct variant pids_v[] = {{"ours", {ours_pids}}, {"ip", {ip_pids}}};
	measure(&res, pids_v, 2, 150);
	snprintf(d, sizeof d, "pids (%d procs) vs ip", sleepers);
	time_line(d, &res, 0, "ours", 1, "ip", 0);

	for (int i = 0; i < sleepers; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < sleepers; i++)
		waitpid(pids[i], NULL, 0);
	/* The namespaces and mounts go with our mount namespace when we exit. */
	if (failures)
		fprintf(stderr, "bench: %d commands failed; their figures mean nothing\n", failures);
	return failures ? 1 : 0;
}
