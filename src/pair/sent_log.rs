//! The frames one side of a [`Pair`](super::Pair) sent.

/// The frames one side sent, back to back in one buffer: a pair records
/// every frame without an allocation for each.
#[derive(Debug, Default)]
pub struct SentLog {
    bytes: Vec<u8>,
    /// (protocol, end of its Information field in `bytes`).
    frames: Vec<(u16, usize)>,
}

impl SentLog {
    /// Room for `frames` frames of `bytes` octets in all, allocated once.
    pub(super) fn with_capacity(frames: usize, bytes: usize) -> SentLog {
        SentLog {
            bytes: Vec::with_capacity(bytes),
            frames: Vec::with_capacity(frames),
        }
    }

    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.frames.clear();
    }

    pub(super) fn push(&mut self, protocol: u16, information: &[u8]) {
        self.bytes.extend_from_slice(information);
        self.frames.push((protocol, self.bytes.len()));
    }

    /// How many frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// How many frames of `protocol`.
    pub fn count(&self, protocol: u16) -> usize {
        self.frames.iter().filter(|(p, _)| *p == protocol).count()
    }

    /// Whether none was sent.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Frame `i`: (protocol, Information field).
    pub fn get(&self, i: usize) -> Option<(u16, &[u8])> {
        let &(protocol, end) = self.frames.get(i)?;
        let start = i.checked_sub(1).map_or(0, |p| self.frames[p].1);
        Some((protocol, &self.bytes[start..end]))
    }

    /// The last frame.
    pub fn last(&self) -> Option<(u16, &[u8])> {
        self.get(self.frames.len().checked_sub(1)?)
    }

    /// Every frame in order: (protocol, Information field).
    pub fn iter(&self) -> impl Iterator<Item = (u16, &[u8])> + '_ {
        (0..self.frames.len()).filter_map(|i| self.get(i))
    }
}
