//! The control pipe on tokio: the FIFO made and read, the answers written
//! to the result files.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::sys::stat::Mode;
use tokio::io::AsyncWriteExt;
use tokio::net::unix::pipe;
use tokio::time::Instant;

use super::frame::Framer;
use super::reply::Reply;
use super::request::{Message, ReplyTarget};

/// xl2tpd's control pipe.
pub const DEFAULT_CONTROL_PIPE: &str = "/var/run/xl2tpd/l2tp-control";

/// How long the pipe must stay quiet after bytes without a newline before
/// they are taken as a message (`xl2tpd-control` sends none, and waits a
/// second for its answer).
pub const QUIET: Duration = Duration::from_millis(50);

/// How long writing an answer into a result FIFO may take: as long as
/// `xl2tpd-control` waits for it.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(1);

/// The control pipe: a FIFO the daemon reads messages from. Removed when
/// dropped.
#[derive(Debug)]
pub struct ControlPipe {
    path: PathBuf,
    /// The FIFO's device and inode, so that drop removes only this one.
    id: (u64, u64),
    receiver: pipe::Receiver,
    framer: Framer,
    /// When the last bytes of an unfinished line came.
    last_bytes: Option<Instant>,
    /// [`QUIET`] unless set.
    quiet: Duration,
}

