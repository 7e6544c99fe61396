//! A call's conversations with a shared budget: reserve before each attempt (and again after
//! a retry), fail unsent when the budget cannot answer, report 429s and low budgets only.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::Method;

use crate::budget::{BudgetError, Demand, RateBudget, Report};
use crate::classify::RateLimitKind;
use crate::client::{Attempt, Call, Next, Session};
use crate::rate_limit::Decision;
use crate::{ApiKey, Credentials, Error, Response, Token};

const TOKEN: &str = "ATTAcanary0123456789abcdef0123456789abcdef0123456789abcdef012345";

/// A budget that answers from a script and remembers what it was asked and told.
#[derive(Debug, Default)]
struct Scripted {
    answers: Mutex<Vec<Result<Decision, String>>>,
    asked: Mutex<Vec<Demand>>,
    told: Mutex<Vec<Report>>,
}

impl RateBudget for Arc<Scripted> {
    fn reserve_blocking(&self, demand: &Demand) -> Result<Decision, BudgetError> {
        self.asked.lock().unwrap().push(demand.clone());
        let answer = self.answers.lock().unwrap().remove(0);
        answer.map_err(|reason| BudgetError::new(reason, None))
    }

    fn observe_blocking(&self, _demand: &Demand, report: &Report) {
        self.told.lock().unwrap().push(*report);
    }
}

fn session(budget: &Arc<Scripted>) -> Session {
    let creds = Credentials::new(
        ApiKey::new("0123456789abcdef0123456789abcdef").unwrap(),
        Token::new(TOKEN).unwrap(),
    );
    Session::builder()
        .credentials(creds)
        .rate_budget(Arc::clone(budget))
        .seed(1)
        .build()
}

fn scripted(answers: Vec<Result<Decision, String>>) -> Arc<Scripted> {
    Arc::new(Scripted {
        answers: Mutex::new(answers),
        ..Scripted::default()
    })
}

/// Walks reservations until the call sends; returns the delays it was told to sleep.
fn until_sent(call: &mut Call<'_>) -> Result<Vec<Duration>, Error> {
    let mut delays = Vec::new();
    loop {
        match call.attempt(Instant::now(), || 0)? {
            Attempt::Send(_) => return Ok(delays),
            Attempt::Reserve(reserve) => {
                if let Some(delay) = call.admit(reserve.run_blocking())? {
                    delays.push(delay);
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let mut response = http::Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response.body(body.as_bytes().to_vec()).unwrap()
}

#[test]
fn every_attempt_is_reserved_first_and_a_wait_is_slept() {
    let wait = Duration::from_millis(40);
    let budget = scripted(vec![
        Ok(Decision::Wait(wait)),
        Ok(Decision::Send),
        Ok(Decision::Send),
    ]);
    let session = session(&budget);
    let mut call = session.call(session.members_me_request());
    assert_eq!(until_sent(&mut call).unwrap(), [wait]);
    // A 503 is retried: the retry reserves again.
    let next = call.settle(Ok(answer(503, &[], "")), Instant::now);
    assert!(matches!(next, Next::Retry(_)));
    assert!(until_sent(&mut call).unwrap().is_empty());
    let asked = budget.asked.lock().unwrap();
    assert_eq!(asked.len(), 3);
    assert!(
        asked[0].is_members_route(),
        "/1/members/me draws on the members budget"
    );
    assert_eq!(asked[0].key_id().len(), 16);
    assert_eq!(asked[0].token_id().len(), 32);
    let shown = format!("{:?}", asked[0]);
    assert!(
        !shown.contains(TOKEN) && !shown.contains(asked[0].token_id()),
        "{shown}"
    );
}

#[test]
fn a_budget_that_cannot_answer_fails_the_call_unsent() {
    let budget = scripted(vec![Err(
        "redis at 127.0.0.1:1 refused the connection".into()
    )]);
    let session = session(&budget);
    let mut call = session.call(session.request(Method::POST, "/1/cards", None).unwrap());
    let error = until_sent(&mut call).unwrap_err();
    assert_eq!(error.code(), "rate_budget_unavailable");
    assert_eq!(
        error.to_string(),
        "rate budget unavailable: redis at 127.0.0.1:1 refused the connection; the request was \
         not sent (check the budget's store, or choose another failure policy)"
    );
}

#[test]
fn only_429s_and_low_budgets_are_reported() {
    let budget = scripted(vec![Ok(Decision::Send); 3]);
    let session = session(&budget);
    let mut call = session.call(session.request(Method::GET, "/1/boards/abc", None).unwrap());
    let plenty = [
        ("x-rate-limit-api-key-interval-ms", "10000"),
        ("x-rate-limit-api-key-max", "300"),
        ("x-rate-limit-api-key-remaining", "200"),
    ];
    until_sent(&mut call).unwrap();
    let refused = answer(429, &plenty, r#"{"error":"API_KEY_LIMIT_EXCEEDED"}"#);
    assert!(matches!(
        call.settle(Ok(refused), Instant::now),
        Next::Retry(_)
    ));
    call.observe().expect("a 429 is reported").run_blocking();
    until_sent(&mut call).unwrap();
    let _ = call.settle(Ok(answer(500, &plenty, "")), Instant::now);
    assert!(call.observe().is_none(), "plenty left: nothing to tell");
    until_sent(&mut call).unwrap();
    let low = [
        ("x-rate-limit-api-key-interval-ms", "10000"),
        ("x-rate-limit-api-key-max", "300"),
        ("x-rate-limit-api-key-remaining", "75"),
    ];
    assert!(matches!(
        call.settle(Ok(answer(200, &low, "{}")), Instant::now),
        Next::Done(_)
    ));
    call.observe()
        .expect("a quarter left is reported")
        .run_blocking();
    let told = budget.told.lock().unwrap();
    assert_eq!(told[0].refused(), Some(RateLimitKind::Key));
    assert_eq!(told[1].refused(), None);
    assert_eq!(told[1].status().api_key.map(|b| b.remaining), Some(75));
}

#[test]
fn calls_without_credentials_ask_no_budget() {
    let budget = scripted(vec![]);
    let session = Session::builder().rate_budget(Arc::clone(&budget)).build();
    let mut call = session.call(session.request(Method::GET, "/1/boards/abc", None).unwrap());
    assert!(until_sent(&mut call).unwrap().is_empty());
    assert!(budget.asked.lock().unwrap().is_empty());
}
