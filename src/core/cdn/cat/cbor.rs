//! The few CBOR items a Common Access Token is written with (RFC 8949,
//! preferred serialisation: shortest heads, definite lengths), into one
//! buffer. Hand-written because signing sits on the URL Builder's hot path
//! and a generic `Value` tree would allocate per item; reading untrusted
//! tokens goes through `ciborium` instead.
//!
//! Must never: emit an indefinite length or a non-shortest head (the MAC is
//! over these bytes and verifiers may re-encode).

/// Major types.
const UINT: u8 = 0;
const NINT: u8 = 1;
const BYTES: u8 = 2;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;

pub fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

pub fn int(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        head(out, UINT, v as u64);
    } else {
        head(out, NINT, (-1 - v) as u64);
    }
}

pub fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    head(out, BYTES, b.len() as u64);
    out.extend_from_slice(b);
}

pub fn text(out: &mut Vec<u8>, s: &str) {
    head(out, TEXT, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

pub fn array(out: &mut Vec<u8>, len: usize) {
    head(out, ARRAY, len as u64);
}

pub fn map(out: &mut Vec<u8>, len: usize) {
    head(out, MAP, len as u64);
}

pub fn tag(out: &mut Vec<u8>, t: u64) {
    head(out, TAG, t);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodings checked against ciborium, which must read them back.
    #[test]
    fn heads_are_shortest_and_read_back() {
        for v in [
            0i64,
            23,
            24,
            255,
            256,
            65535,
            65536,
            4_294_967_295,
            4_294_967_296,
            -1,
            -24,
            -25,
            -257,
        ] {
            let mut out = Vec::new();
            int(&mut out, v);
            let mut want = Vec::new();
            ciborium::into_writer(&ciborium::Value::Integer(v.into()), &mut want).unwrap();
            assert_eq!(out, want, "{v}");
        }
        let mut out = Vec::new();
        map(&mut out, 2);
        int(&mut out, 1);
        text(&mut out, "me");
        int(&mut out, 312);
        bytes(&mut out, &[0; 30]);
        let back: ciborium::Value = ciborium::from_reader(out.as_slice()).unwrap();
        let entries = back.as_map().unwrap();
        assert_eq!(entries[0].1.as_text(), Some("me"));
        assert_eq!(entries[1].1.as_bytes().map(Vec::len), Some(30));
    }
}
