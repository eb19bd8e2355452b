//! The fds the L2TP daemon passed on the command line (`pppol2tp FD`,
//! `passwordfd FD`), taken into ownership once each, before rppp opens
//! anything of its own that it keeps open.
//!
//! This is the binary's only `unsafe` call: it vouches for
//! [`rppp::kernel::take_inherited_fd`]'s contract, which only the process
//! that was exec'ed with those numbers can know.

use std::collections::HashSet;
use std::os::fd::{OwnedFd, RawFd};

use rppp::options::Options;

use super::fd_error::{FdError, FdOption, FdProblem};

/// One session's inherited fds: `Err` says why a number could not be taken.
#[derive(Debug, Default)]
pub(crate) struct Inherited {
    /// `pppol2tp FD`; `None` when the options name none.
    pub(crate) socket: Option<Result<OwnedFd, FdError>>,
    /// `passwordfd FD`; `None` when the options name none.
    pub(crate) password: Option<Result<OwnedFd, FdError>>,
}

/// Takes every session's fds. Call it right after the options are parsed,
/// before logging, the runtime or anything else opens an fd: parsing only
/// opens files it closes again, so every fd open now but stdio came from
/// the parent. Standard output and error are refused; a number named
/// twice (by two sessions, or as both `pppol2tp` and `passwordfd`) is
/// taken the first time only.
#[allow(unsafe_code)]
pub(crate) fn take(all: &[Options]) -> Vec<Inherited> {
    let mut taken = HashSet::new();
    let mut take_one = |fd: RawFd, option: FdOption| -> Result<OwnedFd, FdError> {
        if fd == 1 || fd == 2 {
            // eprintln and the log write there; stdin is fine (`passwordfd 0`).
            return Err(FdError::new(option, fd, FdProblem::StandardOutput));
        }
        if !taken.insert(fd) {
            return Err(FdError::new(option, fd, FdProblem::AlreadyTaken));
        }
        let call = match option {
            FdOption::Pppol2tp => "the inherited PPPoL2TP fd",
            FdOption::Passwordfd => "passwordfd",
        };
        // SAFETY: take_inherited_fd refuses a number that is not open. An
        // open one was inherited (stdin or what the daemon passed): this
        // process has opened nothing it kept open so far (see above).
        // Nothing else here owns or uses it (stdout and stderr, which
        // eprintln uses, are refused; nothing reads stdin), and `taken`
        // makes this the only OwnedFd made from the number; callers use
        // the OwnedFd, never the number again.
        unsafe { rppp::kernel::take_inherited_fd(fd, call) }
            .map_err(|e| FdError::os(option, fd, e.errno()))
    };
    all.iter()
        .map(|o| Inherited {
            socket: o.pppol2tp.fd.map(|fd| take_one(fd, FdOption::Pppol2tp)),
            password: o
                .auth
                .passwordfd
                .map(|fd| take_one(fd, FdOption::Passwordfd)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::os::fd::{AsRawFd, IntoRawFd};

    use super::*;

    fn options(pppol2tp: Option<RawFd>, passwordfd: Option<RawFd>) -> Options {
        let mut o = Options::default();
        o.pppol2tp.fd = pppol2tp;
        o.auth.passwordfd = passwordfd;
        o
    }

    #[test]
    fn each_number_is_taken_once() {
        let (read, write) = nix::unistd::pipe().unwrap();
        let raw = read.into_raw_fd();
        let all = [options(Some(raw), Some(raw)), options(Some(raw), None)];
        let mut fds = take(&all).into_iter();
        let first = fds.next().unwrap();
        let owned = first.socket.unwrap().unwrap();
        assert_eq!(owned.as_raw_fd(), raw);
        assert_eq!(
            first.password.unwrap().unwrap_err().problem,
            FdProblem::AlreadyTaken
        );
        let second = fds.next().unwrap();
        assert_eq!(
            second.socket.unwrap().unwrap_err().problem,
            FdProblem::AlreadyTaken
        );
        assert!(second.password.is_none());
        drop((owned, write));
    }

    #[test]
    fn stdout_stderr_and_closed_numbers_are_refused() {
        // Far above any fd limit: never open (a number just closed could be
        // reused at once by another test's thread).
        let closed = 1 << 30;
        let all = [options(Some(1), Some(2)), options(Some(closed), None)];
        let fds = take(&all);
        assert!(fds[0].socket.as_ref().unwrap().is_err());
        assert!(fds[0].password.as_ref().unwrap().is_err());
        let closed = fds[1].socket.as_ref().unwrap().as_ref().unwrap_err();
        assert_eq!(closed.problem, FdProblem::NotOpen);
    }
}
