//! The embedded templates. Strict mode makes a misspelled variable an error instead of an
//! empty string, and text people wrote is only ever rendered with escaping (`{{ }}`).

use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde::Serialize;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout", include_str!("../templates/layout.hbs")),
    ("landing", include_str!("../templates/landing.hbs")),
    ("message", include_str!("../templates/message.hbs")),
    ("questionnaire", include_str!("../templates/questionnaire.hbs")),
    ("item", include_str!("../templates/item.hbs")),
    ("preview_list", include_str!("../templates/preview_list.hbs")),
    ("preview_result", include_str!("../templates/preview_result.hbs")),
    ("staff_nav", include_str!("../templates/staff_nav.hbs")),
    ("staff_login", include_str!("../templates/staff_login.hbs")),
    ("staff_people", include_str!("../templates/staff_people.hbs")),
    ("staff_person", include_str!("../templates/staff_person.hbs")),
    ("staff_enrol", include_str!("../templates/staff_enrol.hbs")),
    ("staff_attention", include_str!("../templates/staff_attention.hbs")),
    ("staff_chart", include_str!("../templates/staff_chart.hbs")),
    ("staff_dashboard", include_str!("../templates/staff_dashboard.hbs")),
    ("staff_audit", include_str!("../templates/staff_audit.hbs")),
    ("staff_exclusion", include_str!("../templates/staff_exclusion.hbs")),
    ("staff_accounts", include_str!("../templates/staff_accounts.hbs")),
    ("staff_2fa", include_str!("../templates/staff_2fa.hbs")),
    ("staff_2fa_setup", include_str!("../templates/staff_2fa_setup.hbs")),
    ("staff_2fa_codes", include_str!("../templates/staff_2fa_codes.hbs")),
    ("p_info", include_str!("../templates/p_info.hbs")),
    ("p_mentor", include_str!("../templates/p_mentor.hbs")),
    ("p_student", include_str!("../templates/p_student.hbs")),
    ("p_trend", include_str!("../templates/p_trend.hbs")),
];

pub const CSS: &str = include_str!("../static/koers.css");
pub const JS: &str = include_str!("../static/koers.js");

pub struct Templates {
    hb: Handlebars<'static>,
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

impl Templates {
    pub fn new() -> Self {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_helper("t", Box::new(catalogue_text));
        for (name, source) in TEMPLATES {
            hb.register_template_string(name, source)
                .unwrap_or_else(|e| panic!("embedded template {name} is broken: {e}"));
        }
        Templates { hb }
    }

    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String, handlebars::RenderError> {
        self.hb.render(name, data)
    }
}

/// `{{t "key"}}` or `{{t "key" name=value}}`: the catalogue's text for the page's language (the
/// root's `lang`) and register (the root's `register`, "je" or "u"; "je" when absent), escaped
/// like any `{{ }}` value.
fn catalogue_text(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let key = h.param(0).and_then(|p| p.value().as_str()).ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
    let lang = ctx.data().get("lang").and_then(|l| l.as_str()).unwrap_or("nl");
    let register =
        koers_texts::Register::from_code(ctx.data().get("register").and_then(|r| r.as_str()).unwrap_or("je"));
    let args: Vec<(&str, String)> = h
        .hash()
        .iter()
        .map(|(k, v)| (*k, v.value().as_str().map(str::to_string).unwrap_or_else(|| v.value().to_string())))
        .collect();
    out.write(&handlebars::html_escape(&koers_texts::t_in(lang, register, key, &args)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_escaped_and_every_template_renders() {
        let t = Templates::new();
        let html = t
            .render(
                "message",
                &json!({"lang": "nl", "title": "x", "heading": "<script>alert(1)</script>", "paragraphs": ["a & b"]}),
            )
            .unwrap();
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("a &amp; b"));
        let landing = t.render("landing", &json!({"lang": "nl", "title": "koers", "demo_links": []})).unwrap();
        assert!(landing.contains("Welkom bij koers"));
    }

    #[test]
    fn the_t_helper_speaks_the_page_language_and_escapes() {
        let mut t = Templates::new();
        t.hb.register_template_string("probe", r#"{{t "import-type-unknown" value=v}}"#).unwrap();
        let nl = t.render("probe", &json!({"lang": "nl", "v": "<b>"})).unwrap();
        let en = t.render("probe", &json!({"lang": "en", "v": "<b>"})).unwrap();
        assert_eq!(nl, "&#x27;&lt;b&gt;&#x27; is geen soort; vul Student of Mentor in");
        assert!(en.contains("is not a type"), "{en}");
    }

    #[test]
    fn the_t_helper_follows_the_page_register() {
        let mut t = Templates::new();
        t.hb.register_template_string("probe", r#"{{t "stop-any-time"}}"#).unwrap();
        let je = t.render("probe", &json!({"lang": "nl"})).unwrap();
        let u = t.render("probe", &json!({"lang": "nl", "register": "u"})).unwrap();
        assert!(je.starts_with("Je ") && u.starts_with("U "), "{je} / {u}");
    }

    #[test]
    fn the_t_helper_reads_the_root_inside_blocks_and_partials() {
        let mut t = Templates::new();
        t.hb.register_template_string("probe", r#"{{#> layout}}{{#each xs}}{{t "mentor-own"}}|{{/each}}{{/layout}}"#)
            .unwrap();
        let u = t.render("probe", &json!({"lang": "nl", "register": "u", "title": "x", "xs": [1, 2]})).unwrap();
        assert_eq!(u.matches("Een vragenlijst over uzelf|").count(), 2, "{u}");
        let en = t.render("probe", &json!({"lang": "en", "register": "u", "title": "x", "xs": [1]})).unwrap();
        assert!(en.contains("A questionnaire about yourself|"), "{en}");
    }

    #[test]
    fn a_missing_variable_is_an_error_not_an_empty_string() {
        let t = Templates::new();
        assert!(t.render("message", &json!({"lang": "nl"})).is_err());
    }
}
