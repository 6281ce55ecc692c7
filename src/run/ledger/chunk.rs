//! A chunk of ledger entries being gathered, as the JSON array text the ledger stores.

#[derive(Default)]
pub(super) struct Chunk {
    text: Vec<u8>,
    count: usize,
}

impl Chunk {
    pub(super) fn len(&self) -> usize {
        self.count
    }

    pub(super) fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn open_entry(&mut self) {
        self.text
            .extend_from_slice(if self.count == 0 { b"[[" } else { b",[" });
        self.count += 1;
    }

    fn string(&mut self, s: &str) {
        crate::run::shape::write_str(&mut self.text, s);
    }

    /// `[source_key, target_id, hash]`, the hash as 16 hex digits.
    pub(super) fn push_id(&mut self, key: &str, id: &str, hash: u64) {
        self.open_entry();
        self.string(key);
        self.text.push(b',');
        self.string(id);
        self.text.extend_from_slice(b",\"");
        for shift in (0..16).rev() {
            self.text
                .push(b"0123456789abcdef"[(hash >> (shift * 4)) as usize & 0xf]);
        }
        self.text.extend_from_slice(b"\"]");
    }

    /// `[source_key, outcome]`, with the reason third when there is one.
    pub(super) fn push_audit(&mut self, key: &str, outcome: &str, reason: &str) {
        self.open_entry();
        self.string(key);
        self.text.push(b',');
        self.string(outcome);
        if !reason.is_empty() {
            self.text.push(b',');
            self.string(reason);
        }
        self.text.push(b']');
    }

    /// The finished JSON array; the chunk starts over, empty.
    pub(super) fn take(&mut self) -> String {
        self.text.push(b']');
        let text = std::mem::take(&mut self.text);
        self.count = 0;
        // Only whole UTF-8 strs and ASCII were written; were it otherwise, keep what is there.
        String::from_utf8(text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_json_arrays_of_entries() {
        let mut c = Chunk::default();
        c.push_audit("P\"1", "created", "");
        c.push_audit("P2", "rejected", "bad\nemail");
        assert_eq!(c.len(), 2);
        let v: serde_json::Value = serde_json::from_str(&c.take()).expect("json");
        assert_eq!(
            v,
            serde_json::json!([["P\"1", "created"], ["P2", "rejected", "bad\nemail"]])
        );
        assert!(c.is_empty());
        c.push_id("K", "id-1", 255);
        let v: serde_json::Value = serde_json::from_str(&c.take()).expect("json");
        assert_eq!(v, serde_json::json!([["K", "id-1", "00000000000000ff"]]));
    }
}
