//! The config file: loading, validation, credentials, trust keys and the environment.

mod credentials;
mod env;
mod loading;
mod trust;
mod validation;
