//! Kernels we cannot boot, emulated for one command: a seccomp filter, installed in the child
//! just before it becomes the program under test, answers chosen system calls with the errno
//! a kernel without the feature gives; and strace rewrites a request on its way to the kernel
//! where what differs is a netlink message, which no filter can read. This file belongs to
//! the suite's sys layer (with sandbox.rs): the unsafe code lives here and there only.

#![allow(unsafe_code)]

use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// How an argument must look for a rule to apply.
#[derive(Clone, Copy, Debug)]
pub enum Arg {
    /// Its low 32 bits are one of these.
    Is(&'static [u32]),
    /// Its low 32 bits have one of these bits set.
    Has(u32),
}

/// A system call refused with `errno` when every listed argument (by position) matches.
#[derive(Clone, Copy, Debug)]
pub struct Refuse {
    pub syscall: libc::c_long,
    pub args: &'static [(usize, Arg)],
    pub errno: i32,
}

/// Linux before 4.12 (ext-ack) and 4.20 (cap-ack, strict checking): setsockopt refuses the
/// three netlink options as an unknown option.
pub const NO_NETLINK_OPTIONS: Refuse = Refuse {
    syscall: libc::SYS_setsockopt,
    args: &[(1, Arg::Is(&[SOL_NETLINK])), (2, Arg::Is(&[CAP_ACK, EXT_ACK, STRICT_CHK]))],
    errno: libc::ENOPROTOOPT,
};

/// Only strict checking missing (4.20's), the other two there.
pub const NO_STRICT_CHECKING: Refuse = Refuse {
    syscall: libc::SYS_setsockopt,
    args: &[(1, Arg::Is(&[SOL_NETLINK])), (2, Arg::Is(&[STRICT_CHK]))],
    errno: libc::ENOPROTOOPT,
};

/// Only NETLINK_CAP_ACK missing: errors echo the whole request.
pub const NO_CAP_ACK: Refuse = Refuse {
    syscall: libc::SYS_setsockopt,
    args: &[(1, Arg::Is(&[SOL_NETLINK])), (2, Arg::Is(&[CAP_ACK]))],
    errno: libc::ENOPROTOOPT,
};

/// A kernel without CONFIG_NET_NS: unshare(CLONE_NEWNET) and setns are invalid there.
pub const NO_NET_NS: [Refuse; 2] = [
    Refuse {
        syscall: libc::SYS_unshare,
        args: &[(0, Arg::Has(libc::CLONE_NEWNET as u32))],
        errno: libc::EINVAL,
    },
    Refuse { syscall: libc::SYS_setns, args: &[], errno: libc::EINVAL },
];

/// A directory that cannot be read (a failing disk): getdents64 says EIO.
pub const UNREADABLE_DIRS: [Refuse; 1] =
    [Refuse { syscall: libc::SYS_getdents64, args: &[], errno: libc::EIO }];

const SOL_NETLINK: u32 = 270;
const CAP_ACK: u32 = 10;
const EXT_ACK: u32 = 11;
const STRICT_CHK: u32 = 12;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7;
/// EM_PPC64 with the 64-bit flag and without the little-endian one.
#[cfg(all(target_arch = "powerpc64", target_endian = "big"))]
const AUDIT_ARCH: u32 = 0x8000_0015;
#[cfg(all(target_arch = "powerpc64", target_endian = "little"))]
const AUDIT_ARCH: u32 = 0xc000_0015;
#[cfg(target_arch = "s390x")]
const AUDIT_ARCH: u32 = 0x8000_0016;

/// struct seccomp_data: the syscall number, the architecture, then six 64-bit arguments.
const NR: u32 = 0;
const ARCH: u32 = 4;
fn arg_offset(index: usize) -> u32 {
    // The low half of a 64-bit argument: its first word on a little-endian machine, its
    // second on a big-endian one.
    16 + 8 * index as u32 + if cfg!(target_endian = "big") { 4 } else { 0 }
}

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter { code: code as u16, jt: 0, jf: 0, k }
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code: code as u16, jt, jf, k }
}

