//! `show_when`: an item shown only when earlier answers say so, written as XLSForm writes
//! `relevant` (`${q} = 'x'`, `${q} != 'x'`, `selected(${q}, 'x')`, `not(...)`, `and`, `or`,
//! brackets). Options' `shows_questions` can only say "show when any of these was chosen";
//! this says the rest ("when both"), so an XLSForm's conditions come over whole.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The single answer (or the only ticked option) is `value`.
    Is {
        id: String,
        value: String,
    },
    IsNot {
        id: String,
        value: String,
    },
    /// `value` is among the ticked options (or is the chosen one).
    Selected {
        id: String,
        value: String,
    },
    Not(Box<Condition>),
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

/// The condition as written in the file.
pub type ShowWhen = Condition;

impl Condition {
    /// The ids the condition reads, in order.
    pub fn ids(&self) -> Vec<&str> {
        match self {
            Condition::Is { id, .. } | Condition::IsNot { id, .. } | Condition::Selected { id, .. } => vec![id],
            Condition::Not(c) => c.ids(),
            Condition::All(cs) | Condition::Any(cs) => cs.iter().flat_map(|c| c.ids()).collect(),
        }
    }

    /// Whether the answers make it true; `answer` gives an item's codes (nothing when it was
    /// not answered or not shown).
    pub fn holds(&self, answer: &dyn Fn(&str) -> Vec<String>) -> bool {
        match self {
            Condition::Is { id, value } => matches!(answer(id).as_slice(), [only] if only == value),
            Condition::IsNot { id, value } => !matches!(answer(id).as_slice(), [only] if only == value),
            Condition::Selected { id, value } => answer(id).iter().any(|a| a == value),
            Condition::Not(c) => !c.holds(answer),
            Condition::All(cs) => cs.iter().all(|c| c.holds(answer)),
            Condition::Any(cs) => cs.iter().any(|c| c.holds(answer)),
        }
    }

    /// The condition in XLSForm's words, brackets only where they are needed.
    pub fn to_expression(&self) -> String {
        fn quote(v: &str) -> String {
            if v.contains('\'') {
                format!("\"{v}\"")
            } else {
                format!("'{v}'")
            }
        }
        match self {
            Condition::Is { id, value } => format!("${{{id}}} = {}", quote(value)),
            Condition::IsNot { id, value } => format!("${{{id}}} != {}", quote(value)),
            Condition::Selected { id, value } => format!("selected(${{{id}}}, {})", quote(value)),
            Condition::Not(c) => format!("not({})", c.to_expression()),
            Condition::All(cs) => cs
                .iter()
                .map(|c| match c {
                    Condition::Any(_) => format!("({})", c.to_expression()),
                    _ => c.to_expression(),
                })
                .collect::<Vec<_>>()
                .join(" and "),
            Condition::Any(cs) => cs
                .iter()
                .map(|c| match c {
                    Condition::All(_) => format!("({})", c.to_expression()),
                    _ => c.to_expression(),
                })
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }

    /// The condition for the page's script, with each id replaced by its form field's name.
    pub fn to_json(&self, field: &dyn Fn(&str) -> String) -> serde_json::Value {
        use serde_json::json;
        match self {
            Condition::Is { id, value } => json!({"is": [field(id), value]}),
            Condition::IsNot { id, value } => json!({"not": {"is": [field(id), value]}}),
            Condition::Selected { id, value } => json!({"selected": [field(id), value]}),
            Condition::Not(c) => json!({"not": c.to_json(field)}),
            Condition::All(cs) => json!({"all": cs.iter().map(|c| c.to_json(field)).collect::<Vec<_>>()}),
            Condition::Any(cs) => json!({"any": cs.iter().map(|c| c.to_json(field)).collect::<Vec<_>>()}),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Field(String),
    Text(String),
    Word(String),
    Open,
    Close,
    Comma,
    Eq,
    NotEq,
}

fn tokens(s: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1
            }
            ')' => {
                out.push(Token::Close);
                i += 1
            }
            ',' => {
                out.push(Token::Comma);
                i += 1
            }
            '=' => {
                out.push(Token::Eq);
                i += 1
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                out.push(Token::NotEq);
                i += 2
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let end = chars[i..].iter().position(|c| *c == '}').ok_or("a ${...} is not closed")? + i;
                out.push(Token::Field(chars[i + 2..end].iter().collect::<String>().trim().to_string()));
                i = end + 1;
            }
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|x| *x == c).ok_or("a quoted text is not closed")? + i + 1;
                out.push(Token::Text(chars[i + 1..end].iter().collect()));
                i = end + 1;
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' => {
                let end = chars[i..]
                    .iter()
                    .position(|x| !(x.is_alphanumeric() || *x == '_' || *x == '-' || *x == '.'))
                    .map_or(chars.len(), |p| p + i);
                out.push(Token::Word(chars[i..end].iter().collect()));
                i = end;
            }
            other => return Err(format!("'{other}' is not part of the conditions koers understands")),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn expect(&mut self, t: Token, what: &str) -> Result<(), String> {
        match self.next() {
            Some(found) if found == t => Ok(()),
            _ => Err(format!("expected {what}")),
        }
    }

