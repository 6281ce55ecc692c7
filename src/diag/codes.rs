//! The registry of diagnostic codes. A number is never reused: retire a code by leaving it here
//! with `retired` in its title, never by giving its number to another finding.
//! Ranges: 00 input, 01 syntax, 02 names, 03 types, 04 value tables, 05 mappings, 06 load order,
//! 07 data (`--data`), 08 warnings, 99 internal.

use super::Severity;
use serde::{Serialize, Serializer};

macro_rules! codes {
    ($( $variant:ident = $num:literal, $sev:ident, $title:literal, $explain:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)* }

        /// Every code, in registry order.
        pub const ALL: &[Code] = &[$(Code::$variant,)*];

        impl Code {
            pub fn number(self) -> u16 {
                match self { $(Code::$variant => $num,)* }
            }
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }
            /// A one-line summary.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
            /// The long explanation shown by `mapc explain`.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explain,)* }
            }
        }
    };
}

impl Code {
    /// `E0203`, or `W0801` for codes whose findings are warnings.
    pub fn as_string(self) -> String {
        let prefix = match self.severity() {
            Severity::Warning | Severity::Note => 'W',
            Severity::Error | Severity::Bug => 'E',
        };
        format!("{prefix}{:04}", self.number())
    }

    /// Finds a code by its text, with or without the letter (`E0203`, `e0203`, `0203`, `203`).
    pub fn parse(text: &str) -> Option<Code> {
        let digits = text.trim().trim_start_matches(['E', 'e', 'W', 'w']);
        let n: u16 = digits.parse().ok()?;
        ALL.iter().copied().find(|c| c.number() == n)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_string())
    }
}

