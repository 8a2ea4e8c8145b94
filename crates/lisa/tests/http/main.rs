//! Black-box HTTP tests: every route, every kind of caller, both databases.
//! One module per concern; `helpers` starts the app and holds the client,
//! `authz` the authorisation matrix that every route of the router must have
//! a row in.

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

mod helpers;

mod assessments;
mod assets;
mod audit;
mod audit_feeds;
mod audit_reports;
mod audits;
mod authz;
mod authz_registers;
mod demo_audits;
mod incidents;
mod models;
mod orgs;
mod plans;
mod processing;
mod registers;
mod risks;
mod rounds;
mod scale;
mod service;
mod sessions;
mod steering;
mod training;
mod trust;
mod users;

use assessments::{
    assessment_answers_are_checked_and_scoped, assessment_api_journey, assessment_lifecycle_feedback_and_history,
    delegated_areas_arrive_as_proposals,
};
use assets::{assets_are_imported_classified_and_planned, assets_refuse_hostile_users};
use audit::audit_log_is_scoped_filtered_and_verifiable;
use audit_feeds::audit_feeds_reach_the_review_plan_start_page_and_year_wheel;
use audit_reports::audit_reports_carry_the_audit_and_only_what_the_caller_sees;
use audits::audits_are_entered_answered_and_followed_up;
use authz::every_route_refuses_anonymous_outsiders_and_missing_roles;
use demo_audits::demo_holds_an_elected_and_an_internal_audit;
use incidents::{incidents_are_hidden_from_those_who_may_not_see_them, incidents_are_registered_reported_and_closed};
use models::{
    answers_go_out_and_in_through_excel, evidence_files_are_kept_with_the_assessment,
    models_are_loaded_whole_or_not_at_all,
};
use orgs::{
    admin_manages_orgs_through_pages_and_nothing_is_half_written, orgs_and_actions_are_searched_and_paged_within_scope,
};
use plans::{
    action_plan_refuses_bad_input_and_exports, calendar_feed_is_private_and_revocable,
    forvaltning_holds_its_own_review, review_journey_through_the_api,
};
use processing::{processing_register_is_imported_completed_and_flagged, processing_register_refuses_hostile_users};
use registers::{
    registers_coverage_moves_and_feeds_the_checklist_and_review, registers_coverage_refuses_hostile_users,
};
use risks::{risks_are_analysed_mapped_and_planned, risks_refuse_bad_input_and_hostile_users};
use rounds::{
    demo_national_rounds_have_figures_reports_and_feedback, rounds_invite_submit_withdraw_and_suppress,
    rounds_refuse_strangers_on_every_route, trend_over_model_versions_covers_what_maps,
};
use service::{errors_are_problem_json_in_swedish, service_endpoints_and_headers};
use sessions::{
    csrf_is_required_for_every_write, failed_logins_are_slowed_then_locked, first_admin_setup_link_works_once,
    sessions_logout_and_password_change,
};
use steering::steering_documents_are_kept_and_scoped;
use training::{training_is_counted_imported_and_rolled_up, training_refuses_hostile_users_on_every_route};
use trust::{
    a_flood_of_reports_is_queued_not_fatal, local_admin_cannot_reach_beyond_its_scope,
    next_after_login_stays_on_this_site, one_request_cannot_take_lisa_down, parallel_guesses_meet_the_lock,
};
use users::{api_manages_orgs_users_and_roles, local_admin_cannot_escalate, user_list_is_scoped_paged_and_searchable};

both_backends!(
    every_route_refuses_anonymous_outsiders_and_missing_roles,
    admin_manages_orgs_through_pages_and_nothing_is_half_written,
    orgs_and_actions_are_searched_and_paged_within_scope,
    api_manages_orgs_users_and_roles,
    local_admin_cannot_escalate,
    user_list_is_scoped_paged_and_searchable,
    sessions_logout_and_password_change,
    failed_logins_are_slowed_then_locked,
    csrf_is_required_for_every_write,
    audit_log_is_scoped_filtered_and_verifiable,
    errors_are_problem_json_in_swedish,
    service_endpoints_and_headers,
    first_admin_setup_link_works_once,
    assessment_lifecycle_feedback_and_history,
    assessment_answers_are_checked_and_scoped,
    assessment_api_journey,
    models_are_loaded_whole_or_not_at_all,
    evidence_files_are_kept_with_the_assessment,
    delegated_areas_arrive_as_proposals,
    answers_go_out_and_in_through_excel,
    review_journey_through_the_api,
    forvaltning_holds_its_own_review,
    steering_documents_are_kept_and_scoped,
    demo_holds_an_elected_and_an_internal_audit,
    audits_are_entered_answered_and_followed_up,
    action_plan_refuses_bad_input_and_exports,
    calendar_feed_is_private_and_revocable,
    rounds_invite_submit_withdraw_and_suppress,
    rounds_refuse_strangers_on_every_route,
    demo_national_rounds_have_figures_reports_and_feedback,
    trend_over_model_versions_covers_what_maps,
    local_admin_cannot_reach_beyond_its_scope,
    next_after_login_stays_on_this_site,
    parallel_guesses_meet_the_lock,
    one_request_cannot_take_lisa_down,
    audit_reports_carry_the_audit_and_only_what_the_caller_sees,
    audit_feeds_reach_the_review_plan_start_page_and_year_wheel,
    incidents_are_registered_reported_and_closed,
    incidents_are_hidden_from_those_who_may_not_see_them,
    training_is_counted_imported_and_rolled_up,
    training_refuses_hostile_users_on_every_route,
    processing_register_is_imported_completed_and_flagged,
    processing_register_refuses_hostile_users,
    risks_are_analysed_mapped_and_planned,
    risks_refuse_bad_input_and_hostile_users,
    assets_are_imported_classified_and_planned,
    assets_refuse_hostile_users,
    registers_coverage_moves_and_feeds_the_checklist_and_review,
    registers_coverage_refuses_hostile_users,
);

/// One report rendered at a time and none waiting, so that a flood shows the queue's limit.
fn one_render_at_a_time(c: &mut web::Config) {
    c.renders = web::render::Limits { concurrent: 1, waiting: 0 };
}

both_backends_with!(super::one_render_at_a_time; a_flood_of_reports_is_queued_not_fatal);
