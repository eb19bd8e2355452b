//! A log line as pppd writes it (the message alone: no time, level or
//! target), with the session's context in front when asked for.

use std::fmt;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::SessionContext;

/// Formats an event as its fields alone, pppd's way, with the
/// [`SessionContext`] of the session it came from in front (and a space)
/// when made [`with_context(true)`](SessionLineFormat::with_context) and
/// the event is inside a session's span. Without the context, spans are
/// never shown: a line is what pppd would write.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionLineFormat {
    context: bool,
}

impl SessionLineFormat {
    /// A format that puts the session's context in front of its lines
    /// when `context`, else none.
    pub fn with_context(context: bool) -> SessionLineFormat {
        SessionLineFormat { context }
    }
}

impl<S, N> FormatEvent<S, N> for SessionLineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        if self.context {
            // The innermost session span: a line logged inside a span of
            // the session's own (none today) still gets the context.
            for span in ctx.event_scope().into_iter().flatten() {
                if let Some(context) = span.extensions().get::<SessionContext>() {
                    if !context.is_empty() {
                        write!(writer, "{context} ")?;
                    }
                    break;
                }
            }
        }
        ctx.format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}
