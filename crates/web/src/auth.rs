//! Passwords (argon2id) and the login procedure shared by the login page and
//! the API: throttled per account and per client address.

use std::net::IpAddr;
use std::sync::LazyLock;

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use domain::audit::Change;
use domain::throttle::Decision;
use store::User;
use tokio::sync::Semaphore;

use crate::SharedState;
use crate::error::AppError;
use crate::session::{hash_token, new_token};

/// argon2's working memory is reserved at this many 1 KiB blocks (33 MiB),
/// though the default parameters use 19 MiB of it. glibc serves an
/// allocation above 32 MiB (its largest mmap threshold on 64-bit) with a
/// mapping of its own and unmaps it when it is freed; a 19 MiB one comes
/// from a heap that keeps it, and a few logins kept 115 MB resident
/// (BENCHMARKS.md, "Memory"). Pages never touched cost nothing.
const RESERVED_BLOCKS: usize = 33 * 1024;

/// At most this many passwords are hashed at once, so a burst of logins
/// cannot hold more than this many working memories (19 MiB each).
static HASHING: Semaphore = Semaphore::const_new(2);

/// argon2 of `password` and `salt` into `out`, in working memory that is
/// returned to the system when done.
fn argon2_into(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let needed = params.block_count();
    let mut memory: Vec<Block> = Vec::with_capacity(needed.max(RESERVED_BLOCKS));
    memory.resize(needed, Block::new());
    Argon2::new(algorithm, version, params).hash_password_into_with_memory(password, salt, out, &mut memory)
}

/// Hashes a password with argon2id and the crate's default (OWASP)
/// parameters, as a PHC string.
pub fn hash_password(password: &str) -> String {
    let params = Params::default();
    let salt = argon2::password_hash::generate_salt();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let phc = argon2_into(Algorithm::Argon2id, Version::V0x13, params.clone(), password.as_bytes(), &salt, &mut out)
        .ok()
        .and_then(|()| {
            Some(PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).ok()?,
                salt: Some(Salt::new(&salt).ok()?),
                hash: Some(Output::new(&out).ok()?),
            })
        });
    phc.expect("argon2 hashing with default parameters does not fail").to_string()
}

/// Whether `password` matches a PHC string made by [`hash_password`] (or
/// any argon2 PHC string); false for anything that does not parse.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(phc) = PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else { return false };
    let Ok(version) = Version::try_from(phc.version.unwrap_or(Version::V0x13.into())) else { return false };
    let Ok(params) = Params::try_from(&phc) else { return false };
    let mut out = vec![0u8; expected.len()];
    if argon2_into(algorithm, version, params, password.as_bytes(), salt, &mut out).is_err() {
        return false;
    }
    // Output's equality is constant-time.
    Output::new(&out).is_ok_and(|o| &o == expected)
}

/// Checked when the account does not exist, so that the answer takes as long.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("ingen sådan användare finns"));

/// Runs password hashing off the async threads, at most [`HASHING`] at once.
pub(crate) async fn hashing<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> std::io::Result<T> {
    let _permit = HASHING.acquire().await.map_err(std::io::Error::other)?;
    tokio::task::spawn_blocking(f).await.map_err(std::io::Error::other)
}

pub async fn hash_password_blocking(password: String) -> Result<String, AppError> {
    hashing(move || hash_password(&password)).await.map_err(AppError::internal)
}

pub async fn verify_password_blocking(password: String, hash: String) -> Result<bool, AppError> {
    hashing(move || verify_password(&password, &hash)).await.map_err(AppError::internal)
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
        assert!(!verify_password("x", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ"), "no hash part");
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        // Passwords stored before the working memory was reserved here.
        use argon2::PasswordHasher;
        let stored = Argon2::default().hash_password("en lång lösenfras".as_bytes()).unwrap().to_string();
        assert!(verify_password("en lång lösenfras", &stored));
        assert!(!verify_password("en lång lösenfraz", &stored));
        // And the other way round: the crate verifies what Lisa stores.
        use argon2::PasswordVerifier;
        let ours = hash_password("lösenord i Lisa");
        assert!(Argon2::default().verify_password("lösenord i Lisa".as_bytes(), ours.as_str()).is_ok());
        // Other parameters stored in the string are used, not the defaults.
        let params = Params::new(8 * 1024, 3, 1, None).unwrap();
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password(b"pw").unwrap().to_string();
        assert!(other.contains("m=8192,t=3"));
        assert!(verify_password("pw", &other));
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
