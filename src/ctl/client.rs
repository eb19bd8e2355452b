//! The client side: one request, one answer.

use std::io;
use std::path::Path;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

/// The server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The request was carried out: what it printed.
    Ok(String),
    /// It was refused: why.
    Error(String),
}

/// Sends `request` (one line) to the control socket at `path`.
pub async fn ask(path: &Path, request: &str) -> io::Result<Answer> {
    let mut stream = UnixStream::connect(path).await?;
    stream.write_all(request.as_bytes()).await?;
    stream.write_all(b"\n").await?;
    let mut text = String::new();
    stream.read_to_string(&mut text).await?;
    match text.split_once('\n') {
        Some(("OK", body)) => Ok(Answer::Ok(body.to_owned())),
        Some(("ERROR", body)) => Ok(Answer::Error(body.trim_end().to_owned())),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the control socket's answer has no OK or ERROR line",
        )),
    }
}
