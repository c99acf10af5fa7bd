//! How the JSON of `/api/cluster/software` changed across ONTAP releases.
//!
//! 9.6 writes a check's texts as arrays of `{code, message, arguments}` under the keys
//! `message` and `action`, and names a node of `nodes[]` with `node`; 9.7 writes `issue`
//! and `action` as objects with `code`; 9.8 and later drop `code` from a validation's
//! texts (a status detail's issue keeps it). A cluster's release picks the shape, or the
//! `shape-9.6` / `shape-9.7` fault forces one, so that a client's parser meets all three.

use serde_json::{Map, Value, json};

use super::fault::Fault;
use super::validation::Text;

/// The JSON dialect of one release family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// 9.6 (and anything older): texts as arrays, nodes keyed `node`.
    V96,
    /// 9.7: texts as objects with `code`.
    V97,
    /// 9.8 and later: texts as objects, `message` only.
    V98,
}

/// Which text of an entry: what is wrong, or what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Issue,
    Action,
}

impl Shape {
    /// The shape a cluster running `version` writes, unless `fault` forces one.
    pub(crate) fn of(version: &str, fault: &Fault) -> Shape {
        match fault {
            Fault::Shape96 => return Shape::V96,
            Fault::Shape97 => return Shape::V97,
            _ => {}
        }
        let mut parts = version.split('.').map(|p| {
            p.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse::<u64>()
                .unwrap_or(0)
        });
        match (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) {
            (generation, _) if generation > 9 => Shape::V98,
            (9, major) if major >= 8 => Shape::V98,
            (9, 7) => Shape::V97,
            _ => Shape::V96,
        }
    }

    /// Puts `text` into `entry` as this release writes it (9.8+: without the code, as a
    /// validation's texts are written).
    pub(crate) fn put_text(self, entry: &mut Map<String, Value>, role: Role, text: &Text) {
        self.put(entry, role, text, false);
    }

    /// Like [`Shape::put_text`], keeping the code in every release (a status detail's issue).
    pub(crate) fn put_coded(self, entry: &mut Map<String, Value>, role: Role, text: &Text) {
        self.put(entry, role, text, true);
    }

    fn put(self, entry: &mut Map<String, Value>, role: Role, text: &Text, keep_code: bool) {
        let (key, value) = match self {
            Shape::V96 => {
                let key = match role {
                    Role::Issue => "message",
                    Role::Action => "action",
                };
                let item = json!({ "code": text.code, "message": text.message, "arguments": [] });
                (key, json!([item]))
            }
            Shape::V97 => (
                role.key(),
                json!({ "code": text.code, "message": text.message }),
            ),
            Shape::V98 if keep_code => (
                role.key(),
                json!({ "message": text.message, "code": text.code }),
            ),
            Shape::V98 => (role.key(), json!({ "message": text.message })),
        };
        entry.insert(key.to_string(), value);
    }

    /// One element of `nodes[]`: `{name, version}`, or `{node, version}` in 9.6.
    pub(crate) fn node(self, name: &str, version: &str) -> Value {
        match self {
            Shape::V96 => json!({ "node": name, "version": version }),
            Shape::V97 | Shape::V98 => json!({ "name": name, "version": version }),
        }
    }
}

impl Role {
    fn key(self) -> &'static str {
        match self {
            Role::Issue => "issue",
            Role::Action => "action",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_picks_its_shape_and_a_fault_overrides_it() {
        assert_eq!(Shape::of("9.6.0P5", &Fault::None), Shape::V96);
        assert_eq!(Shape::of("9.7P14", &Fault::None), Shape::V97);
        assert_eq!(Shape::of("9.8", &Fault::None), Shape::V98);
        assert_eq!(Shape::of("9.16.1P3", &Fault::None), Shape::V98);
        assert_eq!(Shape::of("9.16.1P3", &Fault::Shape96), Shape::V96);
        assert_eq!(Shape::of("9.16.1P3", &Fault::Shape97), Shape::V97);
    }

    #[test]
    fn texts_are_written_per_release() {
        let t = Text {
            code: 7,
            message: "m".into(),
        };
        let put = |shape: Shape| {
            let mut m = Map::new();
            shape.put_text(&mut m, Role::Issue, &t);
            shape.put_text(&mut m, Role::Action, &t);
            Value::Object(m)
        };
        assert_eq!(
            put(Shape::V96),
            json!({"message": [{"code": 7, "message": "m", "arguments": []}],
                   "action": [{"code": 7, "message": "m", "arguments": []}]})
        );
        assert_eq!(
            put(Shape::V97),
            json!({"issue": {"code": 7, "message": "m"}, "action": {"code": 7, "message": "m"}})
        );
        assert_eq!(
            put(Shape::V98),
            json!({"issue": {"message": "m"}, "action": {"message": "m"}})
        );
    }
}
