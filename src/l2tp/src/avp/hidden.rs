//! Hiding AVP values (RFC 2661 section 4.3).
//!
//! The value to hide is first put in the hidden subformat: a two-octet
//! Original Length, the original value, then optional padding. That is
//! split into 16-octet blocks p(1), p(2), ... and each is XORed with an MD5
//! chain:
//!
//! ```text
//! b(1) = MD5(AV + S + RV)      c(1) = p(1) xor b(1)
//! b(i) = MD5(S + c(i-1))       c(i) = p(i) xor b(i)
//! ```
//!
//! where AV is the two-octet Attribute Type, S the shared secret and RV the
//! value of the Random Vector AVP that most recently precedes the hidden
//! AVP in the message. A last block shorter than 16 octets is XORed with
//! the first octets of its hash.

/// Hides `value` for attribute `attribute`: returns the new Attribute
/// Value. `padding` extra zero octets are appended to the subformat to
/// hide the original length (section 4.3 suggests it; 0 is valid).
pub fn hide(
    attribute: u16,
    value: &[u8],
    secret: &[u8],
    random_vector: &[u8],
    padding: usize,
) -> Vec<u8> {
    let len = value.len().min(usize::from(u16::MAX));
    let mut data = Vec::with_capacity(2 + len + padding);
    data.extend_from_slice(&(len as u16).to_be_bytes());
    data.extend_from_slice(&value[..len]);
    data.resize(2 + len + padding, 0);
    let mut previous: Option<[u8; 16]> = None;
    for block in data.chunks_mut(16) {
        let hash = chain(attribute, secret, random_vector, previous.as_ref());
        for (octet, key) in block.iter_mut().zip(hash) {
            *octet ^= key;
        }
        previous = Some(whole_block(block));
    }
    data
}

/// Reveals a hidden Attribute Value. `None` when the decoded Original
/// Length is longer than what the value carries, which is what a wrong
/// secret or a corrupt value most likely gives.
pub fn reveal(
    attribute: u16,
    hidden: &[u8],
    secret: &[u8],
    random_vector: &[u8],
) -> Option<Vec<u8>> {
    let mut data = hidden.to_vec();
    let mut previous: Option<[u8; 16]> = None;
    for (plain, cipher) in data.chunks_mut(16).zip(hidden.chunks(16)) {
        let hash = chain(attribute, secret, random_vector, previous.as_ref());
        for (octet, key) in plain.iter_mut().zip(hash) {
            *octet ^= key;
        }
        previous = Some(whole_block(cipher));
    }
    let len = usize::from(u16::from_be_bytes([*data.first()?, *data.get(1)?]));
    data.get(2..2 + len).map(<[u8]>::to_vec)
}

/// The hash a block is XORed with: b(1) from the attribute and random
/// vector, b(i) from the previous ciphertext block.
fn chain(
    attribute: u16,
    secret: &[u8],
    random_vector: &[u8],
    previous: Option<&[u8; 16]>,
) -> [u8; 16] {
    let mut context = md5::Context::new();
    match previous {
        None => {
            context.consume(attribute.to_be_bytes());
            context.consume(secret);
            context.consume(random_vector);
        }
        Some(block) => {
            context.consume(secret);
            context.consume(block);
        }
    }
    context.finalize().0
}

/// A ciphertext block as the next hash's input. Only the last block can be
/// short, and nothing follows it.
fn whole_block(block: &[u8]) -> [u8; 16] {
    let mut out = [0; 16];
    out[..block.len()].copy_from_slice(block);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_over_block_boundaries() {
        let secret = b"s3cret";
        let rv = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
        for len in [0usize, 1, 13, 14, 15, 30, 31, 100] {
            let value: Vec<u8> = (0..len as u8).collect();
            for padding in [0, 5] {
                let hidden = hide(14, &value, secret, &rv, padding);
                assert_eq!(hidden.len(), 2 + len + padding);
                if len > 0 {
                    assert_ne!(&hidden[2..2 + len], &value[..]);
                }
                assert_eq!(reveal(14, &hidden, secret, &rv), Some(value.clone()));
            }
        }
    }

    #[test]
    fn first_block_is_md5_of_attribute_secret_and_vector() {
        let hidden = hide(9, &[0xab, 0xcd], b"k", &[1, 2], 0);
        let mut input = vec![0, 9, b'k', 1, 2];
        let b1 = md5::compute(&input).0;
        assert_eq!(hidden, [b1[0], 2 ^ b1[1], 0xab ^ b1[2], 0xcd ^ b1[3]]);
        // A wrong secret or attribute gives another value, most often one
        // whose length does not decode.
        input[2] = b'x';
        let wrong = reveal(9, &hidden, b"x", &[1, 2]);
        assert_ne!(wrong, Some(vec![0xab, 0xcd]));
        assert_ne!(reveal(10, &hidden, b"k", &[1, 2]), Some(vec![0xab, 0xcd]));
    }

    #[test]
    fn second_block_chains_on_the_first_ciphertext() {
        let value = [7u8; 20];
        let hidden = hide(1, &value, b"k", &[9], 0);
        let mut c1 = Vec::from(&b"k"[..]);
        c1.extend_from_slice(&hidden[..16]);
        let b2 = md5::compute(&c1).0;
        assert_eq!(hidden[16], 7 ^ b2[0]);
    }

    #[test]
    fn short_or_garbled_values_do_not_decode() {
        assert_eq!(reveal(1, &[], b"k", &[1]), None);
        assert_eq!(reveal(1, &[5], b"k", &[1]), None);
    }
}
