//! The import of asset lists and system lists from a CSV or Excel file, all
//! or nothing: every wrong row and field is named (the domain's row rules,
//! then the names the organisation already holds) and nothing is stored
//! unless every row is right. The header row may be Swedish or English.

use domain::assets::system::{
    ASSET_COLUMNS, MAX_IMPORT_ROWS, RowError, SYSTEM_COLUMNS, parse_asset_rows, parse_system_rows,
};
use domain::authz::Permission;
use uuid::Uuid;

use super::assets::{authorise, tree_for, unit_finder};
use super::training::{MAX_IMPORT_BYTES, read_csv};
use super::{Caller, Error, Result};

/// Which list a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Assets,
    Systems,
}

impl Kind {
    /// The header row of the template, in Swedish, in the positional order.
    pub fn template_header(self) -> &'static [&'static str] {
        match self {
            Kind::Assets => &["Namn", "Beskrivning", "Informationsägare", "Enhet"],
            Kind::Systems => &[
                "Namn",
                "Beskrivning",
                "Systemägare",
                "Objektledare",
                "Leverantör",
                "Drift",
                "Land",
                "Avtal",
                "Personuppgifter",
            ],
        }
    }

    fn name_column(self) -> &'static [&'static str] {
        match self {
            Kind::Assets => ASSET_COLUMNS[0].1,
            Kind::Systems => SYSTEM_COLUMNS[0].1,
        }
    }
}

/// What became of an import.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// How many rows were stored.
    Stored(usize),
    /// Nothing stored: every wrong row and field.
    Refused(Vec<RowError>),
}

fn refused(code: &'static str) -> ImportOutcome {
    ImportOutcome::Refused(vec![RowError { row: 0, field: "file", code }])
}

fn key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The file's row numbers (from 1) of the data rows, in order, as the
/// domain's parser reads them: blank rows skipped, a header row skipped.
fn data_rows(rows: &[Vec<String>], kind: Kind) -> Vec<usize> {
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    let Some(first) = rows.iter().position(|r| !blank(r)) else { return Vec::new() };
    let names = kind.name_column();
    let header = rows[first].iter().any(|c| names.contains(&key(c).as_str()));
    let start = if header { first + 1 } else { first };
    rows.iter().enumerate().skip(start).filter(|(_, r)| !blank(r)).map(|(i, _)| i + 1).collect()
}

/// Reads the first sheet of a workbook off the async runtime, within limits.
async fn read_xlsx(bytes: Vec<u8>) -> Result<std::result::Result<Vec<Vec<String>>, &'static str>> {
    let limits =
        documents::ReadLimits { rows: MAX_IMPORT_ROWS as u32 + 20, columns: 50, cells: 500_000, ..Default::default() };
    tokio::task::spawn_blocking(move || {
        for name in [
            "Informationstillgångar",
            "Tillgångar",
            "Assets",
            "Information assets",
            "System",
            "Systems",
            "Sheet1",
            "Blad1",
            "Data",
            "Export",
        ] {
            match documents::read_sheet_within(&bytes, name, limits) {
                Ok(rows) => return Ok(rows),
                Err(documents::Error::NoSheet(_)) => continue,
                Err(documents::Error::TooLarge(_)) => return Err("error-import-too-many"),
                Err(_) => return Err("error-assets-import-format"),
            }
        }
        Err("error-assets-import-sheet")
    })
    .await
    .map_err(Error::internal)
}

/// Imports an asset or system list into `org` (ManageAssets there), all or nothing.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn import(
    store: &store::Store,
    caller: &Caller,
    kind: Kind,
    org: Option<Uuid>,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportOutcome> {
    let tree = tree_for(store, caller, Permission::ManageAssets).await?;
    let Some(org) = org else {
        return Err(Error::Validation(vec![domain::FieldError::new("org_id", "error-assets-org")]));
    };
    authorise(caller, &tree, Permission::ManageAssets, org)?;
    if bytes.is_empty() {
        return Ok(refused("error-import-empty"));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Ok(refused("error-assets-import-too-large"));
    }
    let xlsx = bytes.starts_with(b"PK\x03\x04") || file_name.to_lowercase().ends_with(".xlsx");
    let rows = if xlsx {
        read_xlsx(bytes.to_vec()).await?
    } else {
        read_csv(bytes).map_err(|code| match code {
            "error-training-import-encoding" => "error-assets-import-encoding",
            "error-training-import-too-many" => "error-import-too-many",
            _ => "error-assets-import-format",
        })
    };
    let rows = match rows {
        Ok(r) => r,
        Err(code) => return Ok(refused(code)),
    };
    let numbers = data_rows(&rows, kind);
    let clashes = match kind {
        Kind::Assets => match parse_asset_rows(&rows, unit_finder(&tree, org)) {
            Err(e) => return Ok(ImportOutcome::Refused(e)),
            Ok(v) => store.import_assets(&caller.actor(), org, &v).await?,
        },
        Kind::Systems => match parse_system_rows(&rows) {
            Err(e) => return Ok(ImportOutcome::Refused(e)),
            Ok(v) => store.import_systems(&caller.actor(), org, &v).await?,
        },
    };
    let code = match kind {
        Kind::Assets => "error-asset-name-taken",
        Kind::Systems => "error-system-name-taken",
    };
    Ok(match clashes {
        Ok(n) => ImportOutcome::Stored(n),
        Err(c) => ImportOutcome::Refused(
            c.iter()
                .map(|c| RowError { row: numbers.get(c.index).copied().unwrap_or(0), field: "name", code })
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect()
    }

    #[test]
    fn data_rows_skip_blank_rows_and_the_header() {
        let r = rows(&[&[""], &["Namn", "Ägare"], &["A", "x"], &["", ""], &["B", "y"]]);
        assert_eq!(data_rows(&r, Kind::Assets), vec![3, 5]);
        let r = rows(&[&["A", "x"], &["B", "y"]]);
        assert_eq!(data_rows(&r, Kind::Systems), vec![1, 2]);
    }
}
