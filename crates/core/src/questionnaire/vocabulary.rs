//! Which keys the format knows, and which of them do something for each item type.
//!
//! u-can-act's questionnaire engine ignores a key that a type does not use, so its
//! questionnaires carry such keys (a `labels` list on a date, `placeholder` on a radio). koers
//! accepts every key of the vocabulary on every item and warns where it has no effect; only a
//! key that no item of the format knows is an error, with the nearest known key.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
    TimeFancy,
    Date,
    DateRange,
    DateAndTime,
    Days,
    Expandable,
    Table,
    Raw,
    Unsubscribe,
    NextQuestionnaireNotice,
    Drawing,
    Gentle,
    PageBreak,
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
        ("time_fancy", ItemType::TimeFancy),
        ("date", ItemType::Date),
        ("date_range", ItemType::DateRange),
        ("date_and_time", ItemType::DateAndTime),
        ("days", ItemType::Days),
        ("expandable", ItemType::Expandable),
        ("table", ItemType::Table),
        ("raw", ItemType::Raw),
        ("unsubscribe", ItemType::Unsubscribe),
        ("next_questionnaire_notice", ItemType::NextQuestionnaireNotice),
        ("drawing", ItemType::Drawing),
        ("gentle", ItemType::Gentle),
        ("page_break", ItemType::PageBreak),
    ];

    pub fn name(self) -> &'static str {
        ItemType::ALL.iter().find(|(_, t)| *t == self).map(|(n, _)| *n).unwrap_or("")
    }

    pub fn parse(name: &str) -> Option<ItemType> {
        ItemType::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// Types that store an answer (and so need an `id`).
    pub fn takes_answer(self) -> bool {
        !matches!(self, ItemType::Raw | ItemType::Unsubscribe | ItemType::NextQuestionnaireNotice | ItemType::PageBreak)
    }

    pub fn has_options(self) -> bool {
        matches!(self, ItemType::Radio | ItemType::Likert | ItemType::Checkbox | ItemType::Dropdown | ItemType::Table)
    }

    /// Radios, likerts and dropdowns must be answered unless `required: false` (u-can-act's
    /// README: "radios are always required, unless required: false is specified").
    pub fn required_by_default(self) -> bool {
        matches!(self, ItemType::Radio | ItemType::Likert | ItemType::Dropdown)
    }

    /// Radios and checkboxes offer "other, namely ..." unless `show_otherwise: false`, as
    /// u-can-act's generators do.
    pub fn otherwise_by_default(self) -> bool {
        matches!(self, ItemType::Radio | ItemType::Checkbox)
    }

    /// The keys that do something for this type, on top of [`COMMON_KEYS`].
    pub fn own_keys(self) -> &'static [&'static str] {
        const OTHERWISE: &[&str] =
            &["options", "show_otherwise", "otherwise_label", "otherwise_tooltip", "otherwise_placeholder"];
        const TIME: &[&str] = &[
            "hours_from",
            "hours_to",
            "hours_step",
            "hours_label",
            "minutes_label",
            "minutes_step",
            "hours_id",
            "minutes_id",
            "am_pm",
        ];
        const DATE_AND_TIME: &[&str] = &[
            "min",
            "max",
            "today",
            "default_date",
            "placeholder",
            "hours_from",
            "hours_to",
            "hours_step",
            "hours_label",
            "minutes_label",
            "minutes_step",
            "hours_id",
            "minutes_id",
            "am_pm",
        ];
        match self {
            ItemType::Radio => OTHERWISE,
            ItemType::Checkbox => &[
                "options",
                "show_otherwise",
                "otherwise_label",
                "otherwise_tooltip",
                "otherwise_placeholder",
                "max_selections",
            ],
            ItemType::Likert => &["options"],
            ItemType::Dropdown => &["options", "placeholder"],
            ItemType::Range => {
                &["min", "max", "step", "value", "unit", "labels", "ticks", "vertical", "gradient", "no_initial_thumb"]
            }
            ItemType::Number => {
                &["min", "max", "step", "maxlength", "placeholder", "links_to_expandable", "default_value"]
            }
            ItemType::Textfield => &["placeholder", "pattern", "hint", "maxlength", "default_value"],
            ItemType::Textarea => &["placeholder", "maxlength", "default_value"],
            ItemType::Time => TIME,
            ItemType::TimeFancy => &["placeholder"],
            ItemType::Date => &["min", "max", "today", "default_date", "placeholder"],
            ItemType::DateRange => &["min", "max", "placeholder"],
            ItemType::DateAndTime => DATE_AND_TIME,
            ItemType::Days => &[
                "from_days_ago",
                "exclude_weekends",
                "include_today",
                "morning_and_afternoon",
                "date_format",
                "shows_questions",
                "hides_questions",
            ],
            ItemType::Expandable => {
                &["content", "default_expansions", "max_expansions", "add_button_label", "remove_button_label"]
            }
            ItemType::Table => &["options", "rows"],
            ItemType::Raw => &["content"],
            ItemType::Unsubscribe => &["content", "button_text"],
            ItemType::NextQuestionnaireNotice => &[],
            ItemType::Drawing => &["image", "color", "width", "height", "radius", "density"],
            ItemType::Gentle => &["network"],
            ItemType::PageBreak => &[],
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
    "show_when",
    "combines_with",
    "foreach",
    "label",
    "uses",
];

/// Keys of u-can-act's vocabulary that koers reads but that never change anything: they are
/// accepted with a warning on every type.
pub const IGNORED_KEYS: &[&str] = &["data_method", "locale"];

/// Every key an item of some type may carry.
pub fn known_item_keys() -> Vec<&'static str> {
    let mut all: Vec<&str> = COMMON_KEYS.to_vec();
    for (_, t) in ItemType::ALL {
        all.extend(t.own_keys());
    }
    all.extend(IGNORED_KEYS);
    all.sort_unstable();
    all.dedup();
    all
}

pub const OPTION_KEYS: &[&str] =
    &["title", "value", "numeric_value", "tooltip", "shows_questions", "hides_questions", "stop_subscription"];

pub const ROW_KEYS: &[&str] = &["id", "title", "shows_questions", "hides_questions"];

pub const SCORE_KEYS: &[&str] =
    &["id", "label", "ids", "operation", "require_all", "round_to_decimals", "preprocessing"];

pub const PREPROCESSING_KEYS: &[&str] = &["multiply_with", "offset"];

/// The top of a file: koers's own keys, `content` (u-can-act's attribute that holds the
/// questions and scores), and the bookkeeping of a u-can-act record written out as JSON.
pub const TOP_KEYS: &[&str] = &["key", "name", "title", "questions", "scores", "content"];
pub const RECORD_KEYS: &[&str] = &["id", "created_at", "updated_at"];
