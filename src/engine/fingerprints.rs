//! The unique values of one field, as compact as a table that must name the row holding a value
//! can be: twelve bytes a value (its 56-bit fingerprint, the holder's step and line), in 256
//! shards that grow one at a time, so a run holding ten million values never holds the table
//! twice while it grows. (A general hash map would take sixteen bytes and a control byte a
//! value, and two cache misses to find and then hold one.)
//!
//! The fingerprint is 64 bits in all (eight pick the shard): among ten million distinct values
//! the chance that two share one is under one in three hundred thousand.

const SHARDS: usize = 256;
const FINGERPRINT_BITS: u32 = 56;
const FINGERPRINT_MASK: u64 = (1 << FINGERPRINT_BITS) - 1;

/// A value's fingerprint: its shard and 56 bits within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    shard: u8,
    bits: u64,
}

impl Fingerprint {
    /// From a 128-bit hash of the value. Zero, which marks an empty slot, is taken as one.
    pub fn of_hash(hash: u128) -> Fingerprint {
        Fingerprint {
            shard: (hash >> 64) as u8,
            bits: ((hash as u64) & FINGERPRINT_MASK).max(1),
        }
    }

    /// The fingerprint as one number, to key other maps by.
    pub fn whole(self) -> u64 {
        (u64::from(self.shard) << FINGERPRINT_BITS) | self.bits
    }
}

/// Which row holds a value: its step's number (past 255 told apart only by line) and its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub step: u8,
    pub line: u32,
}

impl Holder {
    pub fn new(step: usize, line: u64) -> Holder {
        Holder {
            step: Holder::step_of(step),
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }

    /// A step's number as a holder keeps it.
    pub fn step_of(step: usize) -> u8 {
        u8::try_from(step).unwrap_or(u8::MAX)
    }
}

/// One held value: the fingerprint's low 32 bits; its high 24 and the step; the line. A
/// fingerprint is never zero, so all zeros is an empty slot.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry([u32; 3]);

const EMPTY: Entry = Entry([0; 3]);

impl Entry {
    fn new(fp: Fingerprint, holder: Holder) -> Entry {
        let high = ((fp.bits >> 32) as u32) | (u32::from(holder.step) << 24);
        Entry([fp.bits as u32, high, holder.line])
    }

    fn bits(&self) -> u64 {
        u64::from(self.0[0]) | (u64::from(self.0[1] & 0x00FF_FFFF) << 32)
    }

    fn is_empty(&self) -> bool {
        self.bits() == 0
    }

    fn holder(&self) -> Holder {
        Holder {
            step: (self.0[1] >> 24) as u8,
            line: self.0[2],
        }
    }
}

/// A shard: open addressing with linear probing over the entries themselves, so finding a
/// value and then holding it touch one cache line, not a control byte and an entry apart.
/// It grows by half at three quarters full (any length: a slot is found by multiplying, not
/// masking), which keeps it between half and three quarters full.
#[derive(Default)]
struct Shard {
    slots: Vec<Entry>,
    len: usize,
}

/// Where probing for a value ended: at its slot, or at the empty slot it would take.
enum Probe {
    Found(usize),
    Vacant(usize),
}

impl Shard {
    fn home(&self, bits: u64) -> usize {
        let spread = bits.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        ((u128::from(spread) * self.slots.len() as u128) >> 64) as usize
    }

    fn next(&self, i: usize) -> usize {
        if i + 1 == self.slots.len() {
            0
        } else {
            i + 1
        }
    }

    /// Never called on an empty shard, which has no slots; a shard is never full.
    fn probe(&self, bits: u64) -> Probe {
        let mut i = self.home(bits);
        loop {
            let entry = self.slots[i];
            if entry.is_empty() {
                return Probe::Vacant(i);
            }
            if entry.bits() == bits {
                return Probe::Found(i);
            }
            i = self.next(i);
        }
    }

    /// Asks the processor to bring the value's first slot into cache, so that judging a row
    /// a few rows on finds it there: a table of millions of values misses the cache on almost
    /// every probe, and the judge, one thread in order, would wait for each.
    fn prefetch(&self, bits: u64) {
        if let Some(slot) = self.slots.get(self.home(bits)) {
            prefetch_read(slot);
        }
    }

    fn get(&self, bits: u64) -> Option<Holder> {
        if self.slots.is_empty() {
            return None;
        }
        match self.probe(bits) {
            Probe::Found(i) => Some(self.slots[i].holder()),
            Probe::Vacant(_) => None,
        }
    }

