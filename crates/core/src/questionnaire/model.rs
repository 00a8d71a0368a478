//! The questionnaire as koers understands it after reading a file: u-can-act's vocabulary,
//! typed. One `Item` struct carries every key of the format; which keys a type may use is
//! enforced by the parser, so a misplaced key is an error rather than silently ignored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// A text in one language or several. An `i18n` key in a map is kept but never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    ByLanguage(BTreeMap<String, String>),
}

impl Text {
    /// The person's language, else the study's, else the first translation there is.
    pub fn resolve(&self, lang: &str, fallback: &str) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::ByLanguage(m) => m
                .get(lang)
                .or_else(|| m.get(fallback))
                .or_else(|| m.iter().find(|(k, _)| *k != "i18n").map(|(_, v)| v))
                .map(String::as_str)
                .unwrap_or(""),
        }
    }

    /// Every translation (not the i18n key), for checks that look at all of them.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Text::Plain(s) => vec![s.as_str()],
            Text::ByLanguage(m) => m.iter().filter(|(k, _)| *k != "i18n").map(|(_, v)| v.as_str()).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    Radio,
    Likert,
    Checkbox,
    Dropdown,
    Range,
    Number,
    Textfield,
    Textarea,
    Time,
    Date,
    DateAndTime,
    Days,
    Expandable,
    Raw,
    Unsubscribe,
    Drawing,
}

impl ItemType {
    pub const ALL: &'static [(&'static str, ItemType)] = &[
        ("radio", ItemType::Radio),
        ("likert", ItemType::Likert),
        ("checkbox", ItemType::Checkbox),
        ("dropdown", ItemType::Dropdown),
        ("range", ItemType::Range),
        ("number", ItemType::Number),
        ("textfield", ItemType::Textfield),
        ("textarea", ItemType::Textarea),
        ("time", ItemType::Time),
        ("date", ItemType::Date),
        ("date_and_time", ItemType::DateAndTime),
        ("days", ItemType::Days),
        ("expandable", ItemType::Expandable),
        ("raw", ItemType::Raw),
        ("unsubscribe", ItemType::Unsubscribe),
        ("drawing", ItemType::Drawing),
    ];

    pub fn name(self) -> &'static str {
        ItemType::ALL.iter().find(|(_, t)| *t == self).map(|(n, _)| *n).unwrap_or("")
    }

    /// Types that store an answer (and so need an `id`).
    pub fn takes_answer(self) -> bool {
        !matches!(self, ItemType::Raw | ItemType::Unsubscribe)
    }

    pub fn has_options(self) -> bool {
        matches!(self, ItemType::Radio | ItemType::Likert | ItemType::Checkbox | ItemType::Dropdown)
    }

    /// The keys this type adds to the common ones.
    pub fn own_keys(self) -> &'static [&'static str] {
        const TIME: &[&str] = &[
            "hours_from",
            "hours_to",
            "hours_step",
            "hours_label",
            "minutes_label",
            "hours_id",
            "minutes_id",
            "am_pm",
        ];
        match self {
            ItemType::Radio | ItemType::Likert => &["options"],
            ItemType::Checkbox => &["options", "max_selections"],
            ItemType::Dropdown => &["options", "placeholder"],
            ItemType::Range => &["min", "max", "step", "labels", "ticks", "vertical", "gradient", "no_initial_thumb"],
            ItemType::Number => &["min", "max", "step", "maxlength", "placeholder", "links_to_expandable"],
            ItemType::Textfield => &["placeholder", "pattern", "hint", "maxlength"],
            ItemType::Textarea => &["placeholder", "maxlength"],
            ItemType::Time => TIME,
            ItemType::Date => &["min", "max", "today", "default_date"],
            ItemType::DateAndTime => &[
                "min",
                "max",
                "today",
                "default_date",
                "hours_from",
                "hours_to",
                "hours_step",
                "hours_label",
                "minutes_label",
                "hours_id",
                "minutes_id",
                "am_pm",
            ],
            ItemType::Days => {
                &["from_days_ago", "exclude_weekends", "include_today", "morning_and_afternoon", "date_format"]
            }
            ItemType::Expandable => {
                &["content", "default_expansions", "max_expansions", "add_button_label", "remove_button_label"]
            }
            ItemType::Raw => &["content"],
            ItemType::Unsubscribe => &["content", "button_text"],
            ItemType::Drawing => &["image", "color", "width", "height", "radius", "density"],
        }
    }
}

/// Keys every item may have.
pub const COMMON_KEYS: &[&str] = &[
    "id",
    "type",
    "title",
    "tooltip",
    "required",
    "hidden",
    "section_start",
    "section_end",
    "show_after",
    "combines_with",
    "show_otherwise",
    "otherwise_label",
    "otherwise_tooltip",
    "otherwise_placeholder",
    "foreach",
    "label",
    "uses",
];

