//! What anyone who can write into the run directory (a container given /run, a careless
//! script) may leave there: links, FIFOs, a link in the run directory's own place. None of it
//! steers a mount, makes a command wait forever, or gets opened when it is no namespace.

use std::fs;
use std::os::unix::fs::{MetadataExt, symlink};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::bounded;
use crate::harness::*;
use crate::table::*;

const LIMIT: Duration = Duration::from_secs(10);

fn said(out: &str, err: &str, code: i32) -> Observed {
    Observed { out: out.into(), err: err.into(), status: Status::Code(code) }
}

fn mounted(point: &str) -> bool {
    mounts().iter().any(|m| m.point == point)
}

/// A tmpfs at `point`, standing for a mount nobody wants gone (/, /home, a container's root).
fn precious_mount(point: &str) {
    fs::create_dir_all(point).expect("making a mount point");
    crate::sandbox::mount(Some("tmpfs"), point, Some("tmpfs"), 0, None).expect("mounting a tmpfs");
}

/// `delete` of a link unmounts nothing: iproute2 unmounts whatever the link points to.
#[test]
fn delete_unmounts_no_link_target() {
    scenario(Compare::Differs("iproute2 unmounts what the link points to"), false, |sb| {
        precious_mount("/run/precious");
        prepare(sb, &[Ns("a")]);
        symlink("/run/precious", path_in_run("evil")).expect("planting a link");
        assert_eq!(bounded::run(sb, &["netns", "delete", "evil"]), Observed::quiet_success());
        assert!(mounted("/run/precious"), "delete evil unmounted the link's target");
        Check::entries(&["a"]).assert();
        symlink("/run/precious", path_in_run("evil")).expect("planting a link");
        assert_eq!(bounded::run(sb, &["-all", "netns", "delete"]), Observed::quiet_success());
        assert!(mounted("/run/precious"), "-all delete unmounted the link's target");
        Check::entries(&[]).assert();
    });
}

/// A run directory that is a link: nothing is mounted or unmounted through it.
#[test]
fn a_linked_run_dir_is_refused() {
    scenario(Compare::Differs("iproute2 binds and shares the link's target"), false, |sb| {
        fs::create_dir_all("/run/elsewhere").expect("making a directory");
        symlink("/run/elsewhere", RUN).expect("planting the run directory as a link");
        let refused = "Refusing netns runtime directory \"/run/netns\": it is a symbolic link\n";
        for argv in [&["netns", "add", "x"][..], &["netns", "attach", "x", "1"]] {
            assert_eq!(bounded::run(sb, argv), said("", refused, 1), "{argv:?}");
            assert_eq!(fs::read_dir("/run/elsewhere").expect("reading").count(), 0, "{argv:?}");
            assert!(!mounted("/run/elsewhere"), "{argv:?} mounted the link's target");
        }
        fs::write("/run/elsewhere/x", b"").expect("a file behind the link");
        for argv in [&["netns", "delete", "x"][..], &["-all", "netns", "delete"]] {
            assert_eq!(bounded::run(sb, argv), said("", refused, 1), "{argv:?}");
            assert!(fs::exists("/run/elsewhere/x").expect("looking"), "{argv:?} removed it");
        }
    });
}

/// A FIFO, directly or through a link, neither makes a command wait nor is opened: a process
/// blocked in writing to it stays blocked.
#[test]
fn fifos_are_not_waited_on_nor_opened() {
    scenario(Compare::Differs("iproute2 waits on a FIFO forever"), false, |sb| {
        prepare(sb, &[Ns("a"), Id("a", 5)]);
        fs::create_dir_all("/run/else").expect("making a directory");
        mkfifo(&path_in_run("f").to_string_lossy());
        mkfifo("/run/else/fifo");
        symlink("/run/else/fifo", path_in_run("lf")).expect("planting a link");
        let writer = sb.keep(
            Command::new("sh")
                .args(["-c", "echo x >/run/else/fifo"])
                .stdin(Stdio::null())
                .spawn()
                .expect("starting a writer"),
        );
        let writer = writer.id();
        assert!(wait_until(LIMIT, || waits_for_a_reader(writer)), "the writer never blocked");
        let not_ns =
            |name: &str| format!("Cannot open network namespace \"{name}\": Invalid argument\n");
        let both = not_ns("lf") + &not_ns("f");
        let setns = |name: &str| {
            format!("setting the network namespace \"{name}\" failed: Invalid argument\n")
        };
        let cases: [(&[&str], Observed); 12] = [
            (&["netns", "list"], said("lf\nf\na (id: 5)\n", &both, 0)),
            (
                &["-j", "netns", "list"],
                said("[{\"name\":\"lf\"},{\"name\":\"f\"},{\"name\":\"a\",\"id\":5}]\n", &both, 0),
            ),
            (&["netns", "list-id"], said("nsid 5 (iproute2 netns name: a)\n", &both, 0)),
            (&["netns", "exec", "f", "true"], said("", &setns("f"), 255)),
            (&["netns", "exec", "lf", "true"], said("", &setns("lf"), 255)),
            (&["-n", "f", "netns", "list"], said("", &setns("f"), 255)),
            (&["-n", "lf", "netns", "list"], said("", &setns("lf"), 255)),
            (&["netns", "set", "f", "1"], said("", &not_ns("f"), 1)),
            (&["netns", "set", "lf", "1"], said("", &not_ns("lf"), 1)),
            (&["netns", "pids", "f"], said("", "", 0)),
            (&["netns", "pids", "lf"], said("", "", 0)),
            (&["netns", "identify"], said("\n", "", 0)),
        ];
        for (argv, expected) in cases {
            assert_eq!(bounded::run(sb, argv), expected, "{argv:?}");
        }
        let ip =
            bounded::output(sb.command(&[], Via::Ip, &os(&["link", "set", "lo", "netns", "lf"])));
        assert_eq!(ip.status, Status::Code(255), "ip link set lo netns lf: {ip:?}");
        assert!(waits_for_a_reader(writer), "the FIFO behind the link was opened");
    });
}

