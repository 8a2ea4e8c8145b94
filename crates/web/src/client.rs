//! The client's address as Lisa counts it (for the login throttle and the
//! loopback rule of `/metrics`): the peer of the connection, or, when that
//! peer is a configured trusted reverse proxy (`--trusted-proxy`), the
//! address it forwarded in `X-Forwarded-For`. Forwarding headers from
//! anyone else are ignored, so a client cannot choose its own address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
pub use ipnet::IpNet;

use crate::SharedState;
use crate::error::AppError;

/// At most this many forwarded addresses are read (a longer header is cut).
const MAX_HOPS: usize = 16;

/// The client's address, as [`client_ip`] decides it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// The client behind `peer`: walks `X-Forwarded-For` from the right (the
/// entry the nearest proxy added) past every trusted proxy and takes the first
/// address that is not one. Without a trusted peer, the peer itself.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut hops: Vec<IpAddr> = Vec::new();
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(s) = value.to_str() else { return peer };
        for part in s.rsplit(',').take(MAX_HOPS) {
            match part.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(ip),
                // A malformed entry: nothing beyond it can be trusted.
                Err(_) => return hops.into_iter().find(|ip| !is_trusted(ip)).unwrap_or(peer),
            }
        }
        if hops.len() >= MAX_HOPS {
            break;
        }
    }
    hops.into_iter().find(|ip| !is_trusted(ip)).map(canonical).unwrap_or(peer)
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Parses one `--trusted-proxy` value: an address or a network (`10.0.0.0/8`).
pub fn parse_trusted(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not an IP address or network: {s}"))
}

impl FromRequestParts<SharedState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| AppError::from(crate::app::Error::invariant("the server is run with connect info")))?;
        Ok(ClientIp(client_ip(peer, &parts.headers, &state.config.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let trusted = vec![parse_trusted("10.0.0.0/8").unwrap()];
        let client: IpAddr = "198.51.100.4".parse().unwrap();
        // Nobody trusted: the header is the client's own say.
        assert_eq!(client_ip(client, &headers(&["203.0.113.9"]), &[]), client);
        assert_eq!(client_ip(client, &headers(&["203.0.113.9"]), &trusted), client);
        // Through the proxy: the address it saw.
        assert_eq!(client_ip(proxy, &headers(&["198.51.100.4"]), &trusted), client);
        // A client that sends its own header in front: the proxy appends the real one.
        assert_eq!(client_ip(proxy, &headers(&["203.0.113.9, 198.51.100.4"]), &trusted), client);
        assert_eq!(client_ip(proxy, &headers(&["203.0.113.9", "198.51.100.4"]), &trusted), client);
        // Two proxies in a row.
        assert_eq!(client_ip(proxy, &headers(&["198.51.100.4, 10.0.0.7"]), &trusted), client);
        // Garbage after the real address stops the walk at the proxy.
        assert_eq!(client_ip(proxy, &headers(&["nonsense"]), &trusted), proxy);
        assert_eq!(client_ip(proxy, &headers(&[]), &trusted), proxy);
        // IPv4 written as IPv6.
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        assert_eq!(client_ip(mapped, &headers(&["::ffff:198.51.100.4"]), &trusted), client);
        // A very long header is read only so far.
        let long = vec!["10.0.0.1"; 10_000].join(", ");
        assert_eq!(client_ip(proxy, &headers(&[&long]), &trusted), proxy);
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        assert!(parse_trusted("127.0.0.1").is_ok());
        assert!(parse_trusted("::1").is_ok());
        assert!(parse_trusted("10.0.0.0/8").is_ok());
        assert!(parse_trusted("fd00::/8").is_ok());
        assert!(parse_trusted("localhost").is_err());
    }
}
