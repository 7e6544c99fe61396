//! The transport behaviour suite (issue 4, point 4): every case runs against both clients
//! (`trello-auth-hyper`, `trello-auth-ureq`) and the sandbox over plain HTTP and over HTTPS
//! with its generated CA, as rustls runs its tests for each provider.

mod cases;
pub(crate) mod harness;
mod oauth2;
mod webhooks;

/// Expands each case (`suite::case`) into four tests: `hyper_http`, `hyper_https`,
/// `ureq_http`, `ureq_https`.
macro_rules! tests_with_transports {
    ($($suite:ident::$case:ident),* $(,)?) => {
        tests_with_transports!(@mod hyper_http, Hyper, false, $($suite::$case),*);
        tests_with_transports!(@mod hyper_https, Hyper, true, $($suite::$case),*);
        tests_with_transports!(@mod ureq_http, Ureq, false, $($suite::$case),*);
        tests_with_transports!(@mod ureq_https, Ureq, true, $($suite::$case),*);
    };
    (@mod $module:ident, $kind:ident, $tls:expr, $($suite:ident::$case:ident),*) => {
        mod $module {
            $(
                #[test]
                fn $case() {
                    super::$suite::$case(super::harness::Transport {
                        kind: super::harness::Kind::$kind,
                        tls: $tls,
                    });
                }
            )*
        }
    };
}

tests_with_transports!(
    cases::each_placement,
    cases::token_info_reports_scope_and_expiry,
    cases::revoke_then_token_rejected,
    cases::expiry_via_the_sandbox_clock,
    cases::rate_limits_are_retried_or_avoided,
    cases::injected_503s_are_retried_when_idempotent,
    cases::dropped_connections_are_retried,
    cases::timeouts,
    cases::attachment_redirect_is_not_followed_with_credentials,
    cases::concurrent_calls,
    cases::errors_never_show_credentials,
    cases::oauth1_three_legged_flow,
    oauth2::oauth2_code_flow_and_bearer_calls,
    oauth2::oauth2_missing_scope_is_403,
    oauth2::oauth2_proactive_refresh_rotates_and_saves_first,
    oauth2::oauth2_expiry_on_the_sandbox_clock_refreshes_after_401,
    oauth2::oauth2_one_refresh_under_64_concurrent_calls,
    oauth2::oauth2_a_hook_that_fails_once,
    oauth2::oauth2_revoked_grant_means_reauthorize,
    oauth2::oauth2_reuse_after_the_leeway_kills_the_grant,
    webhooks::webhooks_round_trip,
    webhooks::board_webhooks_get_card_changes,
    webhooks::webhooks_are_refused_as_trello_refuses_them,
    webhooks::failed_deliveries_are_retried_and_410_deletes,
    webhooks::revoking_the_token_deletes_its_webhooks,
);
