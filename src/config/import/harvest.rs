//! The shape of NetApp Harvest's `harvest.yml`, as far as an import reads it: `Defaults`,
//! and `Pollers` in file order. Every other key is kept by name only, so the import can
//! say what it did not carry over.
//!
//! Values are read the way Harvest reads them into its (string-typed) poller fields: a
//! scalar is taken as written (a password `0123` stays `0123`, not the number 123), a
//! flag is `true` or `false` (YAML 1.1's `yes`/`no`/`on`/`off` too), `labels` is a list
//! of one-key maps. An empty value is no value, as in Harvest.
//!
//! No error built here holds a value, only what was expected there: a value may be a
//! password. The YAML parser (`serde-saphyr`) refuses duplicate keys and alias bombs.

use std::fmt;
use std::marker::PhantomData;

use secrecy::SecretString;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The whole file: its `Defaults`, its pollers, and the other top-level keys it holds.
#[derive(Default)]
pub(super) struct HarvestFile {
    /// `Defaults`: values every poller inherits.
    pub defaults: Option<Poller>,
    /// `Pollers`, by name, in file order (`None` when the file has no such section).
    pub pollers: Option<Vec<(String, Poller)>>,
    /// Top-level keys other than those two (`Exporters`, `Tools`, ...), in file order.
    pub other: Vec<String>,
}

/// One poller (or `Defaults`): the keys an import maps, and the names of all others.
#[derive(Default)]
pub(super) struct Poller {
    pub addr: Option<String>,
    pub datacenter: Option<String>,
    pub auth_style: Option<String>,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub ca_cert: Option<String>,
    pub use_insecure_tls: Option<bool>,
    pub client_timeout: Option<String>,
    pub credentials_file: Option<String>,
    pub credentials_script: Option<Script>,
    /// `labels`, flattened from the list of one-key maps; a label without a value is `None`.
    pub labels: Vec<(String, Option<String>)>,
    pub disabled: Option<bool>,
    /// Keys not read, in file order.
    pub other: Vec<String>,
}

/// `credentials_script`.
#[derive(Default)]
pub(super) struct Script {
    pub path: Option<String>,
    pub schedule: Option<String>,
    pub timeout: Option<String>,
    /// Keys not read, in file order.
    pub other: Vec<String>,
}

/// Parses the text of a `harvest.yml`.
pub(super) fn parse(text: &str) -> Result<HarvestFile, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}

impl FromMap for HarvestFile {
    const EXPECTING: &'static str = "a map with a Pollers section, as in Harvest's harvest.yml";

    fn null() -> Option<Self> {
        Some(Self::default())
    }

    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut file = HarvestFile::default();
        while let Some(Text(key)) = map.next_key()? {
            match key.as_str() {
                "Defaults" => file.defaults = map.next_value()?,
                "Pollers" => file.pollers = map.next_value::<Option<Pollers>>()?.map(|p| p.0),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    file.other.push(key);
                }
            }
        }
        Ok(file)
    }
}

/// `Pollers`: a map of poller name to settings, kept in file order.
struct Pollers(Vec<(String, Poller)>);

impl FromMap for Pollers {
    const EXPECTING: &'static str = "a map of poller names to their settings";

    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut pollers = Vec::new();
        while let Some(Text(name)) = map.next_key()? {
            // A poller listed without settings is a poller with none (as in Harvest).
            let poller: Option<Poller> = map.next_value()?;
            pollers.push((name, poller.unwrap_or_default()));
        }
        Ok(Pollers(pollers))
    }
}

impl FromMap for Poller {
    const EXPECTING: &'static str = "a map of poller settings (addr, username, ...)";

    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut p = Poller::default();
        while let Some(Text(key)) = map.next_key()? {
            match key.as_str() {
                "addr" => p.addr = text(&mut map)?,
                "datacenter" => p.datacenter = text(&mut map)?,
                "auth_style" => p.auth_style = text(&mut map)?,
                "username" => p.username = text(&mut map)?,
                "password" => p.password = text(&mut map)?.map(SecretString::from),
                "ca_cert" => p.ca_cert = text(&mut map)?,
                "client_timeout" => p.client_timeout = text(&mut map)?,
                "credentials_file" => p.credentials_file = text(&mut map)?,
                "use_insecure_tls" => {
                    p.use_insecure_tls = map.next_value::<Option<Flag>>()?.map(|f| f.0)
                }
                "disabled" => p.disabled = map.next_value::<Option<Flag>>()?.map(|f| f.0),
                "credentials_script" => p.credentials_script = map.next_value()?,
                "labels" => {
                    p.labels = map
                        .next_value::<Option<Labels>>()?
                        .map(|l| l.0)
                        .unwrap_or_default()
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    p.other.push(key);
                }
            }
        }
        Ok(p)
    }
}

