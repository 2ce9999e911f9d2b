//! Where the application is mounted: at the root, or under a prefix such as
//! `/p2ham` (`--base-path`, or a host application's `Router::nest`). Pages,
//! assets, redirects, form actions, cookies and the OpenAPI document's
//! `servers` all follow it.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;

/// The prefix the application is served under: `""` at the root, else a
/// path such as `/p2ham` (no trailing slash).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mount(String);

impl Mount {
    /// The application at the root.
    pub fn root() -> Mount {
        Mount(String::new())
    }

    /// A prefix as configured (`/p2ham`, `p2ham/` or `/` for the root),
    /// when it is a plain path: letters, digits, `-._~/`.
    pub fn new(prefix: &str) -> Option<Mount> {
        let trimmed = prefix.trim_matches('/');
        if trimmed.is_empty() {
            return Some(Mount::root());
        }
        let plain = trimmed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/".contains(&b))
            && !trimmed.split('/').any(|s| s.is_empty() || s == "." || s == "..");
        plain.then(|| Mount(format!("/{trimmed}")))
    }

    /// The prefix (`""` at the root).
    pub fn prefix(&self) -> &str {
        &self.0
    }

    /// A path of the application (`/login`) as the browser must ask for it
    /// (`/p2ham/login`); the application's root under a prefix is the prefix
    /// itself (`/p2ham`, as `Router::nest` routes it).
    pub fn url(&self, path: &str) -> String {
        match path.strip_prefix('/') {
            Some(rest) if !self.0.is_empty() && (rest.is_empty() || rest.starts_with(['?', '#'])) => {
                format!("{}{rest}", self.0)
            }
            _ => format!("{}{path}", self.0),
        }
    }

    /// The `Path` of the application's cookies.
    pub fn cookie_path(&self) -> &str {
        if self.0.is_empty() {
            "/"
        } else {
            &self.0
        }
    }

    /// The prefix of a request: the part of the path the browser asked for
    /// (`OriginalUri`) in front of the path this router sees.
    pub(crate) fn of(parts: &Parts) -> Mount {
        let inner = parts.uri.path();
        let Some(OriginalUri(original)) = parts.extensions.get::<OriginalUri>() else {
            return Mount::root();
        };
        let original = original.path();
        let prefix = if inner == "/" {
            original.trim_end_matches('/')
        } else {
            original.strip_suffix(inner).unwrap_or("")
        };
        Mount::new(prefix).unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Mount {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Mount::of(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::Mount;

    #[test]
    fn prefixes_are_plain_paths() {
        assert_eq!(Mount::new("/p2ham/").unwrap().url("/login"), "/p2ham/login");
        assert_eq!(Mount::new("").unwrap().url("/login"), "/login");
        assert_eq!(Mount::new("/p2ham").unwrap().url("/"), "/p2ham");
        assert_eq!(Mount::new("/p2ham").unwrap().url("/?done=x"), "/p2ham?done=x");
        assert_eq!(Mount::new("").unwrap().url("/"), "/");
        assert_eq!(Mount::new("/").unwrap().cookie_path(), "/");
        assert_eq!(Mount::new("a/b").unwrap().prefix(), "/a/b");
        assert!(Mount::new("/a b").is_none());
        assert!(Mount::new("/a/../b").is_none());
        assert_eq!(Mount::new("//host.example").unwrap().url("/x"), "/host.example/x");
    }
}