const LOAD: u32 = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
const RET: u32 = libc::BPF_RET | libc::BPF_K;

/// One rule's instructions: they return the errno when it applies, else run on past the end.
fn block(rule: &Refuse) -> Vec<libc::sock_filter> {
    // Jumps to "past the end" are written as u8::MAX and fixed once the length is known.
    const END: u8 = u8::MAX;
    let mut code =
        vec![stmt(LOAD, NR), jump(libc::BPF_JMP | libc::BPF_JEQ, rule.syscall as u32, 0, END)];
    for (index, arg) in rule.args {
        code.push(stmt(LOAD, arg_offset(*index)));
        match arg {
            Arg::Is(values) => {
                for (i, value) in values.iter().enumerate() {
                    let past_the_rest = (values.len() - i) as u8;
                    code.push(jump(libc::BPF_JMP | libc::BPF_JEQ, *value, past_the_rest, 0));
                }
                code.push(libc::sock_filter {
                    code: (libc::BPF_JMP | libc::BPF_JA) as u16,
                    jt: 0,
                    jf: 0,
                    k: u32::MAX,
                });
            }
            Arg::Has(bits) => code.push(jump(libc::BPF_JMP | libc::BPF_JSET, *bits, 0, END)),
        }
    }
    code.push(stmt(RET, libc::SECCOMP_RET_ERRNO | rule.errno as u32));
    let len = code.len();
    for (at, insn) in code.iter_mut().enumerate() {
        let to_end = (len - at - 1) as u8;
        if insn.code == (libc::BPF_JMP | libc::BPF_JA) as u16 {
            insn.k = u32::from(to_end);
        } else {
            if insn.jt == END {
                insn.jt = to_end;
            }
            if insn.jf == END {
                insn.jf = to_end;
            }
        }
    }
    code
}

/// The whole filter: another architecture's calls pass, then each rule, then everything passes.
fn filter(rules: &[Refuse]) -> Vec<libc::sock_filter> {
    let body: Vec<_> = rules.iter().flat_map(block).collect();
    let mut code = vec![
        stmt(LOAD, ARCH),
        jump(libc::BPF_JMP | libc::BPF_JEQ, AUDIT_ARCH, 0, u8::try_from(body.len()).unwrap()),
    ];
    code.extend(body);
    code.push(stmt(RET, libc::SECCOMP_RET_ALLOW));
    code
}

/// Makes `cmd` run under a kernel that refuses as `rules` say.
pub fn refusing(cmd: &mut Command, rules: &[Refuse]) {
    let code = filter(rules);
    // SAFETY: the closure runs in the forked child before exec and makes only two prctl calls
    // on memory (`code`, `prog`) allocated before the fork; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let prog =
                libc::sock_fprog { len: code.len() as u16, filter: code.as_ptr().cast_mut() };
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog) != 0
            {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        })
    };
}

/// strace, where it is installed; if it is not, `what` is skipped (a failure under CI=true).
pub fn strace(what: &str) -> Option<&'static str> {
    crate::skips::STRACE.needed_for(what)
}

/// A kernel before 4.0 knows no RTM_GETNSID (90) and refuses it as a type it has no handler
/// for (EOPNOTSUPP). strace writes each datagram's first header over with one of type 98,
/// which no kernel handles either: `len` is the first request's length, unchanged. The rest
/// of the datagram, if any, is left alone.
pub fn strace_without_getnsid(len: u32) -> Vec<String> {
    let mut data = String::new();
    for b in len.to_le_bytes().into_iter().chain(98u16.to_le_bytes()) {
        data.push_str(&format!("{b:02x}"));
    }
    strace_injecting(&format!("sendto:poke_enter=@arg2={data}"))
}

/// strace's arguments that tamper with system calls as `inject` says, and say nothing.
pub fn strace_injecting(inject: &str) -> Vec<String> {
    ["-f", "-o", "/dev/null", "-e", &format!("inject={inject}")].map(String::from).to_vec()
}
