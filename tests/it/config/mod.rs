//! The config file: loading, validation, credentials, trust keys, the environment, and
//! importing Harvest's harvest.yml.

mod credentials;
mod env;
mod import;
mod loading;
mod trust;
mod validation;
