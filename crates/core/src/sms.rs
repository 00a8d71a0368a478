//! SMS texts: how many segments a text costs, and the personal text of an invitation.

use crate::protocol::{InvitationTexts, LocalText};

/// GSM 03.38 basic character set: one septet each.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: two septets each (escape + character).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{c}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentCount {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

/// The segments a text is sent in: 160/153 septets in GSM-7, 70/67 code units in UCS-2 once a
/// single character (an emoji, a curly quote) falls outside GSM-7.
pub fn segments(text: &str) -> SegmentCount {
    let mut septets = 0;
    let mut gsm = true;
    for c in text.chars() {
        if GSM7_BASIC.contains(c) {
            septets += 1;
        } else if GSM7_EXTENDED.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (encoding, units, single, multi) =
        if gsm { (Encoding::Gsm7, septets, 160, 153) } else { (Encoding::Ucs2, text.encode_utf16().count(), 70, 67) };
    let segments = if units <= single { 1 } else { units.div_ceil(multi) };
    SegmentCount { encoding, units, segments }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Invitation,
    Reminder,
}

/// What a message may say about its person: only what is neutral over someone's shoulder.
#[derive(Debug, Clone, Default)]
pub struct MessageVars<'a> {
    pub first_name: &'a str,
    pub mentor_name: &'a str,
    pub earned_cents: u32,
    pub streak: u32,
    pub link: &'a str,
    /// What the person's organisation calls a mentor (`begeleider`, `coach`, ...), in the
    /// message's language; empty gives the default.
    pub mentor_title: &'a str,
    /// The person's organisation (school), which says where the message comes from.
    pub organisation: &'a str,
}

/// The protocol's text for this message: for an invitation, the streak variant of the highest
/// step reached, else the plain invitation.
pub fn choose_text(texts: &InvitationTexts, kind: MessageKind, streak: u32) -> Option<&LocalText> {
    match kind {
        MessageKind::Reminder => texts.reminder.as_ref().or(texts.invitation.as_ref()),
        MessageKind::Invitation => texts
            .streak
            .iter()
            .filter(|s| streak >= s.from)
            .max_by_key(|s| s.from)
            .map(|s| &s.invitation)
            .or(texts.invitation.as_ref()),
    }
}

/// Fills in a message's variables, Dutch and English names alike; an unknown variable is
/// dropped rather than sent raw.
pub fn render_message(template: &str, v: &MessageVars<'_>) -> String {
    // Messages are Dutch or English by their protocol's text, not by a language of their own:
    // amounts in them are written the Dutch way, as on the Dutch pages.
    let earned = crate::rewards::euros(i64::from(v.earned_cents), "nl");
    let streak = v.streak.to_string();
    let mut out = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let value = match after[..close].trim() {
            "voornaam" | "first_name" => v.first_name,
            "naam_begeleider" | "mentor_name" => v.mentor_name,
            "verdiend" | "earned" => earned.as_str(),
            "reeks" | "streak" => streak.as_str(),
            "link" => v.link,
            "begeleider" | "mentor_title" if v.mentor_title.is_empty() => crate::mentor_title::DEFAULT_MENTOR_TITLE,
            "begeleider" | "mentor_title" => v.mentor_title,
            "organisatie" | "organisation" => v.organisation,
            _ => "",
        };
        out.push_str(value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The variables a message text may use.
pub const MESSAGE_VARIABLES: &[&str] = &[
    "voornaam",
    "first_name",
    "naam_begeleider",
    "mentor_name",
    "verdiend",
    "earned",
    "reeks",
    "streak",
    "link",
    "begeleider",
    "mentor_title",
    "organisatie",
    "organisation",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_dutch_texts_are_gsm7_and_emoji_switch_to_ucs2() {
        let t = "Hoi Sanne, je vragenlijst van deze week staat klaar: https://k.example/l/AbCdEfGhIjKlMnOpQrStUv";
        let s = segments(t);
        assert_eq!((s.encoding, s.segments), (Encoding::Gsm7, 1));
        assert_eq!(segments(&"a".repeat(160)).segments, 1);
        assert_eq!(segments(&"a".repeat(161)).segments, 2);
        assert_eq!(segments(&"€".repeat(80)).units, 160, "the euro sign takes two septets");
        let emoji = segments("Top gedaan 🎉");
        assert_eq!(emoji.encoding, Encoding::Ucs2);
        assert_eq!(emoji.units, 13);
        assert_eq!(segments(&"é".repeat(70)).segments, 1, "é is in GSM-7");
        assert_eq!(segments(&"ł".repeat(71)).segments, 2);
    }

    #[test]
    fn variables_are_filled_and_unknown_ones_never_sent_raw() {
        let v = MessageVars {
            first_name: "Sanne",
            mentor_name: "Joris",
            earned_cents: 1250,
            streak: 3,
            link: "L",
            mentor_title: "coach",
            organisation: "ROC Noord",
        };
        assert_eq!(
            render_message("Hoi {{voornaam}}, {{verdiend}} verdiend, reeks {{reeks}}: {{link}} {{geheim}}", &v),
            "Hoi Sanne, € 12,50 verdiend, reeks 3: L "
        );
        assert_eq!(
            render_message("{{organisatie}}: je {{begeleider}} {{naam_begeleider}} vraagt iets", &v),
            "ROC Noord: je coach Joris vraagt iets"
        );
        let plain = MessageVars { mentor_title: "", ..v };
        assert_eq!(render_message("je {{begeleider}}", &plain), "je begeleider", "no title chosen: the default");
    }

    #[test]
    fn the_streak_variant_of_the_highest_step_reached_is_chosen() {
        let texts: InvitationTexts = serde_yaml_ng::from_str(
            "invitation: 'plain {{link}}'\nreminder: 'again {{link}}'\nstreak:\n  - {from: 3, invitation: 'three {{link}}'}\n  - {from: 5, invitation: 'five {{link}}'}\n",
        )
        .unwrap();
        let pick = |kind, streak| choose_text(&texts, kind, streak).unwrap().get("nl", "nl").to_string();
        assert_eq!(pick(MessageKind::Invitation, 0), "plain {{link}}");
        assert_eq!(pick(MessageKind::Invitation, 4), "three {{link}}");
        assert_eq!(pick(MessageKind::Invitation, 9), "five {{link}}");
        assert_eq!(pick(MessageKind::Reminder, 9), "again {{link}}");
    }
}
