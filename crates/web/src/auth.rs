//! Passwords (argon2id) and the login procedure shared by the login page and
//! the API: throttled per account and per client address.

use std::net::IpAddr;
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use domain::audit::Change;
use domain::throttle::Decision;
use store::User;

use crate::SharedState;
use crate::error::AppError;
use crate::session::{hash_token, new_token};

/// Hashes a password with argon2id and the crate's default (OWASP) parameters.
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .expect("argon2 hashing with default parameters does not fail")
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// Checked when the account does not exist, so that the answer takes as long.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("ingen sådan användare finns"));

pub async fn hash_password_blocking(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(AppError::internal)
}

pub async fn verify_password_blocking(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(AppError::internal)
}

/// A new session for a user who has logged in.
pub struct LoggedIn {
    pub user: User,
    pub token: String,
    pub csrf: String,
}

/// The throttle's key for an account: a hash of the e-mail address as typed
/// (trimmed, lower case), so that any string is stored in fixed size.
fn account_key(email: &str) -> String {
    format!("account:{}", hash_token(email))
}

/// The throttle's key for a client address; an IPv6 client is counted by its
/// /64 network, as one household or office gets a whole /64 to pick from.
fn address_key(client: IpAddr) -> String {
    match client {
        IpAddr::V4(a) => format!("address:{a}"),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => format!("address:{v4}"),
            None => {
                let s = a.segments();
                format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Checks e-mail and password, slowing down and then locking repeated
/// failures, and opens a session. The attempt is counted in the database
/// before the password is checked, so parallel attempts (also through
/// several Lisa processes) cannot get past the lock.
pub async fn login(state: &SharedState, email: &str, password: &str, client: IpAddr) -> Result<LoggedIn, AppError> {
    let email: String = email.trim().chars().take(320).collect::<String>().to_lowercase();
    let account_key = account_key(&email);
    let address_key = address_key(client);
    let policy = state.config.throttle;
    let now = domain::now();
    let keep = policy.window.max(policy.lock_for);
    let counts = state
        .store
        .count_login_attempt(
            &[(&account_key, policy.lock_after_account), (&address_key, policy.lock_after_address)],
            now,
            keep,
        )
        .await?;
    let (account, address) = match counts.as_slice() {
        [a, b] => (*a, *b),
        _ => return Err(AppError::from(crate::app::Error::invariant("one count per key"))),
    };
    match policy.decide(account, address, now) {
        Decision::Locked { .. } => return Err(AppError::Locked),
        Decision::Proceed { delay } if !delay.is_zero() => tokio::time::sleep(delay).await,
        Decision::Proceed { .. } => {}
    }
    let user = state.store.find_user_by_email(&email).await?;
    let hash =
        user.as_ref().filter(|u| u.active).and_then(|u| u.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let ok = verify_password_blocking(password.to_owned(), hash).await?;
    let user = match user {
        Some(u) if ok && u.active && u.password_hash.is_some() => u,
        _ => return Err(AppError::Validation(vec![domain::FieldError::new("email", "error-login-failed")])),
    };
    state.store.login_succeeded(&account_key, &address_key).await?;
    let token = new_token();
    let csrf = new_token();
    let change = Change {
        actor_id: Some(user.id),
        actor: user.email.clone(),
        action: "user.login".into(),
        record_type: "user".into(),
        record_id: user.id.to_string(),
        org_id: first_org(state, user.id).await?,
        before: None,
        after: None,
    };
    state.store.open_session(&hash_token(&token), user.id, &csrf, change).await?;
    Ok(LoggedIn { user, token, csrf })
}

/// Ends a session, with its audit entry in the same transaction.
pub async fn logout(state: &SharedState, session: &crate::session::Session) -> Result<(), AppError> {
    let change = Change {
        actor_id: Some(session.user.id),
        actor: session.user.email.clone(),
        action: "user.logout".into(),
        record_type: "user".into(),
        record_id: session.user.id.to_string(),
        org_id: session.principal.assignments.iter().find_map(|a| a.org_id),
        before: None,
        after: None,
    };
    state.store.close_session(&session.token_hash, change).await?;
    Ok(())
}

async fn first_org(state: &SharedState, user: uuid::Uuid) -> Result<Option<uuid::Uuid>, AppError> {
    Ok(state.store.list_assignments(user).await?.iter().find_map(|a| a.org_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("en lång lösenfras");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("en lång lösenfras", &h));
        assert!(!verify_password("en annan lösenfras", &h));
        assert!(!verify_password("x", "inte en hash"));
    }

    #[test]
    fn throttle_keys_have_a_bounded_size_and_group_ipv6_by_network() {
        assert_eq!(account_key(&"x".repeat(10_000)).len(), account_key("a@b.se").len());
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), address_key("192.0.2.7".parse().unwrap()));
    }
}
