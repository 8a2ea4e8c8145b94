//! The registers' hub in the JSON API: coverage of the asset registers for
//! one organisation, per unit (own and rolled up), and the status the
//! registers give the checklist's asset points. The same use case
//! (`crate::app::registers::coverage`) as the page.

use axum::Json;
use axum::extract::{Query, State};
use domain::assets::coverage::{AssetBasis, AssetPoint, UnitFacts};
use domain::assets::trend::TrendPoint;
use domain::review::PointStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

/// `?org=`: the organisation (default: the user's first where they read the registers).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    org: Option<String>,
}

/// A checklist point the asset registers answer, with its computed status.
#[derive(Serialize, ToSchema)]
pub struct CoveragePoint {
    point: AssetPoint,
    /// `null`: nothing to count (no asset, system … for the point).
    status: Option<PointStatus>,
    basis: Option<AssetBasis>,
}

/// One organisation of the subtree, in tree order.
#[derive(Serialize, ToSchema)]
pub struct CoverageUnit {
    org_id: Uuid,
    name: String,
    /// Levels below the chosen organisation.
    depth: usize,
    own: UnitFacts,
    rolled_up: UnitFacts,
}

/// Coverage of the registers for one organisation.
#[derive(Serialize, ToSchema)]
pub struct RegisterCoverage {
    org_id: Uuid,
    org_name: String,
    /// The day the figures are counted on.
    as_of: chrono::NaiveDate,
    /// The months a risk analysis counts as recent.
    risk_months: u32,
    /// The subtree rolled up.
    total: UnitFacts,
    points: Vec<CoveragePoint>,
    /// The organisation first, then those below it that hold anything in the registers.
    units: Vec<CoverageUnit>,
    /// The subtree's coverage at the end of each of the last five years,
    /// this one (counted on `as_of`) last: the shares the registers' dates
    /// tell (classification, risk analysis, data-processing agreements).
    trend: Vec<TrendPoint>,
}

/// Coverage of the asset registers for an organisation's subtree.
#[utoipa::path(get, path = "/api/v1/registers/coverage", tag = "registers", params(OrgQuery),
    responses((status = 200, body = RegisterCoverage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn coverage(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<OrgQuery>,
) -> AppResult<Json<RegisterCoverage>> {
    let org = q.org.as_deref().map(|x| x.parse::<Uuid>().map_err(|_| AppError::NotFound)).transpose()?;
    let c = app::registers::coverage(&state.store, &s.caller(), org).await?;
    Ok(Json(RegisterCoverage {
        org_id: c.root,
        org_name: c.root_name,
        as_of: c.today,
        risk_months: c.risk_months,
        total: c.total,
        points: c
            .points
            .into_iter()
            .map(|(point, x)| CoveragePoint { point, status: x.map(|x| x.status), basis: x.map(|x| x.basis) })
            .collect(),
        units: c
            .lines
            .into_iter()
            .map(|l| CoverageUnit {
                org_id: l.org_id,
                name: l.name,
                depth: l.depth,
                own: l.own,
                rolled_up: l.rolled_up,
            })
            .collect(),
        trend: c.trend,
    }))
}
