//! Where the log goes, as pppd does it: syslog (facility daemon) always,
//! `logfile` when given, and the terminal with `nodetach` when stderr is
//! one. `debug` adds pppd's frame log (`sent [LCP ConfReq id=0x1 ...]`).
//! In the modes that run many sessions in one process, each line a
//! session logs starts with its context ([`rppp::log_context`]):
//! `[session=3 if=ppp3 user=alice l2tp=5/7:9/11] Connect time 1.0 minutes.`

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::io::IsTerminal;
use std::sync::Mutex;

use rppp::log_context::{NoSpanFields, SessionContextLayer, SessionLineFormat};
use tracing::Level;
use tracing_subscriber::fmt::writer::{BoxMakeWriter, MakeWriterExt};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// Where the log goes.
#[derive(Debug, Default)]
pub(crate) struct LogTargets {
    /// pppd's `debug`: the frame log and the negotiation's details.
    pub(crate) debug: bool,
    /// pppd's `logfile`.
    pub(crate) logfile: Option<String>,
    /// stderr too (pppd's `nodetach` on a terminal, or a test).
    pub(crate) stderr: bool,
    /// syslog (facility daemon, ident "rppp").
    pub(crate) syslog: bool,
    /// Each session's context in front of its lines: on where many
    /// sessions share the log (`--sessions-file`, `rppp l2tpd`), off for
    /// pppd's drop-in, whose lines stay pppd's.
    pub(crate) session_context: bool,
}

impl LogTargets {
    /// pppd's rules for a command line's options.
    pub(crate) fn pppd(debug: bool, logfile: Option<String>, nodetach: bool) -> LogTargets {
        LogTargets {
            debug,
            logfile,
            stderr: nodetach && std::io::stderr().is_terminal(),
            syslog: true,
            session_context: false,
        }
    }

    /// The same, with each session's context on its lines.
    pub(crate) fn with_session_context(self) -> LogTargets {
        LogTargets {
            session_context: true,
            ..self
        }
    }
}

struct FileWriter(Mutex<File>);

impl<'a> MakeWriter<'a> for FileWriter {
    type Writer = FileGuard<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        FileGuard(self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

struct FileGuard<'a>(std::sync::MutexGuard<'a, File>);

impl std::io::Write for FileGuard<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Installs the global subscriber. A `logfile` that cannot be opened is an
/// error naming it (pppd's exit code 2 for an option error).
pub(crate) fn init(targets: &LogTargets) -> Result<(), String> {
    let level = if targets.debug {
        Level::DEBUG
    } else {
        Level::INFO
    };
    let mut writer: Option<BoxMakeWriter> = None;
    let mut add = |w: BoxMakeWriter| {
        writer = Some(match writer.take() {
            None => w,
            Some(prev) => BoxMakeWriter::new(prev.and(w)),
        });
    };
    if let Some(path) = &targets.logfile {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("logfile {path}: {}", rppp::kernel::os_error_text(&e)))?;
        add(BoxMakeWriter::new(FileWriter(Mutex::new(file))));
    }
    if targets.stderr {
        add(BoxMakeWriter::new(std::io::stderr));
    }
    if targets.syslog {
        const IDENT: &CStr = c"rppp";
        let options = syslog_tracing::Options::LOG_PID;
        if let Some(syslog) =
            syslog_tracing::Syslog::new(IDENT, options, syslog_tracing::Facility::Daemon)
        {
            add(BoxMakeWriter::new(syslog));
        }
    }
    let Some(writer) = writer else {
        return Ok(());
    };
    // Every target gets the same text: syslog's line is the logfile's.
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(writer)
        .fmt_fields(NoSpanFields)
        .event_format(SessionLineFormat::with_context(targets.session_context))
        .finish()
        .with(SessionContextLayer);
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(())
}