    fn insert(&mut self, entry: Entry) -> bool {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        match self.probe(entry.bits()) {
            Probe::Found(_) => false,
            Probe::Vacant(i) => {
                self.slots[i] = entry;
                self.len += 1;
                true
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 3 / 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        self.len = 0;
        for entry in old.into_iter().filter(|e| !e.is_empty()) {
            if let Probe::Vacant(i) = self.probe(entry.bits()) {
                self.slots[i] = entry;
                self.len += 1;
            }
        }
    }

    /// Empties slot `i`, moving back the entries after it that probing would no longer reach
    /// (backward-shift deletion: no tombstones to slow later probes).
    fn remove_at(&mut self, i: usize) {
        let n = self.slots.len();
        let distance = |from: usize, to: usize| (to + n - from) % n;
        let mut hole = i;
        let mut j = self.next(i);
        while !self.slots[j].is_empty() {
            let home = self.home(self.slots[j].bits());
            if distance(home, j) >= distance(hole, j) {
                self.slots[hole] = self.slots[j];
                hole = j;
            }
            j = self.next(j);
        }
        self.slots[hole] = EMPTY;
        self.len -= 1;
    }
}

/// The values held, each with its holder.
pub struct Fingerprints {
    shards: Vec<Shard>,
}

impl Default for Fingerprints {
    fn default() -> Self {
        Fingerprints {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn prefetch_read(entry: &Entry) {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    // SAFETY: a prefetch reads nothing and cannot fault; SSE, the one feature it needs, is part
    // of every x86_64 processor.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(entry).cast()) };
}

#[cfg(not(target_arch = "x86_64"))]
fn prefetch_read(_entry: &Entry) {}

impl Fingerprints {
    /// See [`Shard::prefetch`]: a hint, with no effect on what is held.
    pub fn prefetch(&self, fp: Fingerprint) {
        if let Some(shard) = self.shards.get(usize::from(fp.shard)) {
            shard.prefetch(fp.bits);
        }
    }

    pub fn get(&self, fp: Fingerprint) -> Option<Holder> {
        self.shards.get(usize::from(fp.shard))?.get(fp.bits)
    }

    /// Holds the value for `holder`: false when it was held already (and is left as it was).
    pub fn insert(&mut self, fp: Fingerprint, holder: Holder) -> bool {
        match self.shards.get_mut(usize::from(fp.shard)) {
            Some(shard) => shard.insert(Entry::new(fp, holder)),
            None => false,
        }
    }

    /// Lets go of the value if `holder` holds it.
    pub fn remove(&mut self, fp: Fingerprint, holder: Holder) {
        let Some(shard) = self.shards.get_mut(usize::from(fp.shard)) else {
            return;
        };
        if shard.slots.is_empty() {
            return;
        }
        if let Probe::Found(i) = shard.probe(fp.bits) {
            if shard.slots[i].holder() == holder {
                shard.remove_at(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(n: u128) -> Fingerprint {
        Fingerprint::of_hash(xxhash_rust::xxh3::xxh3_128(&n.to_le_bytes()))
    }

    #[test]
    fn a_value_is_held_once_and_names_its_holder() {
        let mut set = Fingerprints::default();
        let first = Holder::new(3, 12);
        assert!(set.insert(fp(1), first));
        assert!(!set.insert(fp(1), Holder::new(4, 99)), "held already");
        assert_eq!(set.get(fp(1)), Some(first));
        assert_eq!(set.get(fp(2)), None);
    }

    #[test]
    fn only_its_holder_lets_a_value_go() {
        let mut set = Fingerprints::default();
        set.insert(fp(7), Holder::new(1, 5));
        set.remove(fp(7), Holder::new(1, 6));
        assert!(set.get(fp(7)).is_some(), "another row cannot free it");
        set.remove(fp(7), Holder::new(1, 5));
        assert_eq!(set.get(fp(7)), None);
    }

    #[test]
    fn letting_go_keeps_every_other_value_findable() {
        // Removal moves entries back along their probe runs: after removing every third value
        // of a crowded table, each remaining one is still found, and each removed one is not.
        let mut set = Fingerprints::default();
        let holder = |n: u32| Holder::new(1, n.into());
        for n in 0..20_000u32 {
            set.insert(fp(n.into()), holder(n));
        }
        for n in (0..20_000u32).step_by(3) {
            set.remove(fp(n.into()), holder(n));
        }
        for n in 0..20_000u32 {
            let expected = (n % 3 != 0).then(|| holder(n));
            assert_eq!(set.get(fp(n.into())), expected, "value {n}");
        }
    }

    #[test]
    fn many_values_keep_their_holders_through_growth() {
        let mut set = Fingerprints::default();
        for n in 0..50_000u32 {
            assert!(set.insert(fp(n.into()), Holder::new(2, n.into())));
        }
        for n in (0..50_000u32).step_by(997) {
            assert_eq!(set.get(fp(n.into())), Some(Holder::new(2, n.into())));
        }
        let last = Holder::new(usize::MAX, u64::MAX);
        assert_eq!(
            (last.step, last.line),
            (u8::MAX, u32::MAX),
            "saturates, never wraps"
        );
    }
}
