//! The import of a processing list (CSV or Excel) into one organisation's
//! register: all or nothing, every wrong row and field named, names already
//! in the register refused by row.

use domain::assets::processing::{PROCESSING_COLUMNS, parse_processing_rows};
use domain::authz::Permission;
use domain::training::RowError;
use uuid::Uuid;

use super::{ensure_manages, ensure_somewhere, public_authority};
use crate::app::training::MAX_IMPORT_BYTES;
use crate::app::{Caller, Error, Result};

/// The header of the template and of the register's export, in Swedish
/// (each is a name the import recognises), in [`PROCESSING_COLUMNS`] order.
pub const TEMPLATE_HEADER: &[&str] = &[
    "Namn",
    "Ändamål",
    "Rättslig grund",
    "Lagrum",
    "Registrerade",
    "Personuppgifter",
    "Mottagare",
    "Tredjeland",
    "Länder",
    "Skyddsåtgärd",
    "Gallring",
    "Säkerhetsåtgärder",
    "Konsekvensbedömning",
];

/// What became of an import.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// How many records were stored.
    Stored(usize),
    /// Nothing stored: every wrong row and field and how many there are in all.
    Refused { errors: Vec<RowError>, total: usize },
}

fn refused(code: &'static str) -> ImportOutcome {
    ImportOutcome::Refused { errors: vec![RowError { row: 0, field: "file", code }], total: 1 }
}

/// Reads the first sheet of the names a processing list has, off the async runtime.
async fn read_xlsx(bytes: Vec<u8>) -> Result<std::result::Result<Vec<Vec<String>>, &'static str>> {
    let limits = documents::ReadLimits {
        rows: domain::assets::system::MAX_IMPORT_ROWS as u32 + 20,
        columns: 50,
        cells: 500_000,
        ..Default::default()
    };
    tokio::task::spawn_blocking(move || {
        for name in ["Behandlingar", "Registerförteckning", "Processings", "Blad1", "Sheet1"] {
            match documents::read_sheet_within(&bytes, name, limits) {
                Ok(rows) => return Ok(rows),
                Err(documents::Error::NoSheet(_)) => continue,
                Err(documents::Error::TooLarge(_)) => return Err("error-import-too-many"),
                Err(_) => return Err("error-training-import-format"),
            }
        }
        Err("error-processing-import-sheet")
    })
    .await
    .map_err(Error::internal)
}

/// The line numbers (1-based) of the data rows the domain reads, in order:
/// the non-blank rows after the header (when the first has one).
fn data_rows(rows: &[Vec<String>]) -> Vec<usize> {
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    let Some(first) = rows.iter().position(|r| !blank(r)) else {
        return Vec::new();
    };
    let names = PROCESSING_COLUMNS[0].1;
    let header = rows[first].iter().any(|c| {
        let c = c.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        names.contains(&c.as_str())
    });
    let start = if header { first + 1 } else { first };
    rows.iter().enumerate().skip(start).filter(|(_, r)| !blank(r)).map(|(i, _)| i + 1).collect()
}

/// Imports a processing list into `org`'s register, all or nothing.
pub async fn import(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportOutcome> {
    ensure_somewhere(caller, Permission::ManageProcessing)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let Some(org) = org else {
        return Err(Error::Validation(vec![domain::FieldError::new("org_id", "error-required")]));
    };
    ensure_manages(caller, &tree, org)?;
    if bytes.is_empty() {
        return Ok(refused("error-import-empty"));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Ok(refused("error-training-import-too-large"));
    }
    let xlsx = bytes.starts_with(b"PK\x03\x04") || file_name.to_lowercase().ends_with(".xlsx");
    let rows = if xlsx { read_xlsx(bytes.to_vec()).await? } else { super::super::training::read_csv(bytes) };
    let rows = match rows {
        Ok(r) => r,
        Err("error-training-import-too-many") => return Ok(refused("error-import-too-many")),
        Err(code) => return Ok(refused(code)),
    };
    let parsed = match parse_processing_rows(&rows, public_authority(&tree, org)) {
        Ok(p) => p,
        Err(errors) => {
            let total = errors.len();
            return Ok(ImportOutcome::Refused { errors, total });
        }
    };
    match store.import_processings(&caller.actor(), org, &parsed).await? {
        Ok(n) => Ok(ImportOutcome::Stored(n)),
        Err(clashes) => {
            let lines = data_rows(&rows);
            let errors: Vec<RowError> = clashes
                .iter()
                .map(|c| RowError {
                    row: lines.get(c.index).copied().unwrap_or(0),
                    field: "name",
                    code: "error-processing-name-taken",
                })
                .collect();
            let total = errors.len();
            Ok(ImportOutcome::Refused { errors, total })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_rows_skip_the_header_and_blank_lines() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<String>>();
        let rows = vec![row(&["", ""]), row(&["Namn", "Ändamål"]), row(&["A", "x"]), row(&["", ""]), row(&["B", "y"])];
        assert_eq!(data_rows(&rows), vec![3, 5]);
        let plain = vec![row(&["A", "x"]), row(&["B", "y"])];
        assert_eq!(data_rows(&plain), vec![1, 2]);
    }
}
