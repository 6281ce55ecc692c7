//! The migration's users file (`users "users.csv"`): the target's users, matched by email. Read
//! through the one CSV reader: an `email` column (any case), and an `id` column when the file
//! has one (else a user's id is their email). A row without an email names no user; a row that
//! cannot be read stops the run, naming its line, rather than losing a user.

use super::csv::CsvReader;
use super::SourceError;
use crate::ir::{Delimiter, Encoding};
use std::io::Read;

/// `(email, id)` of each user.
pub fn read(input: impl Read, file: &str) -> Result<Vec<(String, String)>, SourceError> {
    let reader = CsvReader::new(input, file, Encoding::UTF_8, Delimiter::COMMA)?;
    let find = |name: &str| {
        reader
            .header()
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    };
    let Some(email) = find("email") else {
        return Err(SourceError::MissingColumn {
            file: file.to_string(),
            column: "email".into(),
        });
    };
    let columns = [Some(email), find("id")];
    let mut users = Vec::new();
    let mut bad = None;
    reader
        .blocks(&columns, super::BLOCK_ROWS, &mut |block| {
            for row in 0..block.len() {
                if let Some(why) = block.unreadable(row) {
                    bad = Some((block.line(row), why.to_string()));
                    return Err("an unreadable row".into());
                }
                let mut cells = block.values(row).map(|v| v.as_str().trim().to_string());
                let (e, id) = (cells.next().unwrap_or_default(), cells.next());
                if !e.is_empty() {
                    let id = id.filter(|i| !i.is_empty()).unwrap_or_else(|| e.clone());
                    users.push((e, id));
                }
            }
            Ok(block.fresh())
        })
        .map_err(|e| match bad.take() {
            Some((line, message)) => SourceError::Row {
                file: file.to_string(),
                line,
                message,
            },
            None => e,
        })?;
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_matched_by_an_email_column_of_any_case_with_an_id_when_there_is_one() {
        let csv = "Name,EMAIL,Id\nKim,kim@x.com,u1\nOps, ops@x.com ,\nNobody,,u3\n";
        let users = read(csv.as_bytes(), "users.csv").expect("users");
        assert_eq!(
            users,
            vec![
                ("kim@x.com".to_string(), "u1".to_string()),
                ("ops@x.com".to_string(), "ops@x.com".to_string()),
            ]
        );
        let no_email = read("name\nKim\n".as_bytes(), "users.csv").expect_err("no email");
        assert!(
            no_email.to_string().contains("no column `email`"),
            "{no_email}"
        );
    }
}
