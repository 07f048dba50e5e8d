//! Memory of the browsers a test started, read from /proc (Linux): the RSS
//! of each Chromium session (its browser process and every process under
//! it: renderer, GPU, network and storage services), so a test or `make
//! bench` can tell the sending tab from the receiving one, a sampler that
//! keeps each session's peak while a transfer runs, and each session's CPU
//! time (what a transfer costs on a machine whose cores are the limit).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One line of the process table.
struct Process {
    pid: i32,
    ppid: i32,
    group: i32,
    rss_kib: u64,
    /// User + system CPU time, in clock ticks.
    cpu_ticks: u64,
}

/// `(ppid, pgrp, utime + stime)` from /proc/PID/stat.
fn stat_fields(pid: &str) -> Option<(i32, i32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt
    // majflt cmajflt utime stime …
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((
        fields.get(1)?.parse().ok()?,
        fields.get(2)?.parse().ok()?,
        ticks,
    ))
}

fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Every process of process group `group` (a chromedriver started as a
/// group leader, and every browser it launched).
fn processes(group: i32) -> Vec<Process> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let pid: i32 = name.parse().ok()?;
            let (ppid, pgrp, cpu_ticks) = stat_fields(&name)?;
            (pgrp == group).then_some(())?;
            Some(Process {
                pid,
                ppid,
                group: pgrp,
                cpu_ticks,
                // A kernel thread or a process that just ended has none.
                rss_kib: rss_kib(&name).unwrap_or(0),
            })
        })
        .collect()
}

/// RSS (KiB) of each browser session of `group`, keyed by the pid of its
/// browser process (a direct child of the group leader, chromedriver).
/// Processes that left the tree (reparented) count under key 0.
pub fn sessions_rss_kib(group: i32) -> BTreeMap<i32, u64> {
    per_session(group, |p| p.rss_kib)
}

/// CPU time (seconds, user + system) each session's processes have used
/// so far, keyed as in [`sessions_rss_kib`]; take it before and after.
pub fn sessions_cpu_secs(group: i32) -> BTreeMap<i32, f64> {
    // SAFETY: sysconf only reads a constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    per_session(group, |p| p.cpu_ticks)
        .into_iter()
        .map(|(k, ticks)| (k, ticks as f64 / hz))
        .collect()
}

/// Sums `value` over each session's processes.
fn per_session(group: i32, value: impl Fn(&Process) -> u64) -> BTreeMap<i32, u64> {
    let all = processes(group);
    let parent: BTreeMap<i32, i32> = all.iter().map(|p| (p.pid, p.ppid)).collect();
    let mut sessions = BTreeMap::new();
    for p in all.iter().filter(|p| p.pid != p.group) {
        let mut pid = p.pid;
        let mut root = 0;
        for _ in 0..32 {
            match parent.get(&pid) {
                Some(&up) if up == group => {
                    root = pid;
                    break;
                }
                Some(&up) => pid = up,
                None => break,
            }
        }
        *sessions.entry(root).or_insert(0) += value(p);
    }
    sessions
}

/// The browser processes (session keys) of `group` right now: call it
/// before and after starting a session to learn which one is new.
pub fn session_roots(group: i32) -> Vec<i32> {
    sessions_rss_kib(group)
        .into_keys()
        .filter(|&k| k != 0)
        .collect()
}

/// The session started since `before` was taken (0 if none or several).
pub fn new_session(group: i32, before: &[i32]) -> i32 {
    let new: Vec<i32> = session_roots(group)
        .into_iter()
        .filter(|r| !before.contains(r))
        .collect();
    if new.len() == 1 {
        new[0]
    } else {
        0
    }
}

/// Each session's peak RSS and the peak of their sum, sampled every
/// `every` until [`Sampler::finish`].
pub struct Sampler {
    stop: Arc<AtomicBool>,
    peaks: Arc<Mutex<Peaks>>,
    task: tokio::task::JoinHandle<()>,
}

/// Peaks seen by a [`Sampler`], in KiB.
#[derive(Debug, Clone, Default)]
pub struct Peaks {
    /// Per session (key as in [`sessions_rss_kib`]).
    pub session: BTreeMap<i32, u64>,
    /// Of all the group's browser processes together.
    pub total: u64,
    /// How many samples were taken.
    pub samples: u64,
}

impl Peaks {
    /// Peak of one session, in MiB.
    pub fn mib(&self, session: i32) -> u64 {
        self.session.get(&session).copied().unwrap_or(0) / 1024
    }
}

impl Sampler {
    pub fn start(group: i32, every: Duration) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peaks = Arc::new(Mutex::new(Peaks::default()));
        let (s, p) = (stop.clone(), peaks.clone());
        let task = tokio::spawn(async move {
            while !s.load(Ordering::Relaxed) {
                let now = sessions_rss_kib(group);
                if let Ok(mut peaks) = p.lock() {
                    peaks.total = peaks.total.max(now.values().sum());
                    for (k, v) in now {
                        let peak = peaks.session.entry(k).or_insert(0);
                        *peak = (*peak).max(v);
                    }
                    peaks.samples += 1;
                }
                tokio::time::sleep(every).await;
            }
        });
        Sampler { stop, peaks, task }
    }

    /// The peaks so far, without stopping.
    pub fn peaks(&self) -> Peaks {
        self.peaks.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Stops sampling; returns the peaks.
    pub async fn finish(self) -> Peaks {
        self.stop.store(true, Ordering::Relaxed);
        let peaks = self.peaks.clone();
        let _ = self.task.await;
        let peaks = peaks.lock().map(|p| p.clone()).unwrap_or_default();
        peaks
    }
}

/// Free bytes for an unprivileged user on the file system holding `path`.
pub fn free_bytes(path: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs writes into the zeroed struct we own; the path is NUL-terminated.
    unsafe {
        let mut stat: libc::statvfs = std::mem::zeroed();
        (libc::statvfs(c_path.as_ptr(), &mut stat) == 0)
            .then(|| stat.f_bavail as u64 * stat.f_frsize as u64)
    }
}
