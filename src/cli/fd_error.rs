//! Why an fd number the L2TP daemon named (`pppol2tp FD`, `passwordfd FD`)
//! cannot be used, in plain words: pppd's plugin says "Given FD for
//! PPPoL2TP socket invalid", with the C library's text for the error.

use std::fmt;
use std::os::fd::RawFd;

use rppp::kernel::{errno_text, Errno};

/// The option that named the fd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FdOption {
    /// `pppol2tp FD`: the session's PPPoL2TP socket.
    Pppol2tp,
    /// `passwordfd FD`: a pipe holding the password.
    Passwordfd,
}

impl FdOption {
    fn name(self) -> &'static str {
        match self {
            FdOption::Pppol2tp => "pppol2tp",
            FdOption::Passwordfd => "passwordfd",
        }
    }

    fn what(self) -> &'static str {
        match self {
            FdOption::Pppol2tp => "the PPPoL2TP socket",
            FdOption::Passwordfd => "the password",
        }
    }
}

/// What is wrong with the fd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FdProblem {
    /// 1 or 2, where rppp writes its messages.
    StandardOutput,
    /// Named before, by another option or another session.
    AlreadyTaken,
    /// No such open fd (`EBADF`): nothing was passed under this number.
    NotOpen,
    /// Open, but not a socket (`pppol2tp` only).
    NotASocket,
    /// Any other error the system gave.
    Os(Errno),
}

/// An fd option whose number cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FdError {
    /// The option.
    pub(crate) option: FdOption,
    /// The number it gave.
    pub(crate) fd: RawFd,
    /// What is wrong.
    pub(crate) problem: FdProblem,
}

impl FdError {
    pub(crate) fn new(option: FdOption, fd: RawFd, problem: FdProblem) -> Self {
        FdError {
            option,
            fd,
            problem,
        }
    }

    /// From a failed system call on the fd.
    pub(crate) fn os(option: FdOption, fd: RawFd, errno: Errno) -> Self {
        let problem = match errno {
            Errno::EBADF => FdProblem::NotOpen,
            Errno::ENOTSOCK => FdProblem::NotASocket,
            other => FdProblem::Os(other),
        };
        FdError::new(option, fd, problem)
    }
}

impl fmt::Display for FdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: the fd given for {} is invalid: ",
            self.option.name(),
            self.fd,
            self.option.what()
        )?;
        match self.problem {
            FdProblem::StandardOutput => write!(f, "it is standard output or error"),
            FdProblem::AlreadyTaken => {
                write!(f, "another option or session already named fd {}", self.fd)
            }
            FdProblem::NotOpen => write!(
                f,
                "fd {} is not open ({}): an L2TP daemon passes it when it starts rppp",
                self.fd,
                errno_text(Errno::EBADF)
            ),
            FdProblem::NotASocket => write!(
                f,
                "fd {} is not a socket ({})",
                self.fd,
                errno_text(Errno::ENOTSOCK)
            ),
            FdProblem::Os(errno) => write!(f, "{}", errno_text(errno)),
        }
    }
}

impl std::error::Error for FdError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_is_wrong_in_plain_words() {
        let e = FdError::os(FdOption::Pppol2tp, 99, Errno::EBADF);
        assert_eq!(
            e.to_string(),
            "pppol2tp 99: the fd given for the PPPoL2TP socket is invalid: fd 99 is not open \
             (Bad file descriptor): an L2TP daemon passes it when it starts rppp"
        );
        let e = FdError::os(FdOption::Pppol2tp, 0, Errno::ENOTSOCK);
        assert_eq!(e.problem, FdProblem::NotASocket);
        assert!(e
            .to_string()
            .ends_with("fd 0 is not a socket (Socket operation on non-socket)"));
        let e = FdError::new(FdOption::Passwordfd, 2, FdProblem::StandardOutput);
        assert!(e
            .to_string()
            .starts_with("passwordfd 2: the fd given for the password is invalid"));
    }
}
