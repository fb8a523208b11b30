//! JSON pointers that cost nothing until a finding needs one: a chain of segments borrowed
//! from the walk's stack, written out (RFC 6901) only when displayed. Building every state's
//! and field's pointer eagerly was a fifth of the rules' time (issue 15).

use super::json::escape;
use std::fmt;

#[derive(Clone, Copy)]
pub enum Ptr<'a> {
    /// A pointer already written out (`""` is the document).
    Text(&'a str),
    Key(&'a Ptr<'a>, &'a str),
    Index(&'a Ptr<'a>, usize),
    /// An item of an array member: `base/key/index`.
    Item(&'a Ptr<'a>, &'a str, usize),
}

pub const ROOT: Ptr<'static> = Ptr::Text("");

impl<'a> Ptr<'a> {
    /// This pointer extended by an object member.
    pub fn key(&'a self, key: &'a str) -> Ptr<'a> {
        Ptr::Key(self, key)
    }

    /// This pointer extended by an item of the array member `key`.
    pub fn item(&'a self, key: &'a str, index: usize) -> Ptr<'a> {
        Ptr::Item(self, key, index)
    }

    /// This pointer extended by an array index.
    pub fn at(&'a self, index: usize) -> Ptr<'a> {
        Ptr::Index(self, index)
    }
}

impl fmt::Display for Ptr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ptr::Text(text) => f.write_str(text),
            Ptr::Key(base, key) => write!(f, "{base}/{}", escape(key)),
            Ptr::Index(base, index) => write!(f, "{base}/{index}"),
            Ptr::Item(base, key, index) => write!(f, "{base}/{}/{index}", escape(key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped_when_written() {
        let states = ROOT.key("States");
        let state = states.key("a/b~c");
        let catch = state.key("Catch");
        assert_eq!(catch.at(2).to_string(), "/States/a~1b~0c/Catch/2");
        assert_eq!(Ptr::Text("/x").key("y").to_string(), "/x/y");
        assert_eq!(
            state.item("Branches", 0).to_string(),
            "/States/a~1b~0c/Branches/0"
        );
    }
}