impl FromMap for Script {
    const EXPECTING: &'static str = "a map with path (and schedule, timeout)";

    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut script = Script::default();
        while let Some(Text(key)) = map.next_key()? {
            match key.as_str() {
                "path" => script.path = text(&mut map)?,
                "schedule" => script.schedule = text(&mut map)?,
                "timeout" => script.timeout = text(&mut map)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    script.other.push(key);
                }
            }
        }
        Ok(script)
    }
}

/// A value read from a YAML map key by key; its `Deserialize` is
/// [`deserialize_from_map!`]'s, through the one [`MapVisitor`].
trait FromMap: Sized {
    /// What the map should have held, for the parser's message.
    const EXPECTING: &'static str;

    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;

    /// What an empty (null) value stands for, when it may be empty.
    fn null() -> Option<Self> {
        None
    }
}

/// The visitor of every [`FromMap`] type.
struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap> Visitor<'de> for MapVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        T::null().ok_or_else(|| E::invalid_type(de::Unexpected::Unit, &self))
    }
}

/// `Deserialize` for [`FromMap`] types (a blanket impl of a foreign trait is not allowed).
macro_rules! deserialize_from_map {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(MapVisitor::<$t>(PhantomData))
            }
        }
    )*};
}

deserialize_from_map!(HarvestFile, Pollers, Poller, Script, LabelItem);

/// The next value as text, `None` when it is null or empty.
fn text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<String>, A::Error> {
    let value: Option<Text> = map.next_value()?;
    Ok(value.map(|t| t.0).filter(|t| !t.is_empty()))
}

/// `labels`: a list of maps (one key each in Harvest's examples; more are taken too).
struct Labels(Vec<(String, Option<String>)>);

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(LabelsVisitor)
    }
}

struct LabelsVisitor;

impl<'de> Visitor<'de> for LabelsVisitor {
    type Value = Labels;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of one-key maps, like `- org: abc`")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Labels, S::Error> {
        let mut labels = Vec::new();
        while let Some(item) = seq.next_element::<Option<LabelItem>>()? {
            labels.extend(item.map(|i| i.0).unwrap_or_default());
        }
        Ok(Labels(labels))
    }
}

/// One item of `labels`.
struct LabelItem(Vec<(String, Option<String>)>);

impl FromMap for LabelItem {
    const EXPECTING: &'static str = "a label as a one-key map, like `org: abc`";

    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut pairs = Vec::new();
        while let Some(Text(key)) = map.next_key()? {
            pairs.push((key, text(&mut map)?));
        }
        Ok(LabelItem(pairs))
    }
}

/// A scalar, as text the way it is written.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(TextVisitor)
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a single value (text), not a list or a map")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
}

/// `true` or `false` (or YAML 1.1's `yes`/`no`/`on`/`off`, in any case).
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FlagVisitor)
    }
}

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = Flag;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true or false")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
        Ok(Flag(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
        match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(Flag(true)),
            "false" | "no" | "off" => Ok(Flag(false)),
            // Not the value: whatever it is, it was not meant for a message.
            _ => Err(E::custom("expected true or false")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn pollers_keep_their_file_order_and_values_stay_as_written() {
        let file = parse(
            "Pollers:\n  zeta:\n    addr: 10.0.0.1\n    password: 0123\n    use_insecure_tls: yes\n  alpha:\n  mid:\n    labels:\n      - org: 42\n      - ns:\n",
        )
        .expect("parses");
        let names: Vec<&str> = file
            .pollers
            .as_ref()
            .unwrap()
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(names, ["zeta", "alpha", "mid"]);
        let zeta = &file.pollers.as_ref().unwrap()[0].1;
        assert_eq!(zeta.password.as_ref().unwrap().expose_secret(), "0123");
        assert_eq!(zeta.use_insecure_tls, Some(true));
        let mid = &file.pollers.as_ref().unwrap()[2].1;
        assert_eq!(
            mid.labels,
            [
                ("org".to_owned(), Some("42".to_owned())),
                ("ns".to_owned(), None)
            ]
        );
    }

    #[test]
    fn an_empty_file_has_no_pollers_and_a_poller_may_be_empty() {
        let file = parse("").expect("an empty document parses");
        assert!(file.pollers.is_none() && file.other.is_empty());
        let file = parse("Pollers:\n  a: ~\n").expect("a poller without settings");
        assert_eq!(file.pollers.unwrap().len(), 1);
        assert!(parse("Pollers:\n  a:\n    credentials_script: 3\n").is_err());
    }

    #[test]
    fn unread_keys_are_kept_by_name() {
        let file = parse(
            "Exporters: {prom: {exporter: Prometheus}}\nDefaults:\n  collectors: [Rest]\nPollers:\n  a:\n    prefer_zapi: true\n    credentials_script: {path: /bin/x, retries: 3}\n",
        )
        .expect("parses");
        assert_eq!(file.other, ["Exporters"]);
        assert_eq!(file.defaults.unwrap().other, ["collectors"]);
        let a = &file.pollers.unwrap()[0].1;
        assert_eq!(a.other, ["prefer_zapi"]);
        assert_eq!(a.credentials_script.as_ref().unwrap().other, ["retries"]);
    }
}