impl ControlPipe {
    /// Makes the FIFO at `path` (mode 0600) and opens it.
    ///
    /// The parent directory is created (mode 0755) if missing. A FIFO
    /// already at `path` is replaced, as xl2tpd does at start, unless a
    /// process has it open for reading (another daemon: `AddrInUse`);
    /// anything else at `path` is left alone (`AlreadyExists`). The FIFO
    /// is opened for reading and writing, so that writers closing it never
    /// make it read end of file; must be called within a tokio runtime.
    pub fn open(path: impl AsRef<Path>) -> io::Result<ControlPipe> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o755)
                .create(parent)?;
        }
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_fifo() => {
                if open_for_writing(&path).is_ok() {
                    return Err(io::Error::new(
                        io::ErrorKind::AddrInUse,
                        format!("{}: another process reads this pipe", path.display()),
                    ));
                }
                fs::remove_file(&path)?;
            }
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{}: exists and is not a FIFO", path.display()),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        nix::unistd::mkfifo(&path, Mode::S_IRUSR | Mode::S_IWUSR)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
            .open(&path)?;
        let meta = file.metadata()?;
        let receiver = pipe::Receiver::from_file(file)?;
        Ok(ControlPipe {
            path,
            id: (meta.dev(), meta.ino()),
            receiver,
            framer: Framer::new(),
            last_bytes: None,
            quiet: QUIET,
        })
    }

    /// The FIFO's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets how long the pipe must stay quiet before bytes without a
    /// newline are a message ([`QUIET`] by default). Keep it well under
    /// the second `xl2tpd-control` waits for its answer.
    pub fn set_quiet(&mut self, quiet: Duration) {
        self.quiet = quiet;
    }

    /// The next message. Cancel-safe: bytes read are kept in `self`, so
    /// it can be a branch of `tokio::select!`. An error is the pipe's own
    /// (reading it failed); messages that do not parse come as
    /// `Ok(Message)` with `request: Err(_)`.
    pub async fn next(&mut self) -> io::Result<Message> {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(message) = self.framer.next_message() {
                return Ok(message);
            }
            let quiet_end = self
                .last_bytes
                .filter(|_| self.framer.is_partial())
                .map(|t| t + self.quiet);
            tokio::select! {
                ready = self.receiver.readable() => {
                    ready?;
                    loop {
                        match self.receiver.try_read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => {
                                self.framer.push(&buf[..n]);
                                self.last_bytes = Some(Instant::now());
                                // Hand out what is cut before reading
                                // more: a writer that never stops must
                                // not grow the queue without bound.
                                if self.framer.has_message() {
                                    break;
                                }
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                () = sleep_until(quiet_end), if quiet_end.is_some() => {
                    self.framer.flush();
                    self.last_bytes = None;
                }
            }
        }
    }

    /// Writes `reply` to the result file a message named, or nowhere for
    /// `None`.
    ///
    /// xl2tpd opens the path with `fopen(path, "w")` as root, creating or
    /// truncating whatever is there, then unlinks it. rppp writes only:
    /// - a FIFO (`xl2tpd-control`'s), opened without blocking, so a FIFO
    ///   nobody reads is an error, and written within
    ///   [`REPLY_TIMEOUT`]; then it unlinks it, as xl2tpd does;
    /// - a new regular file (mode 0600), left in place for the caller to
    ///   read;
    ///
    /// and nothing else: not a file that exists (an empty one may be a
    /// `/proc` or `/sys` control file), not a device, never through a
    /// symbolic link, so a mistyped path cannot truncate or poke a file.
    pub async fn reply(to: Option<&ReplyTarget>, reply: &Reply) -> io::Result<()> {
        match to {
            Some(to) => write_reply(to.path(), reply.to_string().as_bytes()).await,
            None => Ok(()),
        }
    }
}

impl Drop for ControlPipe {
    fn drop(&mut self) {
        if let Ok(meta) = fs::symlink_metadata(&self.path) {
            if (meta.dev(), meta.ino()) == self.id {
                let _ = fs::remove_file(&self.path);
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Opens a FIFO for writing without blocking: fails (`ENXIO`) when no
/// process has it open for reading.
fn open_for_writing(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

async fn write_reply(path: &Path, text: &[u8]) -> io::Result<()> {
    let refuse = |what: &str| {
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{}: {what}, not writing a reply there", path.display()),
        )
    };
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    match meta {
        Some(meta) if meta.file_type().is_fifo() => {
            let file = open_for_writing(path)?;
            let mut sender = pipe::Sender::from_file(file)?;
            let written = tokio::time::timeout(REPLY_TIMEOUT, sender.write_all(text)).await;
            drop(sender);
            let _ = fs::remove_file(path);
            match written {
                Ok(result) => result,
                Err(_) => Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("{}: the reader did not take the reply", path.display()),
                )),
            }
        }
        Some(_) => Err(refuse("exists and is not a FIFO")),
        None => {
            let file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(path)?;
            write_file(file, text)
        }
    }
}

fn write_file(mut file: File, text: &[u8]) -> io::Result<()> {
    use std::io::Write;
    file.write_all(text)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::l2tpd::control::reply::Failure;
    use crate::l2tpd::control::request::{LacRef, ParseError, Request};

    /// A fresh directory under the system's temporary one.
    fn temp_dir(name: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "rppp-control-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// What `echo "$text" > pipe` does: open (blocking), one write, close.
    fn echo(pipe: &Path, text: &[u8]) {
        let mut f = OpenOptions::new().write(true).open(pipe).unwrap();
        f.write_all(text).unwrap();
    }

    async fn next(pipe: &mut ControlPipe) -> Message {
        tokio::time::timeout(Duration::from_secs(5), pipe.next())
            .await
            .expect("a message within 5 s")
            .unwrap()
    }

    fn connect(name: &str) -> Request {
        Request::Connect {
            lac: LacRef { name: name.into() },
            credentials: None,
        }
    }

    #[test]
    fn echo_commands_arrive_in_order() {
        let dir = temp_dir("echo");
        let path = dir.join("sub").join("l2tp-control");
        run(async {
            let mut pipe = ControlPipe::open(&path).unwrap();
            let meta = fs::symlink_metadata(&path).unwrap();
            assert!(meta.file_type().is_fifo());
            assert_eq!(meta.mode() & 0o777, 0o600);
            echo(&path, b"c one\n");
            echo(&path, b"c two\n");
            echo(&path, b"d two\nc three\n");
            let mut got = Vec::new();
            for _ in 0..4 {
                got.push(next(&mut pipe).await.request.unwrap());
            }
            assert_eq!(
                got,
                vec![
                    connect("one"),
                    connect("two"),
                    Request::Disconnect {
                        lac: LacRef { name: "two".into() }
                    },
                    connect("three"),
                ]
            );
            // Writers closing gave no end of file: the pipe still works.
            echo(&path, b"q\n");
            assert_eq!(
                next(&mut pipe).await.request,
                Err(ParseError::UnknownCommand {
                    word: b"q".to_vec()
                })
            );
            drop(pipe);
            assert!(fs::symlink_metadata(&path).is_err(), "removed on drop");
        });
        fs::remove_dir_all(&dir).unwrap();
    }

    /// What `xl2tpd-control connect-lac vpn` does: a result FIFO opened
    /// for reading first, `@FILE c vpn` written without a newline, the
    /// answer read back.
    #[test]
    fn xl2tpd_control_gets_its_answer() {
        let dir = temp_dir("ctl");
        let path = dir.join("l2tp-control");
        let result = dir.join("xl2tpd-control-4242.out");
        run(async {
            let mut pipe = ControlPipe::open(&path).unwrap();
            nix::unistd::mkfifo(&result, Mode::S_IRUSR | Mode::S_IWUSR).unwrap();
            let mut reader = OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&result)
                .unwrap();
            echo(&path, format!("@{} c vpn", result.display()).as_bytes());
            let message = next(&mut pipe).await;
            assert_eq!(message.request, Ok(connect("vpn")));
            let to = message.reply_to.expect("a result file");
            assert_eq!(to.path(), result);
            ControlPipe::reply(
                Some(&to),
                &Reply::Failed(Failure::AlreadyActive("vpn".into())),
            )
            .await
            .unwrap();
            let mut answer = String::new();
            reader.read_to_string(&mut answer).unwrap();
            assert_eq!(answer, "01 Session 'vpn' already active!\n");
            assert!(!result.exists(), "the result FIFO is unlinked");
            // A FIFO nobody reads: an error, never a hang.
            nix::unistd::mkfifo(&result, Mode::S_IRUSR | Mode::S_IWUSR).unwrap();
            assert!(ControlPipe::reply(Some(&to), &Reply::Ok).await.is_err());
            fs::remove_file(&result).unwrap();
            // No result file: nothing written, no error.
            ControlPipe::reply(None, &Reply::Ok).await.unwrap();
        });
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn regular_result_files() {
        let dir = temp_dir("files");
        fs::create_dir_all(&dir).unwrap();
        run(async {
            let to = |name: &str| {
                Message::parse(format!("@{} x", dir.join(name).display()).as_bytes())
                    .reply_to
                    .unwrap()
            };
            // A new file.
            ControlPipe::reply(Some(&to("new")), &Reply::Ok)
                .await
                .unwrap();
            assert_eq!(fs::read_to_string(dir.join("new")).unwrap(), "00 OK\n");
            // Never a file that exists (even empty: /proc's are), a
            // symbolic link or a directory.
            fs::write(dir.join("empty"), b"").unwrap();
            assert!(ControlPipe::reply(Some(&to("empty")), &Reply::Ok)
                .await
                .is_err());
            assert_eq!(fs::read(dir.join("empty")).unwrap(), b"");
            fs::write(dir.join("full"), b"keep").unwrap();
            assert!(ControlPipe::reply(Some(&to("full")), &Reply::Ok)
                .await
                .is_err());
            assert_eq!(fs::read(dir.join("full")).unwrap(), b"keep");
            std::os::unix::fs::symlink(dir.join("gone"), dir.join("link")).unwrap();
            assert!(ControlPipe::reply(Some(&to("link")), &Reply::Ok)
                .await
                .is_err());
            assert!(!dir.join("gone").exists());
            fs::create_dir(dir.join("dir")).unwrap();
            assert!(ControlPipe::reply(Some(&to("dir")), &Reply::Ok)
                .await
                .is_err());
        });
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn open_replaces_a_stale_fifo_only() {
        let dir = temp_dir("stale");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("l2tp-control");
        run(async {
            // A stale FIFO from a daemon that died: replaced.
            nix::unistd::mkfifo(&path, Mode::S_IRUSR | Mode::S_IWUSR).unwrap();
            let pipe = ControlPipe::open(&path).unwrap();
            // A second daemon finds it read: refused, and the first keeps it.
            let err = ControlPipe::open(&path).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
            assert!(path.exists());
            drop(pipe);
            // A regular file: left alone.
            fs::write(&path, b"data").unwrap();
            let err = ControlPipe::open(&path).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
            assert_eq!(fs::read(&path).unwrap(), b"data");
            fs::remove_file(&path).unwrap();
        });
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A command split across two writes of one writer, the first read
    /// before the second is written: joined, and `next` dropped in
    /// between loses nothing.
    #[test]
    fn split_command_is_joined() {
        let dir = temp_dir("split");
        let path = dir.join("l2tp-control");
        run(async {
            let mut pipe = ControlPipe::open(&path).unwrap();
            // Long enough that a loaded machine cannot end the line early.
            pipe.set_quiet(Duration::from_secs(30));
            let mut w = OpenOptions::new().write(true).open(&path).unwrap();
            w.write_all(b"c fo").unwrap();
            let early = tokio::time::timeout(Duration::from_millis(50), pipe.next()).await;
            assert!(early.is_err(), "no message from half a line");
            w.write_all(b"ur\n").unwrap();
            drop(w);
            assert_eq!(next(&mut pipe).await.request, Ok(connect("four")));
        });
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn many_messages_in_one_write_all_arrive() {
        let dir = temp_dir("many");
        let path = dir.join("l2tp-control");
        run(async {
            let mut pipe = ControlPipe::open(&path).unwrap();
            let text: String = (1..=500).map(|i| format!("h {i}\n")).collect();
            echo(&path, text.as_bytes());
            for i in 1..=500 {
                assert_eq!(
                    next(&mut pipe).await.request,
                    Ok(Request::Hangup { call_id: i })
                );
            }
        });
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn overlong_line_is_dropped_and_the_next_one_read() {
        let dir = temp_dir("long");
        let path = dir.join("l2tp-control");
        run(async {
            let mut pipe = ControlPipe::open(&path).unwrap();
            let mut long = vec![b'c', b' '];
            long.resize(10_000, b'v');
            long.push(b'\n');
            echo(&path, &long);
            echo(&path, b"c ok\n");
            assert_eq!(
                next(&mut pipe).await.request,
                Err(ParseError::TooLong { len: 10_000 })
            );
            assert_eq!(next(&mut pipe).await.request, Ok(connect("ok")));
        });
        fs::remove_dir_all(&dir).unwrap();
    }
}