/// Whether process `pid` is asleep in opening a FIFO, waiting for the other end. Once any
/// reader opens the FIFO, it is woken and never sleeps there again.
fn waits_for_a_reader(pid: u32) -> bool {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat.rsplit_once(") ").map(|(_, rest)| rest.starts_with('S'));
    let wchan = fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
    state == Some(true) && wchan == "wait_for_partner"
}

fn mkfifo(path: &str) {
    let made = Command::new("mkfifo").arg(path).status().expect("running mkfifo");
    assert!(made.success(), "mkfifo {path}");
}

/// `monitor` where the run directory is not a directory says so, rather than wait forever for
/// names that can never come.
#[test]
fn monitor_refuses_what_is_no_directory() {
    scenario(Compare::Differs("iproute2 waits without a word"), false, |sb| {
        let not_a_dir = said("", "inotify_add_watch failed: Not a directory\n", 1);
        let monitor = || bounded::run(sb, &["netns", "monitor"]);
        fs::write(RUN, b"").expect("a file as the run directory");
        assert_eq!(monitor(), not_a_dir, "a file");
        fs::remove_file(RUN).expect("removing it");
        mkfifo(RUN);
        assert_eq!(monitor(), not_a_dir, "a FIFO");
        fs::remove_file(RUN).expect("removing it");
        fs::write("/run/file", b"").expect("a file");
        symlink("/run/file", RUN).expect("a link to it as the run directory");
        assert_eq!(monitor(), not_a_dir, "a link to a file");
    });
}

/// The inode of the directory that process `pid`'s inotify descriptor watches, if any.
fn watched_inode(pid: u32) -> Option<u64> {
    let fds = fs::read_dir(format!("/proc/{pid}/fdinfo")).ok()?;
    fds.filter_map(|e| fs::read_to_string(e.ok()?.path()).ok()).find_map(|info| {
        let line = info.lines().find(|l| l.starts_with("inotify wd:"))?;
        let ino = line.split(' ').find_map(|field| field.strip_prefix("ino:"))?;
        u64::from_str_radix(ino, 16).ok()
    })
}

/// `monitor` goes on reporting when its run directory is removed and made anew, or when a
/// mount on it goes: it watches the run directory that is there now.
#[test]
fn monitor_follows_the_run_directory() {
    scenario(Compare::Differs("iproute2 goes deaf"), false, |sb| {
        precious_mount(RUN);
        let mut cmd = sb.command(&[], Via::Netns, &os(&["netns", "monitor"]));
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
        let child = sb.keep(cmd.spawn().expect("spawning monitor"));
        let lines = Lines::new(child.stdout.take().expect("piped stdout"));
        let pid = child.id();
        let watches_the_run_dir = || {
            let now = fs::metadata(RUN).map(|m| m.ino()).ok();
            now.is_some() && watched_inode(pid) == now
        };
        let mut seen = Vec::new();
        let mut round = |what: &str, change: &mut Command| {
            assert!(wait_until(LIMIT, watches_the_run_dir), "monitor never watched: {what}");
            let changed = change.status().expect("changing the run directory");
            assert!(changed.success(), "{what}: {change:?}");
            let followed = wait_until(LIMIT, watches_the_run_dir);
            assert!(followed, "monitor did not watch the run directory after {what}");
            fs::write(path_in_run("z"), b"").expect("creating an entry");
            fs::remove_file(path_in_run("z")).expect("removing it");
            seen.push(lines.next_line(LIMIT));
            seen.push(lines.next_line(LIMIT));
        };
        round("a mount on it went", Command::new("umount").arg(RUN));
        round("it was removed", Command::new("rmdir").arg(RUN));
        let expected = ["add z", "delete z", "add z", "delete z"].map(|l| Some(l.to_string()));
        assert_eq!(seen, expected);
    });
}
