//! A log line as pppd writes it (the message alone: no time, level or
//! target), with the session's context in front when asked for.

use std::fmt;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::DefaultFields;
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
        // The event's own fields, as tracing-subscriber writes them; not
        // through `ctx`, whose formatter is [`NoSpanFields`].
        DefaultFields::new().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// The field formatter for rppp's subscriber: spans' fields are not
/// written anywhere. tracing-subscriber's formatter would keep every
/// span's fields as text for its life (`id=3 ifname=ppp3 l2tp=...`), a
/// copy per session of what [`SessionContext`] already holds and
/// [`SessionLineFormat`] prints; events' fields are written by
/// [`SessionLineFormat`] itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSpanFields;

impl<'w> FormatFields<'w> for NoSpanFields {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        writer: Writer<'w>,
        fields: R,
    ) -> fmt::Result {
        let _ = (writer, fields);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt;

    use super::super::SessionContextLayer;
    use super::SessionLineFormat;
    use crate::driver::{L2tpIds, SessionId};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What `log` writes with the context on or off, as the engine's
    /// span fills in.
    fn lines(context: bool) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .event_format(SessionLineFormat::with_context(context))
            .finish()
            .with(SessionContextLayer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("outside");
            let id = SessionId::from_number(3).unwrap();
            let span = crate::driver::log_span::session_span(id);
            span.in_scope(|| tracing::info!("started"));
            crate::driver::log_span::record_ifname(&span, "ppp3");
            crate::driver::log_span::record_l2tp(
                &span,
                &L2tpIds {
                    tunnel_id: 5,
                    session_id: 7,
                    peer_tunnel_id: 9,
                    peer_session_id: 11,
                },
            );
            span.in_scope(|| tracing::info!("Using interface ppp3"));
            crate::driver::log_span::record_user(&span, "alice");
            span.in_scope(|| tracing::info!(seconds = 60, "Connect time 1.0 minutes."));
        });
        let text = buffer.0.lock().unwrap().clone();
        String::from_utf8(text).unwrap()
    }

    #[test]
    fn a_session_line_starts_with_what_is_known_of_it() {
        assert_eq!(
            lines(true),
            "outside\n\
             [session=3] started\n\
             [session=3 if=ppp3 l2tp=5/7:9/11] Using interface ppp3\n\
             [session=3 if=ppp3 user=alice l2tp=5/7:9/11] Connect time 1.0 minutes. seconds=60\n"
        );
    }

    #[test]
    fn without_the_context_a_line_is_pppds() {
        assert_eq!(
            lines(false),
            "outside\nstarted\nUsing interface ppp3\nConnect time 1.0 minutes. seconds=60\n"
        );
    }
}
