//! The plugin's log: syslog, facility daemon, ident "rppp" with
//! openl2tpd's pid, as rppp logs under ppp_unix. Sent to `/dev/log` by
//! the `syslog` crate, not through libc's openlog(): that would change
//! the ident of openl2tpd's own messages too. Every session of the daemon
//! shares this log, so each line a session logs starts with its context
//! (`[session=3 if=ppp3 user=alice l2tp=5/7:9/11] ...`, see
//! [`rppp::log_context`]).

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use rppp::log_context::{SessionContextLayer, SessionLineFormat};
use syslog::{Facility, Formatter3164, Logger, LoggerBackend};
use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

type Syslog = Logger<LoggerBackend, Formatter3164>;

/// Installs the plugin's tracing subscriber: INFO, or DEBUG with
/// `RPPP_PLUGIN_DEBUG` in openl2tpd's environment. Without a syslog
/// socket the plugin logs nothing.
pub(crate) fn init() {
    let formatter = Formatter3164 {
        facility: Facility::LOG_DAEMON,
        hostname: None,
        process: "rppp".into(),
        pid: std::process::id(),
    };
    let Ok(logger) = syslog::unix(formatter) else {
        return;
    };
    let level = if std::env::var_os("RPPP_PLUGIN_DEBUG").is_some() {
        Level::DEBUG
    } else {
        Level::INFO
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(MakeSyslog(Arc::new(Mutex::new(logger))))
        .event_format(SessionLineFormat::with_context(true))
        .finish()
        .with(SessionContextLayer);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

struct MakeSyslog(Arc<Mutex<Syslog>>);

/// One event's line, sent at its level when the formatter is done.
struct Line {
    logger: Arc<Mutex<Syslog>>,
    level: Level,
    text: Vec<u8>,
}

impl<'a> MakeWriter<'a> for MakeSyslog {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line {
            logger: Arc::clone(&self.0),
            level: Level::INFO,
            text: Vec::new(),
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line {
        Line {
            logger: Arc::clone(&self.0),
            level: *meta.level(),
            text: Vec::new(),
        }
    }
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.text);
        let text = text.trim_end();
        if text.is_empty() {
            return;
        }
        let Ok(mut logger) = self.logger.lock() else {
            return;
        };
        let _ = match self.level {
            Level::ERROR => logger.err(text),
            Level::WARN => logger.warning(text),
            Level::INFO => logger.info(text),
            _ => logger.debug(text),
        };
    }
}
