//! Passwords (argon2id) and the login procedure shared by the login page and
//! the API: throttled per account and per client address.

use std::net::IpAddr;
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use domain::audit::Change;
use domain::throttle::Decision;
use store::{LoginOutcome, User};

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

/// Checks e-mail and password, slowing down and then locking repeated
/// failures, and opens a session.
pub async fn login(state: &SharedState, email: &str, password: &str, client: IpAddr) -> Result<LoggedIn, AppError> {
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let address_key = format!("address:{client}");
    let policy = state.config.throttle;
    let now = domain::now();
    let account = state.store.find_failures(&account_key, now, policy.window).await?;
    let address = state.store.find_failures(&address_key, now, policy.window).await?;
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
        _ => {
            state.store.record_login(&[&account_key, &address_key], LoginOutcome::Failure, policy.window).await?;
            return Err(AppError::Validation(vec![domain::FieldError::new("email", "error-login-failed")]));
        }
    };
    state.store.record_login(&[&account_key], LoginOutcome::Success, policy.window).await?;
    let token = new_token();
    let csrf = new_token();
    state.store.insert_session(&hash_token(&token), user.id, &csrf).await?;
    state
        .store
        .record_event(Change {
            actor_id: Some(user.id),
            actor: user.email.clone(),
            action: "user.login".into(),
            record_type: "user".into(),
            record_id: user.id.to_string(),
            org_id: first_org(state, user.id).await?,
            before: None,
            after: None,
        })
        .await?;
    Ok(LoggedIn { user, token, csrf })
}

/// Ends a session.
pub async fn logout(state: &SharedState, session: &crate::session::Session) -> Result<(), AppError> {
    state.store.delete_session(&session.token_hash).await?;
    state
        .store
        .record_event(Change {
            actor_id: Some(session.user.id),
            actor: session.user.email.clone(),
            action: "user.logout".into(),
            record_type: "user".into(),
            record_id: session.user.id.to_string(),
            org_id: session.principal.assignments.iter().find_map(|a| a.org_id),
            before: None,
            after: None,
        })
        .await?;
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
}
