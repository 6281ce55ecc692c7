//! Where value tables meet a source's columns: each table applied directly to a column, and
//! which rows reach it — those of every map applying it whose `when` takes them.

use crate::ir::{ColumnId, Expr, Map, Program, SourceId, TableElse, TableId};

/// How a row reaches a table's application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every row the source types: the table is in a `when` (evaluated for every row), or in
    /// a map without one.
    Always,
    /// The rows this map's `when` takes (an index into [`SourceUses::whens`]).
    When(usize),
}

/// One value table applied to one column of a source, by one or more maps.
#[derive(Debug)]
pub struct TableUse {
    pub column: ColumnId,
    pub table: TableId,
    /// Any of these takes a row to the table; a row is counted once however many do.
    pub reach: Vec<Reach>,
}

/// The table uses of one source, and the `when`s that route its rows to them.
#[derive(Debug, Default)]
pub struct SourceUses<'p> {
    pub whens: Vec<&'p Expr>,
    pub tables: Vec<TableUse>,
}

/// A table whose `else` sends a row on somewhere (keeps it, gives a value) has nothing to
/// report: only values that fail, reject, hold or skip are.
fn falls_through(otherwise: &TableElse) -> bool {
    matches!(
        otherwise,
        TableElse::Fail | TableElse::Reject(_) | TableElse::Hold(_) | TableElse::Skip
    )
}

/// The tables applied directly to a column of `source` (`Table(column)`, `column | Table`)
/// whose `else` lets a value fall through.
pub fn of_source(program: &Program, source: SourceId) -> SourceUses<'_> {
    let mut uses = SourceUses::default();
    for map in program.maps.iter().filter(|m| m.source == source) {
        for (column, table) in applications(map.when.iter()) {
            uses.add(program, column, table, Reach::Always);
        }
        let applied = applications(written(map));
        let reach = match &map.when {
            Some(when) if !applied.is_empty() => {
                uses.whens.push(when);
                Reach::When(uses.whens.len() - 1)
            }
            _ => Reach::Always,
        };
        for (column, table) in applied {
            uses.add(program, column, table, reach);
        }
    }
    uses
}

/// What a map evaluates for the rows its `when` takes: its values and its merge key.
fn written(map: &Map) -> impl Iterator<Item = &Expr> {
    let values = map.assignments.iter().map(|a| &a.value);
    values.chain(map.merge.as_ref().map(|m| &m.key))
}

/// `(column, table)` of each table applied directly to a column in `exprs`.
fn applications<'e>(exprs: impl Iterator<Item = &'e Expr>) -> Vec<(ColumnId, TableId)> {
    let mut out = Vec::new();
    for e in exprs {
        e.walk(&mut |node| {
            if let Expr::Table { table, arg } = node {
                if let Expr::Column { column } = arg.as_ref() {
                    out.push((*column, *table));
                }
            }
        });
    }
    out
}

impl SourceUses<'_> {
    fn add(&mut self, program: &Program, column: ColumnId, table: TableId, reach: Reach) {
        let Some(t) = program.tables.get(table.index()) else {
            return;
        };
        if !falls_through(&t.otherwise) {
            return;
        }
        let found = self
            .tables
            .iter_mut()
            .find(|u| u.column == column && u.table == table);
        match found {
            Some(u) if !u.reach.contains(&reach) => u.reach.push(reach),
            Some(_) => {}
            None => self.tables.push(TableUse {
                column,
                table,
                reach: vec![reach],
            }),
        }
    }
}
