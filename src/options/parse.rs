//! Reading the options in pppd's order: `/etc/ppp/options` (and the user's
//! `~/.ppprc`, when the caller names it), then the command line; `file`
//! and `call` read another file in place (pppd's `main.c`, `options.c`).
//!
//! Privilege follows pppd: the command line and `~/.ppprc` are privileged
//! when the real user is root, `/etc/ppp/options` and `call` files always
//! are, and a `file` inherits the privilege of what named it.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;

use super::apply::{self, Applied, State};
use super::error::{ErrorKind, OptionsError, Source, Warning};
use super::table::{self, Class, Spec};
use super::types::Options;
use super::{value, Context, MAX_INCLUDE_DEPTH};

/// Words and where each came from.
type Words = [(Vec<u8>, Source)];

struct Parser<'a> {
    options: Options,
    state: State,
    context: &'a Context,
    read: &'a mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
    warned: HashSet<String>,
}

/// Whether a missing file is simply absent (pppd: `ENOENT`, `ENOTDIR`).
fn is_absent(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

impl Parser<'_> {
    /// Records a warning, once per option name.
    fn warn(&mut self, option: &[u8], source: &Source, message: impl Into<String>) {
        let option = String::from_utf8_lossy(option).into_owned();
        if self.warned.insert(option.clone()) {
            self.options.warnings.push(Warning {
                option,
                source: source.clone(),
                message: message.into(),
            });
        }
    }

    /// Processes `words`, with `privileged` rights, `depth` files deep.
    fn run(&mut self, words: &Words, privileged: bool, depth: usize) -> Result<(), OptionsError> {
        let mut i = 0;
        while let Some((word, source)) = words.get(i) {
            if self.options.request.is_some() {
                return Ok(());
            }
            let Some(spec) = table::lookup(word) else {
                self.wild(word, source)?;
                i += 1;
                continue;
            };
            let arg: &[u8] = match spec.args {
                0 => &[],
                _ => match words.get(i + 1) {
                    Some((arg, _)) => arg,
                    None => return Err(OptionsError::at(word, source, ErrorKind::MissingArgument)),
                },
            };
            i += 1 + spec.args;
            if spec.privileged && !privileged {
                return Err(OptionsError::at(word, source, ErrorKind::NeedsPrivilege));
            }
            self.option(spec, word, arg, source, privileged, depth)?;
        }
        Ok(())
    }

    /// One known option.
    fn option(
        &mut self,
        spec: &Spec,
        word: &[u8],
        arg: &[u8],
        source: &Source,
        privileged: bool,
        depth: usize,
    ) -> Result<(), OptionsError> {
        let fail = |kind| OptionsError::at(word, source, kind);
        match spec.class {
            Class::Serial => self.warn(word, source, table::SERIAL),
            Class::Ignored(why) => self.warn(word, source, why),
            Class::NoOp => {}
            Class::Unsupported(reason) => return Err(fail(ErrorKind::NotSupported { reason })),
            Class::Apply => match spec.canonical {
                "file" => {
                    let path = value::utf8(arg).map_err(fail)?;
                    self.include(path, privileged, depth + 1, true, Some((word, source)))?;
                }
                "call" => {
                    let name = value::utf8(arg).map_err(fail)?;
                    let path = self.call_path(name).map_err(fail)?;
                    self.include(&path, true, depth + 1, true, Some((word, source)))?;
                }
                "+ua" => self.user_file(arg).map_err(fail)?,
                name => {
                    let written = String::from_utf8_lossy(word);
                    match apply::apply(
                        &mut self.options,
                        &mut self.state,
                        name,
                        &written,
                        arg,
                        source,
                    ) {
                        Ok(Applied::Done) => {}
                        Ok(Applied::Warn(why)) => self.warn(word, source, why),
                        Err(kind) => return Err(fail(kind)),
                    }
                }
            },
        }
        Ok(())
    }

    /// A word that is no option name: pppd's wildcard options.
    /// `<local>:<remote>` sets addresses, a number is a serial line speed,
    /// and a path is a serial device.
    fn wild(&mut self, word: &[u8], source: &Source) -> Result<(), OptionsError> {
        if word.contains(&b':') {
            let (local, remote) =
                value::address_pair(word).map_err(|kind| OptionsError::at(word, source, kind))?;
            // As in pppd, an empty side leaves the address as it was.
            if local.is_some() {
                self.options.ipcp.local = local;
            }
            if remote.is_some() {
                self.options.ipcp.remote = remote;
            }
        } else if !word.is_empty()
            && word.iter().all(u8::is_ascii_digit)
            && word.iter().any(|&d| d != b'0')
        {
            self.warn(word, source, "a serial line speed: ignored");
        } else if word.starts_with(b"/") {
            return Err(OptionsError::at(
                word,
                source,
                ErrorKind::NotSupported {
                    reason: "a device name: rppp runs PPP over L2TP only (pppol2tp <fd>), not on a serial line or pty",
                },
            ));
        } else {
            return Err(OptionsError::at(word, source, ErrorKind::UnknownOption));
        }
        Ok(())
    }

    /// `call NAME`: `<peers_dir>/NAME`, where NAME may not start with `/`
    /// or climb out with `..` (pppd's `callfile`).
    fn call_path(&self, name: &str) -> Result<String, ErrorKind> {
        if name.is_empty() || name.starts_with('/') || name.split('/').any(|part| part == "..") {
            return Err(ErrorKind::BadValue {
                value: name.to_string(),
                expected: "a name under /etc/ppp/peers, without '..' and not starting with '/'",
            });
        }
        Ok(format!(
            "{}/{name}",
            self.context.peers_dir.trim_end_matches('/')
        ))
    }

    /// `+ua FILE`: the user name on the first line, the password on the
    /// second (pppd's `setupapfile`).
    fn user_file(&mut self, arg: &[u8]) -> Result<(), ErrorKind> {
        let path = value::utf8(arg)?;
        let text = (self.read)(path).map_err(|e| ErrorKind::FileUnreadable {
            path: path.to_string(),
            reason: crate::kernel::os_error_text(&e),
        })?;
        let mut lines = text.split(|&c| c == b'\n');
        let (Some(user), Some(password)) = (lines.next(), lines.next()) else {
            return Err(ErrorKind::FileUnreadable {
                path: path.to_string(),
                reason: "needs a user name line and a password line".into(),
            });
        };
        self.options.auth.user = Some(user.to_vec());
        self.options.auth.password = Some(rppp_auth::Secret::new(password));
        Ok(())
    }

    /// Reads the options file `path` in place.
    fn include(
        &mut self,
        path: &str,
        privileged: bool,
        depth: usize,
        must_exist: bool,
        named_by: Option<(&[u8], &Source)>,
    ) -> Result<(), OptionsError> {
        let fail = |kind| match named_by {
            Some((option, source)) => OptionsError::at(option, source, kind),
            None => OptionsError::general(None, kind),
        };
        if depth > MAX_INCLUDE_DEPTH {
            return Err(fail(ErrorKind::IncludeTooDeep {
                path: path.to_string(),
            }));
        }
        let text = match (self.read)(path) {
            Ok(text) => text,
            Err(e) if !must_exist && is_absent(&e) => return Ok(()),
            Err(e) => {
                return Err(fail(ErrorKind::FileUnreadable {
                    path: path.to_string(),
                    reason: crate::kernel::os_error_text(&e),
                }))
            }
        };
        let file_at = |line| Source::File {
            path: path.to_string(),
            line,
        };
        let words = rppp_auth::words::split(&text).map_err(|(line, e)| {
            OptionsError::general(Some(file_at(line)), ErrorKind::Syntax(e))
        })?;
        let words: Vec<_> = words
            .into_iter()
            .map(|w| (w.text, file_at(w.line)))
            .collect();
        self.run(&words, privileged, depth)
    }

    /// pppd's checks of the options as a whole, and its default rule for
    /// authentication.
    fn finish(mut self) -> Result<Options, OptionsError> {
        let o = &mut self.options;
        if o.request.is_some() {
            return Ok(self.options);
        }
        // auth.c, auth_check_options: with neither auth nor noauth, pppd
        // requires the peer to authenticate when the options come from a
        // user who is not root and the host has a default route. rppp
        // cannot look at the routing table here, and takes the safe side:
        // any non-root user without noauth gets authentication required.
        if !o.auth.explicit && !o.privileged {
            o.auth.policy.set_auth(true);
            o.auth.default_auth = true;
        }
        // pppol2tp.c, pppol2tp_check_options.
        let p = &o.pppol2tp;
        if p.fd.is_some()
            && p.lns_mode
            && (p.tunnel_id.unwrap_or(0) == 0 || p.session_id.unwrap_or(0) == 0)
        {
            return Err(OptionsError::general(
                None,
                ErrorKind::Inconsistent {
                    reason:
                        "pppol2tp_lns_mode needs pppol2tp_tunnel_id and pppol2tp_session_id (not 0)",
                },
            ));
        }
        Ok(self.options)
    }
}

