//! A text to show someone, as a catalogue key with its arguments. Core decides *what* to say
//! (which rule was broken, with which values); the layer that shows it looks the words up in
//! the catalogue (`koers-texts`) in the reader's language.

/// A message key and its named arguments, e.g. `import-too-long` with `max = 100`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Self {
        Msg { key, args: Vec::new() }
    }

    /// Adds an argument; values are shown as given (already formatted).
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}
