//! Which row of a step's source first had each key. A source's key names one record: a second
//! row with the same key would make a second record with the first one's id (or write over it),
//! so it is rejected, naming the line of the first.
//!
//! A step can read tens of millions of rows, and most exports come sorted by their key: while
//! each key is greater than the last, none can repeat an earlier one, so nothing is kept but the
//! last key. When a key first comes out of order, the keys before it are read again (`earlier`)
//! into an index of 128-bit hashes, and from then on every key is looked up there.

use crate::eval::index::push_key_as_read;
use crate::io::source::{Sources, BLOCK_ROWS};
use crate::ir::Source;
use rustc_hash::FxHashMap;

/// A key's hash: 64 bits to find it by, 32 more to tell apart two keys that share those.
fn hash(key: &str) -> (u64, u32) {
    let h = xxhash_rust::xxh3::xxh3_128(key.as_bytes());
    (h as u64, (h >> 64) as u32)
}

/// Where a key was first seen: the rest of its hash, and its line.
#[derive(Clone, Copy)]
struct First {
    check: u32,
    line: u32,
}

enum Seen {
    /// Every key so far greater than the one before: the last one, its line, and how many
    /// there were.
    Sorted {
        last: String,
        line: u64,
        rows: u64,
    },
    Indexed(FxHashMap<u64, First>),
}

/// The rows read before the current one, replayed as (key, line) in order until the callback
/// says it has had enough (returns false).
pub type Earlier<'a> = dyn FnMut(&mut dyn FnMut(&str, u64) -> bool) + 'a;

pub struct FirstRows {
    seen: Seen,
}

impl Default for FirstRows {
    fn default() -> FirstRows {
        FirstRows {
            seen: Seen::Sorted {
                last: String::new(),
                line: 0,
                rows: 0,
            },
        }
    }
}

impl FirstRows {
    /// Records that the row at `line` has `key`: `Err` with the line of the first row that had
    /// it. An empty key (an unreadable row has none) is never a repeat and is not kept; the
    /// same row seen again (judged a second time) is not a repeat of itself. `earlier` is
    /// called at most once, when the first key out of order is met.
    pub fn see(&mut self, key: &str, line: u64, earlier: &mut Earlier) -> Result<(), u64> {
        if key.is_empty() {
            return Ok(());
        }
        if let Seen::Sorted {
            last,
            line: last_line,
            rows,
        } = &mut self.seen
        {
            if *rows > 0 && key == last.as_str() && line == *last_line {
                return Ok(());
            }
            if *rows == 0 || key > last.as_str() {
                last.clear();
                last.push_str(key);
                *last_line = line;
                *rows += 1;
                return Ok(());
            }
            let count = *rows;
            self.seen = Seen::Indexed(index_of(count, earlier));
        }
        let Seen::Indexed(index) = &mut self.seen else {
            return Ok(());
        };
        let (find, check) = hash(key);
        match index.get(&find) {
            Some(first) if first.check == check && first.line == saturate(line) => Ok(()),
            Some(first) if first.check == check => Err(u64::from(first.line)),
            _ => {
                index.entry(find).or_insert(First {
                    check,
                    line: saturate(line),
                });
                Ok(())
            }
        }
    }
}

/// The first `count` keys replayed by `earlier`, indexed by hash.
fn index_of(count: u64, earlier: &mut Earlier) -> FxHashMap<u64, First> {
    let mut index = FxHashMap::default();
    let mut left = count;
    earlier(&mut |key, line| {
        if key.is_empty() {
            return true;
        }
        let (find, check) = hash(key);
        index.entry(find).or_insert(First {
            check,
            line: saturate(line),
        });
        left -= 1;
        left > 0
    });
    index
}

/// Lines past four billion are kept as the largest a u32 holds.
fn saturate(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Replays a source's rows as (key, line), read again from the start, until `each` has had
/// enough: [`Earlier`] for a step over `source`.
pub fn replay(
    sources: &dyn Sources,
    source: &Source,
    key_columns: &[usize],
    each: &mut dyn FnMut(&str, u64) -> bool,
) {
    let mut key = String::new();
    // Stopping the read early is how `each` says it is done; any other end of the read was
    // met by the step's own read first, and is reported there.
    let _ = sources.read_blocks(source, BLOCK_ROWS, &mut |block| {
        for row in 0..block.len() {
            key.clear();
            if block.unreadable(row).is_none() {
                push_key_as_read(&source.columns, key_columns, block.values(row), &mut key);
            }
            if !each(&key, block.line(row)) {
                return Err(String::new());
            }
        }
        Ok(block.fresh())
    });
}

#[cfg(test)]
mod tests {
    use super::FirstRows;

    /// A step's rows as (key, line), seen one after the other with `earlier` replaying those
    /// before; returns each row's verdict and how often the rows were read again.
    fn see_all(keys: &[&str]) -> (Vec<Result<(), u64>>, usize) {
        let mut rows = FirstRows::default();
        let mut replays = 0;
        let verdicts = (0..keys.len())
            .map(|at| {
                let mut earlier = |each: &mut dyn FnMut(&str, u64) -> bool| {
                    replays += 1;
                    for (line, k) in keys[..at].iter().enumerate() {
                        if !each(k, line as u64 + 2) {
                            break;
                        }
                    }
                };
                rows.see(keys[at], at as u64 + 2, &mut earlier)
            })
            .collect();
        (verdicts, replays)
    }

    #[test]
    fn a_repeated_key_names_the_first_line_sorted_or_not() {
        let (verdicts, replays) = see_all(&["a", "b", "c", "b", "d", "a", "", "", "d"]);
        assert_eq!(
            verdicts,
            vec![
                Ok(()),
                Ok(()),
                Ok(()),
                Err(3),
                Ok(()),
                Err(2),
                Ok(()),
                Ok(()),
                Err(6)
            ]
        );
        assert_eq!(replays, 1, "the rows before are read again once");
    }

    #[test]
    fn a_row_seen_again_is_not_its_own_repeat() {
        let mut rows = FirstRows::default();
        let mut never = |_: &mut dyn FnMut(&str, u64) -> bool| panic!("no replay");
        assert_eq!(rows.see("a", 2, &mut never), Ok(()));
        assert_eq!(rows.see("a", 2, &mut never), Ok(()));
        assert_eq!(rows.see("b", 3, &mut never), Ok(()));
    }

    #[test]
    fn sorted_keys_are_never_read_again() {
        let keys: Vec<String> = (0..1000).map(|i| format!("P{i:08}")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let (verdicts, replays) = see_all(&refs);
        assert!(verdicts.iter().all(Result::is_ok));
        assert_eq!(replays, 0);
    }

    #[test]
    fn many_keys_out_of_order() {
        let keys: Vec<String> = (0..3000)
            .map(|i| format!("K{}", (i * 7919) % 3000))
            .collect();
        let mut twice: Vec<&str> = keys.iter().map(String::as_str).collect();
        twice.extend(keys.iter().map(String::as_str));
        let (verdicts, _) = see_all(&twice);
        for (at, v) in verdicts.iter().enumerate() {
            let expected = if at < 3000 {
                Ok(())
            } else {
                Err(at as u64 - 3000 + 2)
            };
            assert_eq!(*v, expected, "row {at}");
        }
    }
}
