//! Keeps each session span's fields as a [`SessionContext`] in the span's
//! extensions, for the formatter to read.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::SessionContext;
use crate::driver::SESSION_SPAN;

/// A [`Layer`] that follows the engine's session spans: their fields at
/// creation and each one recorded later. Other spans are left alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionContextLayer;

impl<S> Layer<S> for SessionContextLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != SESSION_SPAN || !is_ours(attrs.metadata().target()) {
            return;
        }
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut context = SessionContext::default();
        attrs.record(&mut Fields(&mut context));
        span.extensions_mut().insert(context);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        if let Some(context) = extensions.get_mut::<SessionContext>() {
            values.record(&mut Fields(context));
        }
    }
}

/// Whether a span's target is this crate (an embedder's own spans named
/// "session" are not ours).
fn is_ours(target: &str) -> bool {
    target == "rppp" || target.starts_with("rppp::")
}

/// Writes the span's fields into a [`SessionContext`].
struct Fields<'a>(&'a mut SessionContext);

impl Fields<'_> {
    fn text(&mut self, field: &Field, value: String) {
        match field.name() {
            "ifname" => self.0.ifname = Some(value),
            "user" => self.0.user = Some(value),
            "l2tp" => self.0.l2tp = Some(value),
            _ => {}
        }
    }
}

impl Visit for Fields<'_> {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "id" {
            self.0.id = Some(value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.text(field, value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.text(field, format!("{value:?}"));
    }
}