pub const OPTION_KEYS: &[&str] =
    &["title", "value", "numeric_value", "tooltip", "shows_questions", "hides_questions", "stop_subscription"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ShowAfter {
    /// Seconds since the person's protocol start.
    Seconds(i64),
    At(DateTime<Utc>),
    OnlyOnFinalQuestionnaire,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub title: Text,
    /// The code used in exports; the title when none is given.
    pub value: String,
    pub numeric_value: Option<f64>,
    pub tooltip: Option<Text>,
    pub shows_questions: Vec<String>,
    pub hides_questions: Vec<String>,
    pub stop_subscription: bool,
}

/// A date bound: a fixed date, or a number of days from today (`true` = today).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DateBound {
    Fixed(NaiveDate),
    DaysFromToday(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RawContent {
    Same(Text),
    /// `first` on a person's first questionnaire of this key, `normal` afterwards.
    FirstAndNormal {
        first: Text,
        normal: Text,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uses {
    pub previous: String,
    pub default: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct TimeSettings {
    pub hours_from: Option<i64>,
    pub hours_to: Option<i64>,
    pub hours_step: Option<i64>,
    pub hours_label: Option<Text>,
    pub minutes_label: Option<Text>,
    pub hours_id: Option<String>,
    pub minutes_id: Option<String>,
    pub am_pm: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DaysSettings {
    pub from_days_ago: Option<i64>,
    pub exclude_weekends: bool,
    pub include_today: bool,
    pub morning_and_afternoon: bool,
    pub date_format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DrawingSettings {
    pub image: Option<String>,
    pub color: Option<String>,
    pub width: Option<f64>,
    pub height: Option<f64>,
    pub radius: Option<f64>,
    pub density: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Where the item stands in the file (`questions[3]`), for messages.
    pub path: String,
    pub id: Option<String>,
    pub kind: ItemType,
    pub title: Option<Text>,
    pub tooltip: Option<Text>,
    pub required: bool,
    pub hidden: bool,
    pub section_start: Option<Text>,
    pub section_end: bool,
    pub show_after: Option<ShowAfter>,
    pub combines_with: Vec<String>,
    pub show_otherwise: bool,
    pub otherwise_label: Option<Text>,
    pub otherwise_tooltip: Option<Text>,
    pub otherwise_placeholder: Option<Text>,
    /// `student`: a mentor's questionnaire repeats the item for each of their students.
    pub foreach_student: bool,
    pub label: Option<String>,
    pub uses: Option<Uses>,
    pub options: Vec<Choice>,
    pub max_selections: Option<i64>,
    pub placeholder: Option<Text>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub date_min: Option<DateBound>,
    pub date_max: Option<DateBound>,
    pub step: Option<f64>,
    pub labels: Vec<Text>,
    pub ticks: bool,
    pub vertical: bool,
    pub gradient: bool,
    pub no_initial_thumb: bool,
    pub maxlength: Option<i64>,
    pub links_to_expandable: Option<String>,
    pub pattern: Option<String>,
    pub hint: Option<Text>,
    pub time: TimeSettings,
    pub today: bool,
    pub default_date: Option<DateBound>,
    pub days: DaysSettings,
    pub content: Vec<Item>,
    pub default_expansions: Option<i64>,
    pub max_expansions: Option<i64>,
    pub add_button_label: Option<Text>,
    pub remove_button_label: Option<Text>,
    pub raw_content: Option<RawContent>,
    pub button_text: Option<Text>,
    pub drawing: DrawingSettings,
}

impl Item {
    pub fn new(kind: ItemType, path: String) -> Self {
        Item {
            path,
            id: None,
            kind,
            title: None,
            tooltip: None,
            required: false,
            hidden: false,
            section_start: None,
            section_end: false,
            show_after: None,
            combines_with: Vec::new(),
            show_otherwise: false,
            otherwise_label: None,
            otherwise_tooltip: None,
            otherwise_placeholder: None,
            foreach_student: false,
            label: None,
            uses: None,
            options: Vec::new(),
            max_selections: None,
            placeholder: None,
            min: None,
            max: None,
            date_min: None,
            date_max: None,
            step: None,
            labels: Vec::new(),
            ticks: false,
            vertical: false,
            gradient: false,
            no_initial_thumb: false,
            maxlength: None,
            links_to_expandable: None,
            pattern: None,
            hint: None,
            time: TimeSettings::default(),
            today: false,
            default_date: None,
            days: DaysSettings::default(),
            content: Vec::new(),
            default_expansions: None,
            max_expansions: None,
            add_button_label: None,
            remove_button_label: None,
            raw_content: None,
            button_text: None,
            drawing: DrawingSettings::default(),
        }
    }

    /// A slider's range: 0..100 unless the file says otherwise.
    pub fn range_bounds(&self) -> (f64, f64) {
        (self.min.unwrap_or(0.0), self.max.unwrap_or(100.0))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Average,
    Sum,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub path: String,
    pub id: String,
    pub label: Option<String>,
    pub ids: Vec<String>,
    pub operation: Operation,
    pub require_all: bool,
    pub round_to_decimals: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Questionnaire {
    pub key: String,
    pub name: Option<String>,
    pub title: Option<Text>,
    pub questions: Vec<Item>,
    pub scores: Vec<Score>,
    /// The content hash of the source: what a response records.
    pub version: String,
}

impl Questionnaire {
    /// Every item, nested expandable content included, in order.
    pub fn all_items(&self) -> Vec<&Item> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
            for i in items {
                out.push(i);
                walk(&i.content, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.questions, &mut out);
        out
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.all_items().into_iter().find(|i| i.id.as_deref() == Some(id))
    }
}
