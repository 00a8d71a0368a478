//! The kind of device a questionnaire was answered on, from the browser's user agent: phone,
//! tablet, desktop or unknown. Exports carry only this class, never the user agent itself (it
//! is detailed enough to help single a person out).
//!
//! The rule is deliberately coarse and stable: a researcher compares answering on a phone with
//! answering on a computer, not browser versions. iPads since iPadOS 13 present themselves as a
//! Mac and so count as desktop; nothing in the user agent tells them apart.

/// The class of the device a response was given on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeviceClass {
    Phone,
    Tablet,
    Desktop,
    Unknown,
}

impl DeviceClass {
    pub const ALL: [DeviceClass; 4] =
        [DeviceClass::Phone, DeviceClass::Tablet, DeviceClass::Desktop, DeviceClass::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceClass::Phone => "phone",
            DeviceClass::Tablet => "tablet",
            DeviceClass::Desktop => "desktop",
            DeviceClass::Unknown => "unknown",
        }
    }

    /// The class of a user agent; `Unknown` when there is none or it names no known platform
    /// (a script, a bot, an empty header).
    pub fn of(user_agent: Option<&str>) -> DeviceClass {
        let Some(ua) = user_agent.map(str::to_ascii_lowercase).filter(|u| !u.trim().is_empty()) else {
            return DeviceClass::Unknown;
        };
        let has = |words: &[&str]| words.iter().any(|w| ua.contains(w));
        // Tablets first: an Android tablet says "android" without "mobile", an iPad says "ipad".
        if has(&["ipad", "tablet", "kindle", "silk/", "playbook"]) || (ua.contains("android") && !ua.contains("mobi")) {
            return DeviceClass::Tablet;
        }
        if has(&["mobi", "iphone", "ipod", "windows phone", "blackberry", "opera mini", "kaios"]) {
            return DeviceClass::Phone;
        }
        if has(&["windows nt", "macintosh", "mac os x", "x11", "linux", "cros"]) {
            return DeviceClass::Desktop;
        }
        DeviceClass::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::DeviceClass::{self, *};

    #[test]
    fn common_browsers_fall_in_their_class() {
        let cases = [
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", Phone),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36", Phone),
            ("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", Tablet),
            ("Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", Tablet),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", Desktop),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", Desktop),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", Desktop),
            ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", Desktop),
            ("Nokia", Unknown),
            ("curl/8.5.0", Unknown),
            ("", Unknown),
        ];
        for (ua, class) in cases {
            assert_eq!(DeviceClass::of(Some(ua)), class, "{ua}");
        }
        assert_eq!(DeviceClass::of(None), Unknown);
    }

    #[test]
    fn every_class_has_its_own_name() {
        let names: std::collections::BTreeSet<&str> = DeviceClass::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), 4);
        assert_eq!(DeviceClass::Tablet.as_str(), "tablet");
    }
}