codes! {
    Unreadable = 1, Error, "a file cannot be read",
"mapc could not open or read a file named on the command line or in a `use`.

    use \"shared/owners.map\"   # the file does not exist

Check the path; `use` paths are relative to the file that names them.";

    NotUtf8 = 2, Error, "a spec file is not valid UTF-8",
"`.map` files must be UTF-8. The diagnostic points at the first byte that is not.
Re-save the file as UTF-8 (most editors: \"Save with encoding\").";

    EmptyFile = 3, Error, "a spec file is empty",
"A file given to `mapc check` has nothing in it but whitespace or comments, so there is
nothing to check. An empty file is usually a truncated save or a wrong path.";

    TooLarge = 4, Error, "a spec file is too large",
"Spec files are limited to 4 MiB. A spec that large is almost always data pasted into
the spec; keep data in the export files and give them with `--data`.";

    TooManyWords = 6, Error, "a spec file has too many words",
"A spec file may hold at most 500,000 words (names, keywords, numbers and strings): far more
than any migration needs (a value table of every US ZIP code is about 130,000), and few enough
that checking any file stays well under a second. Keep data in the exports, or split a very
large value table into a file of its own and `use` it.";

    TooDeep = 5, Error, "an expression is nested too deeply",
"Brackets, `if`s and `not`s may nest at most 64 deep. Split the expression with a
user-defined function:

    fn clean(x: text) -> text = x | trim | lower
";

    Syntax = 101, Error, "syntax error",
"The parser met something it did not expect. The message lists what would have been
accepted at that point.

    map Patient -> Person {
      name.firstName = first_name |     # a pipeline stage is missing after `|`
    }
";

    Duplicate = 201, Error, "a name is defined twice",
"Two sources, objects, value tables, functions, tests or fields have the same name.
Names must be unique in their kind across the spec and the files it `use`s.";

    UnknownSource = 202, Error, "unknown source",
"A `map`, `lookup`, `merge into` or test `given` names a source that no `source`
declares.

    source Patient from \"patients.csv\" key patient_id { patient_id text }
    map Patiant -> Person { }          # did you mean `Patient`?
";

    UnknownColumn = 203, Error, "unknown source column",
"An expression names a column its source does not declare. Every column a mapping
reads must be declared with its type in the `source` block.

    source Patient from \"patients.csv\" key patient_id { patient_id text  email text? }
    map Patient -> Person { emails.primaryEmail = e_mail }   # did you mean `email`?
";

    UnknownObject = 204, Error, "unknown target object",
"A `map`, `extend`, relation, `order` or test `expect` names an object that neither the
target's stdlib module nor the spec declares. Objects are case-sensitive (`Person`).";

    UnknownField = 205, Error, "unknown target field",
"A mapping writes a field (or a subfield of a composite) the target object does not have.
Declare it with `extend Object { field type }` to create it as a custom field.

    map Patient -> Person { name.fristName = first_name }   # did you mean `firstName`?
";

    UnknownFunction = 206, Error, "unknown function",
"A call or pipeline stage names neither a built-in function nor a `fn` of the spec.
`mapc explain functions` lists the built-ins.";

    UnknownValueTable = 207, Error, "unknown value table",
"A call or pipeline stage names something that looks like a value table (a capitalised
name) but no `values` block declares it.";

    UnknownType = 208, Error, "unknown type",
"A column, field or parameter names a type that does not exist. Column types are
`text int decimal bool date datetime`; field types are the scalars `text number bool
date datetime uuid json rating rich_text`, `select [..]`, `multi_select [..]`,
`-> Object`, `links LinkObject` and the composites of the target.";

    UnknownTarget = 209, Error, "unknown target or stdlib module",
"`to NAME` and `use std.NAME` must name a module of the embedded stdlib: `twenty`,
`freshsales`, `nutshell`, `ada`, `us`.";

    UnknownOption = 210, Error, "unknown select option",
"A `default`, `add` or expected test value names an option the select field does not have.";

    UseNotFound = 211, Error, "a used file cannot be found",
"`use \"file.map\"` names a file that does not exist, relative to the file with the `use`.";

    Header = 212, Error, "missing or repeated migration header",
"A spec needs exactly one `migration \"title\" { from \"System\"  to target }` block, and
the header must name its target with `to`.";

    GapReason = 213, Error, "a gap without a reason",
"Every `gap` must say why the data cannot move (`reason \"…\"`), so the sign-off document
can tell the customer. Known entries: reason, action, volume, owner.";

    UnknownEncoding = 214, Error, "unknown encoding",
"A source's `encoding` is not a label mapc can decode. Any label of the WHATWG Encoding
Standard works (`utf-8`, `windows-1252`, `latin1`, `iso-8859-15`, `utf-16le`, `utf-16be`,
`shift_jis`, …; case does not matter).

    source Visit from \"visits.txt\" encoding \"ebcdic\" key id { id text }   # not a known label
";

    UnknownTimeZone = 215, Error, "unknown time zone",
"A time zone (a column's `tz`, or the zone given to `datetime` or `format_date`) is not an
IANA time-zone name. Write it as Area/City: `tz \"America/Chicago\"`, `\"Europe/London\"`,
`\"UTC\"`.";

    NotAnIdentifier = 216, Error, "a target name that is not an identifier",
"An object's name and `api`, and a field's `api`, name the files mapc writes and the paths
of the target's API, so each must be an identifier: a letter or `_`, then letters, digits or
`_`, at most 63 characters (a `plural` may join identifiers with `/`, an API path). A name
such as `api \"../evil\"` would write outside the output folder.

    object Evil api \"../../evil\" { note text }   # refused: not an identifier
";

    SourceOutsideData = 217, Error, "a source path outside the data folder",
"A source's file is read from the `--data` folder, so its path must be relative and stay
inside it: no absolute path, no `..` that climbs out. To read a file elsewhere on purpose,
give `--allow-outside-data` to `mapc check`, `mapc plan` and `mapc run`.

    source P from \"../../../etc/passwd\" delimiter \":\" key id { id text }   # refused
";

    TypeMismatch = 301, Error, "type mismatch",
"An expression produces a value of one type where another is needed: a number into a text
field is fine (it is written as text), but a boolean into a date is not.";

    TextIntoDate = 302, Error, "text into a date or datetime field without a parse",
"A date or datetime field is fed from a text value. Declare the column with its format, of
the field's type, or parse it in the mapping:

    dob      date \"%m/%d/%Y\"                  # for a date field
    seen_at  datetime \"%Y-%m-%d %H:%M:%S\"     # for a datetime field
    dateOfBirth = dob_text | date(\"%m/%d/%Y\") ?? null
    seenAt      = seen_text | datetime(\"%Y-%m-%d %H:%M:%S\") ?? null
";

    NumberIntoSelect = 303, Error, "a number into a select field",
"Select fields take one of their option values. Map numbers through a value table:

    values Stage { 1 => NEW  2 => MEETING  else => reject \"unknown stage\" }
    stage = Stage(stage_no)
";

    IllegalOption = 304, Error, "not a legal option of the select field",
"A literal written into a select field is not one of its options. Add the option with
`extend Object { field add [OPTION] }` or use one that exists.";

    Arity = 305, Error, "wrong number of arguments",
"A function, value table or lookup is given more or fewer arguments than it takes.";

    CompositeWhole = 306, Error, "a composite field assigned a plain value",
"Composite fields (`name`, `emails`, `phones`, `address`, `amount`, …) are written through
their subfields (`name.firstName = …`) or from a function that returns that composite
(`phones = phone | us_phone ?? null`).";

    BadFormat = 307, Error, "an invalid or misplaced date or datetime format",
"A date or datetime format uses strftime-style directives: %Y %y %m %d %e %b %B %a %A %H %I %M
%S %p %j %z %f %%. Any other `%` directive is an error. Formats are for `date` and `datetime`
columns, and a time zone (`tz`) for `datetime` ones.";

    BadDelimiter = 308, Error, "a delimiter mapc cannot read with",
"A CSV delimiter is one ASCII character other than a quote or a line break: `\",\"`, `\";\"`,
`\"|\"`, `\"\\t\"`. A longer separator (`\"||\"`) cannot be read as CSV, and a delimiter
means nothing to a JSON-lines source.

    source Visit from \"visits.txt\" delimiter \"||\" key id { id text }
";

    NotBoolean = 309, Error, "a condition is not a boolean",
"`when`, `if` and `and/or/not` need true or false. Compare a value instead:
`when kind == \"org\"`.";

    MisplacedDstPolicy = 310, Error, "a gap or overlap policy where it cannot apply",
"`on gap shift|reject` and `on overlap earlier|later|reject` say what a `datetime` column does
with a local time its time zone's clocks skipped (when they sprang forward) or showed twice
(when they fell back). They need the column's `tz`: without one its times are UTC, whose
clocks skip and repeat nothing. Each is said at most once per column.

    source Visit from \"visits.csv\" key id {
      id    text
      seen  datetime \"%Y-%m-%d %H:%M\" on gap reject     # no `tz \"America/Chicago\"`
    }
";

    NumberOutOfRange = 311, Error, "a number mapc cannot hold exactly",
"Numbers are exact decimals of at most 28 significant digits: at most 28 digits after the
point, and at most 79,228,162,514,264,337,593,543,950,335. A literal beyond that would have
to be rounded, so it is refused rather than changed.

    fee = amount * 0.00000000000000000000000000001   # 29 decimal places
";

    UncheckedOptions = 312, Error, "a multi-select field given values not known to be its options",
"A multi_select field takes a list whose every element is one of its options. A list the
checker cannot vouch for, such as the parts `split` cuts from an export's text, could hold
anything. Map each element to an option through a value table whose outputs are all options
(and whose `else` is not `keep`, which lets unknown text through); piping a list into a table
applies the table to each element:

    values Tag { \"vip\" => VIP  \"new\" => NEW  else => reject \"unknown tag {}\" }
    labels = split(tags, \";\")          # refused: any text at all
    labels = split(tags, \";\") | Tag    # a list of VIP and NEW
";

    OneIntoMultiSelect = 313, Error, "one value into a multi-select field",
"A multi_select field holds a list of options, and is written as a list even when it has
one. Write a list, or pipe a list into the value table:

    labels = Tag(tag)                    # refused: one option
    labels = [Tag(tag)]                  # a list of one
    labels = split(tags, \";\") | Tag    # each part through the table
";

    DuplicateKey = 401, Error, "duplicate value-table key",
"The same source value appears twice in a value table (after case folding when the table
is `ignoring case`), so which output wins would be arbitrary.";

    OptionNotLegal = 402, Error, "a value-table output is not a legal option",
"A value table feeds a select field, and one of its outputs is not an option of that field.

    values Stage { \"Won\" => CLOSED_WON }     # opportunity.stage has no CLOSED_WON
";

    Unhandled = 501, Error, "a fallible transform is not handled",
"A transform that can fail (a parse, a validation such as `email`, a value table with no
`else`, a lookup column) must say what happens when it does: a fallback with `??`, or a
`reject`:

    emails.primaryEmail = email | trim | email ?? null
    dateOfBirth = dob_text | date(\"%m/%d/%Y\") ?? reject \"bad date of birth\"
";

    RequiredUnmapped = 502, Error, "a required target field is not mapped",
"The target rejects records without this field and it has no default. Map it, or give
the object a default in an `extend`.";

    IdentityNotField = 503, Error, "an identity key is not a target field",
"`identity` names the target field that makes re-runs idempotent (an upsert key). It must
be a field of the target object, declared `unique`.";

    DedupeNotField = 504, Error, "a dedupe key is not a target field",
"`dedupe by` names target fields; two rows with equal values for them become one record.";

    MappedTwice = 505, Error, "a field is mapped twice",
"The same target field is assigned twice in one mapping; only one value can win.";

    LookupUnmapped = 506, Error, "a lookup to a source that is never mapped",
"`lookup Source(key)` resolves to the target record made from that source row; a source
with no `map` (to an object the field accepts) makes no records to point at.";

    NoMissPolicy = 507, Error, "a lookup without a miss policy",
"A lookup or owner resolution must say what happens when nothing matches:
`on missing reject | null | skip | hold | placeholder | default`.

    company = lookup Carrier(carrier_id) on missing null
";

    ReadonlyField = 510, Error, "a read-only field is written",
"The target does not accept writes to this field or object (workspace members, system
fields). Owners are resolved with `owner(email)`, not written.";

    IdentityNotUnique = 511, Error, "an identity key is not unique in the target",
"An identity field must be unique in the target, or an upsert could match many records.
Declare it `unique` in an `extend`.";

    NotRelation = 512, Error, "a relation fed by something other than a lookup",
"Relation and link fields take a record reference: `lookup Source(key) on missing …` or,
for owners, `owner(email) on missing …`.";

    KeyColumn = 513, Error, "a key or watermark names an undeclared column",
"`key` and `watermark` must name columns declared in the source block.";

    DefaultOwner = 514, Error, "`on missing default` without a default owner",
"`owner(email) on missing default` gives unmatched rows the migration's default owner, so the
header must name one: `default owner \"ops@example.com\"`.";

    RecursiveFunction = 515, Error, "a recursive function",
"A user-defined function calls itself, directly or through others. Evaluation would never end
for some rows, so recursion is not allowed.";

    DuplicateNotUnique = 516, Error, "`on duplicate` names a value that is not unique",
"`on duplicate f merge|reject` says what a row does when a record already has its value of
`f`, which only a unique value can: a field the target keeps unique (`unique` in the stdlib or
an `extend`, so also every identity), or the unique subfield of a composite
(`emails.primaryEmail`), that this map writes.";

    DuplicatePolicyTwice = 517, Error, "what a duplicate does is said twice",
"A map says once what a row does whose unique value a record already has. Keep one
`on duplicate f …` for each field.";

    OwnerWithoutUsers = 518, Error, "`owner(…)` without the target's users",
"`owner(email)` finds the target user with that email, so the migration must say where the
target's users are: `users \"users.csv\"` in its header, an export of them as `email,id`
(a live target that lists its users will supply them itself). Without them every owner is a
miss, and every row would be held, rejected or given the default owner.

    migration \"RSoft to Twenty\" { from \"RSoft CRM\"  to twenty  users \"users.csv\" }";

    AmbiguousLookup = 519, Error, "a lookup that could find records of more than one object",
"A source's maps make records of several objects, and the field accepts more than one of
them (a task's or note's targets accept people, companies and opportunities), so the lookup
could mean either. Name the object it finds:

    map Referrer -> Company when kind == \"org\"  { name = display_name }
    map Referrer -> Person  when kind != \"org\"  { name = split_name(display_name) }
    map Visit -> Task { targets = [lookup Referrer(referrer_id) as Person on missing null] }";

    Cycle = 601, Error, "a dependency cycle",
"Mappings look each other up in a circle, so no load order puts every record after the
records it points at. Mark one field `deferred`: it is written in a second pass, after
every object exists.

    map Patient -> Person { deferred referredBy = lookup Patient(referrer_id) on missing null }
";

    OrderContradicts = 602, Error, "the explicit order contradicts a lookup",
"An `order` puts an object before an object it looks up.";

    OrderIncomplete = 603, Error, "the explicit order names an unknown object or leaves one out",
"An `order` must name each mapped target object exactly once.";

    DataFileMissing = 701, Error, "a source file is missing from --data",
"`mapc check --data DIR` found no file for a source at DIR/<file>.";

    DataColumnMissing = 702, Error, "a column the spec names is missing from the export",
"The export's header lacks a column the source block declares.";

    UncoveredValue = 703, Warning, "a source value no value table entry covers",
"With `--data`, mapc reads every value that feeds a value table. Values that fall through
to `else => reject|hold|skip`, or to no `else` at all, are listed with their counts.";

    DataUnreadable = 704, Error, "an export cannot be read",
"An export file given with `--data` could not be parsed (bad quoting, bad encoding,
unreadable JSON line).";

    DataForeignEncoding = 705, Error, "an export is plainly in another encoding than declared",
"Read as its declared encoding (UTF-8 unless the source says `encoding`), the export's first
64 KiB show it is in another: a fifth of its bytes NUL (UTF-16 without a byte-order mark), or
more byte sequences that are not UTF-8 than characters outside ASCII that are, in bytes that
are Windows-1252 text. A run would stop before any of its rows moves. Declare the encoding
the finding names:

    source Patient from \"patients.csv\" encoding \"windows-1252\" key id { … }

A file that is mostly UTF-8 with a few rows that are not is read: those rows are rejected
(code `encoding`), each with its line and its bytes shown escaped (`caf\\xE9`).";

    DataDuplicateColumn = 706, Error, "a column the spec reads is in the export's header twice",
"The export's header has the same name (trimmed) at two places, and the source declares that
column: which of the two it means is not known, so a run stops before any row moves. Rename
one of them in the export.";

    DataRepeatedHeader = 707, Warning, "a name the spec does not read is in the export's header twice",
"The export's header has the same name (trimmed) at two places; the source does not declare
it, so nothing reads either. Worth knowing: the export may not be the one the spec was
written for.";

    DataUnreadableRows = 708, Warning, "rows of an export a run will reject as unreadable",
"Some rows of the export cannot be read as rows: a quote that is never closed, or bytes
that are not in the file's encoding. A run rejects each in its place (code `unreadable` or
`encoding`, with its line) and reads the rest; correct them in the export to migrate them.";

    UnusedValues = 801, Warning, "unused value table",
"A value table is declared but no mapping applies it.";

    UnusedFunction = 802, Warning, "unused function",
"A `fn` is declared but never called.";

    UnusedSource = 803, Warning, "a source is never mapped",
"A source is declared but no `map` reads it, so none of its rows will move. Declare a
`gap` if that is intended.";

    UnreadColumn = 804, Warning, "a source column nothing reads",
"A column is declared in a `source`, but no expression reads it: no assignment, identity,
`when` or merge key of a map, no argument of a function, no `lookup S(k).column`. Its
values would stay behind without a word. A source's key and watermark are always read;
`test` blocks do not count.

    source Patient from \"patients.csv\" key patient_id {
      patient_id text
      fax        text?        # never read: W0804
    }

Map it (`someField = fax`), or say why it is left behind by ending its declaration with
`ignored \"reason\"`:

      fax        text? ignored \"the practice stopped faxing in 2019\"

The reason is part of the spec the customer signs off. The warning waits until the spec
has no errors: an expression that does not check may read columns that are not seen.";

    IgnoredColumnRead = 805, Warning, "a column declared ignored is read",
"A column's declaration says `ignored \"…\"`, yet an expression reads it, or it is the
source's key or watermark (which every run reads). The reason would tell the customer
that its values stay behind when they move. Remove `ignored \"…\"`.";

    Internal = 9999, Bug, "internal error",
"mapc reached a state it believes impossible. Please report it with the spec that caused it.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn numbers_are_unique_and_parse_back() {
        let mut seen = HashSet::new();
        for c in ALL {
            assert!(seen.insert(c.number()), "{c} reused");
            assert_eq!(Code::parse(&c.as_string()), Some(*c));
            assert!(!c.explanation().is_empty());
        }
    }
}
