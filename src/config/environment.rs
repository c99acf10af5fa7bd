//! The environment variables ontop reads, behind one type: the process's own, or a fixed
//! set that a test builds without touching the process (which every thread shares).

use crate::sync::ReadWrite;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::sync::{Arc, RwLock};

/// Where environment variables are read from.
#[derive(Clone, Debug, Default)]
pub struct Environment(Source);

#[derive(Clone, Debug, Default)]
enum Source {
    /// The process environment, read when asked (so a later change is seen).
    #[default]
    Process,
    /// A fixed set, changeable through [`Environment::set`].
    Fixed(Arc<RwLock<BTreeMap<OsString, OsString>>>),
}

impl Environment {
    /// The process environment.
    pub(crate) fn process() -> Self {
        Self(Source::Process)
    }

    /// Only these variables, as if the process had no others.
    pub fn fixed<K: Into<OsString>, V: Into<OsString>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self(Source::Fixed(Arc::new(RwLock::new(vars))))
    }

    /// Sets a variable of a fixed environment (for tests of rotation); the process
    /// environment is never changed through here, and then `false` is returned.
    pub fn set(&self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> bool {
        match &self.0 {
            Source::Process => false,
            Source::Fixed(vars) => {
                let mut vars = vars.writing();
                vars.insert(name.as_ref().to_owned(), value.as_ref().to_owned());
                true
            }
        }
    }

    /// One variable, when it is set.
    pub(crate) fn var_os(&self, name: impl AsRef<OsStr>) -> Option<OsString> {
        match &self.0 {
            Source::Process => std::env::var_os(name),
            Source::Fixed(vars) => {
                let vars = vars.reading();
                vars.get(name.as_ref()).cloned()
            }
        }
    }

    /// Every variable, for the `ONTOP__` overrides.
    pub(crate) fn vars_os(&self) -> Vec<(OsString, OsString)> {
        match &self.0 {
            Source::Process => std::env::vars_os().collect(),
            Source::Fixed(vars) => {
                let vars = vars.reading();
                vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
            }
        }
    }
}