    fn word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(x)) if x == w)
    }

    fn any(&mut self) -> Result<Condition, String> {
        let mut parts = vec![self.all()?];
        while self.word("or") {
            self.at += 1;
            parts.push(self.all()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Condition::Any(parts) })
    }

    fn all(&mut self) -> Result<Condition, String> {
        let mut parts = vec![self.one()?];
        while self.word("and") {
            self.at += 1;
            parts.push(self.one()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Condition::All(parts) })
    }

    fn literal(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Text(t)) | Some(Token::Word(t)) => Ok(t),
            _ => Err("expected a value such as 'yes'".into()),
        }
    }

    fn one(&mut self) -> Result<Condition, String> {
        match self.next() {
            Some(Token::Open) => {
                let c = self.any()?;
                self.expect(Token::Close, "a closing bracket")?;
                Ok(c)
            }
            Some(Token::Word(w)) if w == "not" => {
                self.expect(Token::Open, "( after not")?;
                let c = self.any()?;
                self.expect(Token::Close, "a closing bracket")?;
                Ok(Condition::Not(Box::new(c)))
            }
            Some(Token::Word(w)) if w == "selected" => {
                self.expect(Token::Open, "( after selected")?;
                let Some(Token::Field(id)) = self.next() else { return Err("selected( needs a ${question}".into()) };
                self.expect(Token::Comma, "a comma in selected(...)")?;
                let value = self.literal()?;
                self.expect(Token::Close, "a closing bracket")?;
                Ok(Condition::Selected { id, value })
            }
            Some(Token::Field(id)) => match self.next() {
                Some(Token::Eq) => Ok(Condition::Is { id, value: self.literal()? }),
                Some(Token::NotEq) => Ok(Condition::IsNot { id, value: self.literal()? }),
                _ => Err(format!("after ${{{id}}} koers understands only = and !=")),
            },
            Some(Token::Word(w)) => Err(format!("'{w}' is not part of the conditions koers understands")),
            _ => Err("the condition is incomplete".into()),
        }
    }
}

/// Reads a condition; the message says what koers does not understand.
pub fn parse_condition(s: &str) -> Result<Condition, String> {
    let mut p = Parser { tokens: tokens(s)?, at: 0 };
    if p.tokens.is_empty() {
        return Err("the condition is empty".into());
    }
    let c = p.any()?;
    match p.peek() {
        None => Ok(c),
        Some(_) => Err("there is more after the condition than koers understands".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(id: &str) -> Vec<String> {
        match id {
            "a" => vec!["yes".into()],
            "b" => vec!["x".into(), "y".into()],
            _ => vec![],
        }
    }

    #[test]
    fn the_common_relevant_forms_parse_hold_and_read_back() {
        for (text, holds) in [
            ("${a} = 'yes'", true),
            ("${a} != 'yes'", false),
            ("selected(${b}, 'y')", true),
            ("${a} = 'yes' and selected(${b}, 'z')", false),
            ("${a} = 'no' or selected(${b}, 'x')", true),
            ("not(${a} = 'no') and (${c} = '1' or selected(${b}, 'x'))", true),
        ] {
            let c = parse_condition(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(c.holds(&answers), holds, "{text}");
            assert_eq!(c.to_expression(), text, "written back the same");
        }
        assert_eq!(parse_condition("${a}='yes'").unwrap().to_expression(), "${a} = 'yes'");
    }

    #[test]
    fn what_koers_does_not_understand_is_named() {
        assert!(parse_condition("${a} > 3").unwrap_err().contains('>'));
        assert!(parse_condition("count-selected(${b}) = 2").is_err());
        assert!(parse_condition("${a} = ").is_err());
        assert!(parse_condition("").is_err());
    }
}
