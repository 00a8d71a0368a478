//! Loading the settings once: built-in defaults, then koers.toml, then `KOERS_*` variables
//! (`KOERS_SMS__GATEWAY` sets `sms.gateway`).

use anyhow::{bail, Context, Result};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use koers_core::settings::Settings;
use std::path::Path;

/// Variables with the KOERS_ prefix that are not settings of the server itself.
const NOT_SETTINGS: &[&str] = &["test_database_url", "config", "bench_database_url", "password"];

#[cfg(test)]
fn load(config: Option<&Path>) -> Result<Settings> {
    Ok(load_layers(config)?.0)
}

/// The settings, and whether `base_url` was set (in the file or a variable) rather than left
/// at its default: without it, `serve` makes links to the address it serves.
pub fn load_layers(config: Option<&Path>) -> Result<(Settings, bool)> {
    let mut layers = Figment::new();
    match config {
        Some(path) => {
            if !path.exists() {
                bail!("the configuration file {} does not exist", path.display());
            }
            layers = layers.merge(Toml::file(path));
        }
        None if Path::new("koers.toml").exists() => layers = layers.merge(Toml::file("koers.toml")),
        None => {}
    }
    layers = layers.merge(
        Env::prefixed("KOERS_")
            .split("__")
            .filter(|k| !NOT_SETTINGS.iter().any(|n| k.as_str().eq_ignore_ascii_case(n))),
    );
    let base_url_set = layers.find_value("base_url").is_ok();
    let figment = Figment::from(Serialized::defaults(Settings::default())).merge(layers);
    let settings: Settings =
        figment.extract().context("the settings are not valid (koers.toml or KOERS_* variables)")?;
    let problems = settings.problems();
    if !problems.is_empty() {
        bail!("the settings are not valid:\n  - {}", problems.join("\n  - "));
    }
    Ok((settings, base_url_set))
}

/// The address links point at when `base_url` is not set: the one served (a wildcard bind is
/// reached on this machine as 127.0.0.1).
pub fn base_url_for(bind: &str) -> String {
    let bind = bind.trim();
    let host_port = bind
        .strip_prefix("0.0.0.0:")
        .map(|p| format!("127.0.0.1:{p}"))
        .or_else(|| bind.strip_prefix("[::]:").map(|p| format!("[::1]:{p}")))
        .unwrap_or_else(|| bind.to_string());
    format!("http://{host_port}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail fixes the closure's error type.
    fn a_file_and_variables_override_the_defaults_and_typos_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("k.toml", "bind = \"0.0.0.0:9000\"\n[sms]\nsender = \"Onderzoek\"\n")?;
            jail.set_env("KOERS_DATABASE_URL", "postgres://koers@db/koers");
            jail.set_env("KOERS_SMS__MESSAGES_PER_SECOND", "5");
            jail.set_env("KOERS_TEST_DATABASE_URL", "postgres://ignored");
            let s = load(Some(Path::new("k.toml"))).map_err(|e| format!("{e:#}"))?;
            assert_eq!(s.bind, "0.0.0.0:9000");
            assert_eq!(s.sms.sender, "Onderzoek");
            assert_eq!(s.sms.messages_per_second, 5);
            assert_eq!(s.database_url, "postgres://koers@db/koers");

            jail.set_env("KOERS_DATABSE_URL", "x");
            let err = format!("{:#}", load(Some(Path::new("k.toml"))).unwrap_err());
            assert!(err.contains("databse_url"), "{err}");
            Ok(())
        });
    }

    /// The example in deploy/ is the documentation of every setting: as shipped, and with every
    /// commented setting switched on, it must load and change nothing it does not mean to.
    #[test]
    #[allow(clippy::result_large_err)]
    fn the_example_settings_file_loads_as_shipped_and_with_every_setting_on() {
        let example = include_str!("../../../deploy/koers.toml.example");
        let on: String = example
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        figment::Jail::expect_with(|jail| {
            jail.create_file("shipped.toml", example)?;
            jail.create_file("on.toml", &on)?;
            let shipped = load(Some(Path::new("shipped.toml"))).map_err(|e| format!("{e:#}"))?;
            assert_eq!(shipped.pool_size, Settings::default().pool_size);
            let on = load(Some(Path::new("on.toml"))).map_err(|e| format!("{e:#}"))?;
            assert_eq!(on.trusted_proxies, vec!["127.0.0.1".to_string()]);
            Ok(())
        });
    }

    /// The shipped compose files trust their proxies by range; the value must load as it is
    /// written there, or every participant behind Caddy would share one rate limit.
    #[test]
    #[allow(clippy::result_large_err)]
    fn the_compose_files_trust_their_proxies_by_range() {
        for compose in
            [include_str!("../../../deploy/compose.yaml"), include_str!("../../../deploy/compose.two-instances.yaml")]
        {
            let line = compose.lines().find(|l| l.trim_start().starts_with("KOERS_TRUSTED_PROXIES:")).expect("set");
            let value = line.split_once(": ").unwrap().1.trim().trim_matches('\'');
            figment::Jail::expect_with(|jail| {
                jail.set_env("KOERS_TRUSTED_PROXIES", value);
                let s = load(None).map_err(|e| format!("{e:#}"))?;
                assert!(s.trusted_proxies.contains(&"172.16.0.0/12".to_string()), "{:?}", s.trusted_proxies);
                Ok(())
            });
        }
        figment::Jail::expect_with(|jail| {
            jail.set_env("KOERS_TRUSTED_PROXIES", r#"["10.0.0.0/33"]"#);
            let err = format!("{:#}", load(None).unwrap_err());
            assert!(err.contains("10.0.0.0/33"), "{err}");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail fixes the closure's error type.
    fn links_follow_the_served_address_unless_base_url_is_set() {
        assert_eq!(base_url_for("127.0.0.1:9000"), "http://127.0.0.1:9000");
        assert_eq!(base_url_for("0.0.0.0:8080"), "http://127.0.0.1:8080");
        figment::Jail::expect_with(|jail| {
            assert!(!load_layers(None).map_err(|e| e.to_string())?.1);
            jail.set_env("KOERS_BASE_URL", "https://koers.example.org");
            assert!(load_layers(None).map_err(|e| e.to_string())?.1);
            Ok(())
        });
    }

    #[test]
    fn a_missing_config_file_that_was_named_is_an_error() {
        let err = load(Some(Path::new("/nonexistent/koers.toml"))).unwrap_err().to_string();
        assert!(err.contains("does not exist"));
    }
}
