//! A server process a measurement starts (the emulator's binary, a peer): started from
//! a command that prints `listening on URL` first, its stderr kept in a file for an
//! error about it, and killed, waited for and its files removed however the
//! measurement ends. Its memory read from `/proc`.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};

/// The characters of the server's stderr an error shows.
const STDERR_CHARS: usize = 500;

pub struct Server {
    child: Child,
    /// Its base URL, as it printed it.
    pub base: String,
    /// Its stderr, and other files to remove with it (the first is the stderr).
    files: Vec<PathBuf>,
}

impl Server {
    /// Starts `command`, its stderr to a temporary file named after `name`; `files`
    /// (such as a configuration it reads) are removed with it.
    pub fn start(name: &str, command: &mut Command, files: Vec<PathBuf>) -> Result<Self, String> {
        let log = std::env::temp_dir().join(format!("{name}-{}.log", std::process::id()));
        let remove = |files: &[PathBuf]| {
            for file in files {
                let _ = std::fs::remove_file(file);
            }
        };
        let program = command.get_program().to_string_lossy().into_owned();
        let stderr = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()));
        let child = stderr.and_then(|stderr| {
            command
                .stdout(Stdio::piped())
                .stderr(stderr)
                .spawn()
                .map_err(|e| format!("cannot start {program}: {e}"))
        });
        let mut all = vec![log];
        all.extend(files);
        let child = child.inspect_err(|_| remove(&all))?;
        let mut server = Self {
            child,
            base: String::new(),
            files: all,
        };
        let mut line = String::new();
        if let Some(stdout) = server.child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        match line.trim().strip_prefix("listening on ") {
            Some(base) => server.base = base.to_owned(),
            None => {
                let _ = server.child.wait();
                return Err(format!(
                    "{program} did not start: it printed {line:?}; on stderr: {}",
                    server.stderr()
                ));
            }
        }
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How it ended, if it has.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The end of what it wrote to stderr.
    pub fn stderr(&self) -> String {
        let text = self
            .files
            .first()
            .and_then(|log| std::fs::read_to_string(log).ok())
            .unwrap_or_default();
        let chars: Vec<char> = text.trim().chars().collect();
        chars[chars.len().saturating_sub(STDERR_CHARS)..]
            .iter()
            .collect()
    }

    /// A `/proc/PID/status` figure in KiB (`VmRSS:`, `VmHWM:`), while it runs.
    pub fn status_kib(&self, field: &str) -> Option<u64> {
        status_kib(self.pid(), field)
    }
}

/// A `/proc/PID/status` figure of `pid` in KiB, for a thread that has the pid only.
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
    }
}
