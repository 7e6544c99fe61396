//! The transport behaviour suite (issue 4, point 4): every case runs against both clients
//! (`trello-auth-hyper`, `trello-auth-ureq`) and the sandbox over plain HTTP and over HTTPS
//! with its generated CA, as rustls runs its tests for each provider.

mod cases;
mod harness;

/// Expands each case into four tests: `hyper_http`, `hyper_https`, `ureq_http`, `ureq_https`.
macro_rules! tests_with_transports {
    ($($case:ident),* $(,)?) => {
        tests_with_transports!(@mod hyper_http, Hyper, false, $($case),*);
        tests_with_transports!(@mod hyper_https, Hyper, true, $($case),*);
        tests_with_transports!(@mod ureq_http, Ureq, false, $($case),*);
        tests_with_transports!(@mod ureq_https, Ureq, true, $($case),*);
    };
    (@mod $module:ident, $kind:ident, $tls:expr, $($case:ident),*) => {
        mod $module {
            $(
                #[test]
                fn $case() {
                    super::cases::$case(super::harness::Transport {
                        kind: super::harness::Kind::$kind,
                        tls: $tls,
                    });
                }
            )*
        }
    };
}

tests_with_transports!(
    each_placement,
    token_info_reports_scope_and_expiry,
    revoke_then_token_rejected,
    expiry_via_the_sandbox_clock,
    rate_limits_are_retried_or_avoided,
    injected_503s_are_retried_when_idempotent,
    dropped_connections_are_retried,
    timeouts,
    attachment_redirect_is_not_followed_with_credentials,
    concurrent_calls,
    errors_never_show_credentials,
    oauth1_three_legged_flow,
);
