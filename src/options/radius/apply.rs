//! Applying `plugin radius.so` (`radattr.so`, `radrealms.so`) and the
//! options they add (`pppd/plugins/radius/radius.c`, `radattr.c`,
//! `radrealms.c`) to [`Options::radius`].

use super::{AvPair, NasPortFrom, RadiusOptions, RadiusOrder, DEFAULT_REALMS_FILE};
use crate::options::apply::Applied;
use crate::options::error::{ErrorKind, Source};
use crate::options::types::Options;
use crate::options::value;

const NEEDS_RADIUS: ErrorKind = ErrorKind::NeedsPlugin {
    plugin: "radius.so",
};

/// The RADIUS plugin `file` names (any directory in front was dropped):
/// `None` when it is not one of them.
pub(crate) fn plugin(
    o: &mut Options,
    file: &str,
    source: &Source,
) -> Option<Result<Applied, ErrorKind>> {
    match file {
        // Loading it twice changes nothing already given.
        "radius.so" => {
            o.radius.get_or_insert_with(|| RadiusOptions::new(source));
        }
        // radattr.c and radrealms.c use radius.so's hooks: pppd cannot
        // load them before it.
        "radattr.so" => {
            let Some(r) = o.radius.as_mut() else {
                return Some(Err(NEEDS_RADIUS));
            };
            r.radattr = true;
        }
        "radrealms.so" => {
            let Some(r) = o.radius.as_mut() else {
                return Some(Err(NEEDS_RADIUS));
            };
            if r.realms_file.is_none() {
                r.realms_file = Some(DEFAULT_REALMS_FILE.into());
            }
        }
        _ => return None,
    }
    Some(Ok(Applied::Done))
}

/// The options of the RADIUS plugins; `Ok(None)` for any other option.
pub(crate) fn radius(
    o: &mut Options,
    name: &str,
    arg: &[u8],
    source: &Source,
) -> Result<Option<Applied>, ErrorKind> {
    if !matches!(
        name,
        "radius-config-file"
            | "avpair"
            | "map-to-ifname"
            | "map-to-ttyname"
            | "realms-config-file"
            | "radius-order"
            | "radius-interim-interval"
    ) {
        return Ok(None);
    }
    let r = o.radius.as_mut().ok_or(NEEDS_RADIUS)?;
    match name {
        "radius-config-file" => {
            r.config_file = nonempty_path(arg)?;
            r.config_source = source.clone();
        }
        "avpair" => r.avpairs.push(avpair(arg, source)?),
        "map-to-ifname" => r.nas_port = NasPortFrom::InterfaceName,
        "radius-order" => {
            r.order = match value::utf8(arg)? {
                "radius" => RadiusOrder::Radius,
                "radius,local" => RadiusOrder::RadiusThenLocal,
                "local,radius" => RadiusOrder::LocalThenRadius,
                other => {
                    return Err(ErrorKind::BadValue {
                        value: other.to_string(),
                        expected: "radius, radius,local or local,radius",
                    })
                }
            }
        }
        "radius-interim-interval" => r.interim_interval = value::seconds_or_off(arg)?,
        "map-to-ttyname" => {
            r.nas_port = NasPortFrom::TtyName;
            return Ok(Some(Applied::Warn(
                "there is no tty under L2TP: the NAS-Port is the interface's number, as with map-to-ifname",
            )));
        }
        "realms-config-file" => {
            let Some(realms) = r.realms_file.as_mut() else {
                return Err(ErrorKind::NeedsPlugin {
                    plugin: "radrealms.so",
                });
            };
            *realms = nonempty_path(arg)?;
        }
        _ => return Ok(None),
    }
    Ok(Some(Applied::Done))
}

fn nonempty_path(arg: &[u8]) -> Result<String, ErrorKind> {
    match value::utf8(arg)? {
        "" => Err(ErrorKind::BadValue {
            value: String::new(),
            expected: "a file name",
        }),
        path => Ok(path.to_string()),
    }
}

/// `ATTRIBUTE=VALUE`, spaces around `=` allowed and the value's double
/// quotes dropped, as radiusclient's `rc_avpair_parse` reads one pair.
fn avpair(arg: &[u8], source: &Source) -> Result<AvPair, ErrorKind> {
    let text = value::utf8(arg)?;
    let bad = || ErrorKind::BadValue {
        value: text.to_string(),
        expected: "ATTRIBUTE=VALUE",
    };
    let (attribute, value) = text.split_once('=').ok_or_else(bad)?;
    let attribute = attribute.trim();
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    let well_formed = !attribute.is_empty()
        && attribute
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if !well_formed {
        return Err(bad());
    }
    Ok(AvPair {
        attribute: attribute.to_string(),
        value: value.to_string(),
        source: source.clone(),
    })
}
