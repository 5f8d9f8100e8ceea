//! A launch path read back as Mini Login reads it: the inverse of the builder, for the
//! emulator's Mini Login, with the same rules.

use std::fmt;

use crate::protocol::{InvalidPage, InvalidPoolId, Page, PoolId, param};

/// What Mini Login reads from a launch path it accepts. Whether the pool exists and the
/// mini program opened serves the page are for the caller, who knows the pools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// The page opened.
    pub page: Page,
    /// `userPoolId`.
    pub pool: PoolId,
    /// `getPhone=1`.
    pub get_phone: bool,
    /// `useSelfWxapp=1`.
    pub own: bool,
}

/// Why Mini Login would not accept a launch path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaunchPathError {
    /// No `?`: the required parameters are missing.
    NoQuery,
    /// A parameter Mini Login reads is given more than once.
    Repeated(&'static str),
    /// No `userPoolId`.
    MissingPool,
    /// `userPoolId` is not a pool id.
    Pool(InvalidPoolId),
    /// `fromApp` is missing or not `1`.
    FromApp,
    /// No `useSelfWxapp`.
    MissingSelfWxapp,
    /// `useSelfWxapp` is neither `0` nor `1`.
    SelfWxapp,
    /// The page is not a page.
    Page(InvalidPage),
}

impl fmt::Display for LaunchPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use param::{FROM_APP, POOL, USE_SELF_WXAPP};
        match self {
            Self::NoQuery => write!(
                f,
                "the launch path has no query: {POOL}, {FROM_APP} and {USE_SELF_WXAPP} are required"
            ),
            Self::Repeated(key) => write!(f, "the launch parameter {key} is given more than once"),
            Self::MissingPool => write!(f, "{POOL} is required"),
            Self::Pool(error) => write!(f, "{POOL}: {error}"),
            Self::FromApp => write!(
                f,
                "{FROM_APP} must be 1: this mini program only serves app logins"
            ),
            Self::MissingSelfWxapp => write!(f, "{USE_SELF_WXAPP} is required"),
            Self::SelfWxapp => write!(f, "{USE_SELF_WXAPP} must be 0 or 1"),
            Self::Page(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for LaunchPathError {}

/// Reads a launch path as Mini Login does: the page before `?`, then the query,
/// decoded as a form; parameters it does not read are ignored.
pub fn read_launch_path(path: &str) -> Result<Launch, LaunchPathError> {
    let (page, query) = path.split_once('?').ok_or(LaunchPathError::NoQuery)?;
    let (mut pool, mut get_phone, mut from_app, mut own) = (None, None, None, None);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let (slot, name) = match &*key {
            param::POOL => (&mut pool, param::POOL),
            param::GET_PHONE => (&mut get_phone, param::GET_PHONE),
            param::FROM_APP => (&mut from_app, param::FROM_APP),
            param::USE_SELF_WXAPP => (&mut own, param::USE_SELF_WXAPP),
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(LaunchPathError::Repeated(name));
        }
    }
    let pool = pool
        .ok_or(LaunchPathError::MissingPool)?
        .parse::<PoolId>()
        .map_err(LaunchPathError::Pool)?;
    if from_app.as_deref() != Some("1") {
        return Err(LaunchPathError::FromApp);
    }
    let own = match own.as_deref() {
        Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(LaunchPathError::SelfWxapp),
        None => return Err(LaunchPathError::MissingSelfWxapp),
    };
    Ok(Launch {
        page: page.parse().map_err(LaunchPathError::Page)?,
        pool,
        get_phone: get_phone.as_deref() == Some("1"),
        own,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LaunchRequest;

    #[test]
    fn reads_back_what_the_builder_makes() {
        let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
        for (get_phone, own) in [(false, false), (true, false), (false, true), (true, true)] {
            let req = LaunchRequest::builder()
                .pool(pool)
                .from_app()
                .use_self_wxapp(own)
                .get_phone(get_phone)
                .build();
            assert_eq!(
                read_launch_path(req.path()),
                Ok(Launch {
                    page: Page::DEFAULT,
                    pool,
                    get_phone,
                    own
                })
            );
        }
    }

    #[test]
    fn refuses_what_mini_login_would() {
        let read = |query: &str| read_launch_path(&format!("/routes/explore{query}"));
        let pool = "userPoolId=5e4cdd055df3df65dc58b97d";
        assert_eq!(read(""), Err(LaunchPathError::NoQuery));
        assert_eq!(
            read("?fromApp=1&useSelfWxapp=0"),
            Err(LaunchPathError::MissingPool)
        );
        assert!(matches!(
            read("?userPoolId=x&fromApp=1&useSelfWxapp=0"),
            Err(LaunchPathError::Pool(_))
        ));
        assert_eq!(
            read(&format!("?{pool}&useSelfWxapp=0")),
            Err(LaunchPathError::FromApp)
        );
        assert_eq!(
            read(&format!("?{pool}&fromApp=0&useSelfWxapp=0")),
            Err(LaunchPathError::FromApp)
        );
        assert_eq!(
            read(&format!("?{pool}&fromApp=1")),
            Err(LaunchPathError::MissingSelfWxapp)
        );
        assert_eq!(
            read(&format!("?{pool}&fromApp=1&useSelfWxapp=2")),
            Err(LaunchPathError::SelfWxapp)
        );
        assert_eq!(
            read(&format!("?{pool}&fromApp=1&fromApp=1&useSelfWxapp=0")),
            Err(LaunchPathError::Repeated("fromApp"))
        );
        assert_eq!(
            read_launch_path(&format!("routes/explore?{pool}&fromApp=1&useSelfWxapp=0")),
            Err(LaunchPathError::Page(InvalidPage::NoLeadingSlash))
        );
        // Parameters it does not read, and an encoded `1`, are as Mini Login takes them.
        assert!(read(&format!("?{pool}&fromApp=%31&useSelfWxapp=0&utm=x&utm=y")).is_ok());
    }
}
