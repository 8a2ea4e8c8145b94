//! The facts the coverage of the asset, risk and processing registers is
//! computed from, per organisation, in a bounded number of statements.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use domain::assets::classification::is_current;
use domain::assets::coverage::{UnitFacts, within_months};
use domain::assets::processing::{Agreement, missing_fields, systems_without_agreement};
use domain::assets::risk::{RiskMatrix, RiskObject, is_untreated_high};
use domain::assets::trend::{AssetDates, History, RiskDates, SystemDates, TrendPoint};
use uuid::Uuid;

use crate::{OrgScope, Result, Store};

/// What [`Store::asset_facts`] counts: each organisation's own facts on
/// today and, when dates were asked for, the subtree's trend.
#[derive(Debug, Clone, Default)]
pub struct AssetFacts {
    pub own: HashMap<Uuid, UnitFacts>,
    pub trend: Vec<TrendPoint>,
}

impl Store {
    // ---- facts for the coverage --------------------------------------------------------------

    /// Per organisation in `scope` that holds any register row, the counts
    /// [`UnitFacts`] needs, each row counted for the organisation that owns
    /// it (an asset for its `org_id`, not its unit). The rules are the
    /// domain's (`is_current`, `within_months`, `is_untreated_high` on
    /// `matrix`, `missing_fields`, `systems_without_agreement` on `today`);
    /// a risk analysis's date is the day it was last saved (UTC). A supplier
    /// system is covered when its contract is recorded and it processes at
    /// least one asset, every one of them classified.
    ///
    /// With `dates`, also the whole scope's coverage on each of them
    /// ([`History::trend`], from one more statement: the classifications'
    /// history).
    ///
    /// Eleven bounded statements (twelve with a trend): assets, current
    /// classifications, systems, asset–system links, risks, processings,
    /// DPIAs and agreements (three).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn asset_facts(
        &self,
        scope: &OrgScope,
        today: NaiveDate,
        dates: &[(i32, NaiveDate)],
        risk_months: u32,
        matrix: &RiskMatrix,
    ) -> Result<AssetFacts> {
        let mut out: HashMap<Uuid, UnitFacts> = HashMap::new();
        if scope.is_nothing() {
            return Ok(AssetFacts::default());
        }
        let assets = self.list_assets(scope).await?;
        let current = self.current_classifications(scope).await?;
        let systems = self.list_systems(scope).await?;
        let links = self.asset_system_links(scope).await?;
        let risks = self.list_risks(scope).await?;
        let processings = self.list_processings(scope).await?;
        let dpias = self.list_dpias(scope).await?;
        let agreements = self.list_agreements(scope).await?;

        let classified: HashMap<Uuid, bool> =
            current.iter().map(|c| (c.asset_id, is_current(&c.data, today))).collect();
        let recent: HashSet<(RiskObject, Uuid)> = risks
            .iter()
            .filter(|r| within_months(r.updated_at.date_naive(), today, risk_months))
            .map(|r| (r.data.object_kind, r.data.object_id))
            .collect();
        for a in &assets {
            let f = out.entry(a.org_id).or_default();
            f.assets += 1;
            f.objects += 1;
            if let Some(current) = classified.get(&a.id) {
                f.assets_classified += 1;
                if *current {
                    f.assets_current += 1;
                }
            }
            if recent.contains(&(RiskObject::Asset, a.id)) {
                f.objects_with_recent_risk_analysis += 1;
            }
        }
        let mut assets_of: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (a, s) in &links {
            assets_of.entry(*s).or_default().push(*a);
        }
        let agreement_list: Vec<Agreement> = agreements.iter().map(|a| a.data.clone()).collect();
        let by_org_agreements: HashMap<Uuid, Vec<Agreement>> =
            agreements.into_iter().fold(HashMap::new(), |mut m, a| {
                m.entry(a.org_id).or_default().push(a.data);
                m
            });
        let no_agreement: HashSet<Uuid> = {
            let mut by_org: HashMap<Uuid, Vec<(Uuid, &domain::assets::system::SystemInput)>> = HashMap::new();
            for s in &systems {
                by_org.entry(s.org_id).or_default().push((s.id, &s.data));
            }
            by_org
                .into_iter()
                .flat_map(|(org, list)| {
                    let agreements = by_org_agreements.get(&org).map(Vec::as_slice).unwrap_or(&[]);
                    systems_without_agreement(list, agreements, today)
                })
                .collect()
        };
        for s in &systems {
            let f = out.entry(s.org_id).or_default();
            f.systems += 1;
            f.objects += 1;
            if s.data.has_owner_and_manager() {
                f.systems_with_owner_and_manager += 1;
            }
            if recent.contains(&(RiskObject::System, s.id)) {
                f.objects_with_recent_risk_analysis += 1;
            }
            if !s.data.supplier.is_empty() {
                f.supplier_systems += 1;
                let processed = assets_of.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
                if !s.data.contract.is_empty()
                    && !processed.is_empty()
                    && processed.iter().all(|a| classified.contains_key(a))
                {
                    f.supplier_systems_covered += 1;
                }
            }
            if domain::assets::processing::needs_agreement(&s.data) {
                f.processor_systems += 1;
                if no_agreement.contains(&s.id) {
                    f.processor_systems_without_agreement += 1;
                }
            }
        }
        for r in &risks {
            if r.data.inherent_level(matrix).is_high() {
                let f = out.entry(r.org_id).or_default();
                f.high_risks += 1;
                if is_untreated_high(&r.data, matrix) {
                    f.high_risks_untreated += 1;
                }
            }
        }
        let assessed: HashSet<Uuid> = dpias.iter().map(|d| d.processing_id).collect();
        for p in &processings {
            let f = out.entry(p.org_id).or_default();
            f.processings += 1;
            if missing_fields(&p.data).is_empty() {
                f.processings_complete += 1;
            }
            if p.data.needs_dpia == Some(true) {
                f.dpia_needed += 1;
                if assessed.contains(&p.id) {
                    f.dpia_done += 1;
                }
            }
        }
        let trend = if dates.is_empty() {
            Vec::new()
        } else {
            let history = self.classification_history(scope).await?;
            let mut of_asset: HashMap<Uuid, Vec<&domain::assets::classification::AssetClassification>> = HashMap::new();
            for c in &history {
                of_asset.entry(c.asset_id).or_default().push(&c.data);
            }
            History {
                assets: assets
                    .iter()
                    .map(|a| AssetDates {
                        id: a.id,
                        org_id: a.org_id,
                        created_on: a.created_at.date_naive(),
                        classifications: of_asset.remove(&a.id).unwrap_or_default(),
                    })
                    .collect(),
                systems: systems
                    .iter()
                    .map(|s| SystemDates {
                        id: s.id,
                        org_id: s.org_id,
                        created_on: s.created_at.date_naive(),
                        data: &s.data,
                    })
                    .collect(),
                risks: risks
                    .iter()
                    .map(|r| RiskDates {
                        object: (r.data.object_kind, r.data.object_id),
                        created_on: r.created_at.date_naive(),
                        updated_on: r.updated_at.date_naive(),
                    })
                    .collect(),
                agreements: agreement_list.iter().collect(),
            }
            .trend(dates, risk_months)
        };
        Ok(AssetFacts { own: out, trend })
    }
}
