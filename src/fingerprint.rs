//! Fingerprints for memoising the pipeline between rebuilds (`serve`): a fast,
//! non-cryptographic 64-bit hash (the multiply-rotate scheme of rustc's FxHasher, eight
//! bytes at a time). Being our own code, it gives the same values in every run and
//! version of pufa: the image cache stores fingerprints of photos (two passes, 128 bits)
//! and of the image settings between builds.

use std::hash::{Hash, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// A fast hasher for fingerprints.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.add(v);
    }

    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with the fast hasher (keys are our own strings, never attacker-chosen in a
/// way that matters: a site is built from its owner's files).
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;
/// A hash set with the fast hasher.
pub type FastSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<Fx>>;

/// Fingerprint of any hashable value.
pub fn of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = Fx::default();
    v.hash(&mut h);
    h.finish()
}

/// Combine fingerprints.
pub fn combine(parts: &[u64]) -> u64 {
    let mut h = Fx::default();
    for p in parts {
        h.write_u64(*p);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_inputs_differ() {
        assert_ne!(of("民法典"), of("民法典 "));
        assert_ne!(of("abcdefgh1"), of("abcdefgh2"));
        assert_eq!(of(&[1u8, 2, 3][..]), of(&[1u8, 2, 3][..]));
        assert_ne!(combine(&[1, 2]), combine(&[2, 1]));
    }
}