/// Reads the options: the system options file, the user's (when named),
/// then `args`, the command line after the program name.
pub(crate) fn parse<A: AsRef<OsStr>>(
    args: &[A],
    context: &Context,
    read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
) -> Result<Options, OptionsError> {
    let mut parser = Parser {
        options: Options {
            privileged: context.privileged,
            ..Options::default()
        },
        state: State::default(),
        context,
        read,
        warned: HashSet::new(),
    };
    // main.c: options_from_file(_PATH_SYSOPTIONS, !privileged, 0, 1).
    parser.include(&context.system_options, true, 1, !context.privileged, None)?;
    if let Some(path) = &context.user_options {
        parser.include(path, context.privileged, 1, false, None)?;
    }
    let words: Vec<_> = args
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            (
                arg.as_ref().as_bytes().to_vec(),
                Source::CommandLine { arg: i + 1 },
            )
        })
        .collect();
    parser.run(&words, context.privileged, 0)?;
    parser.finish()
}

/// Whether the command line names a PPPoL2TP socket (`pppol2tp <fd>`),
/// looking at the words alone: the binary asks this first, and hands any
/// other command line (PPPoE, a serial line, xl2tpd's pty fallback) to
/// the real pppd without judging its options.
pub(crate) fn mentions_pppol2tp<A: AsRef<OsStr>>(args: &[A]) -> bool {
    args.windows(2)
        .any(|pair| pair[0].as_ref().as_bytes() == b"pppol2tp")
}
