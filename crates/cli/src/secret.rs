//! The installation secret that keys personal links: from KOERS_SECRET_KEY, or a file that is
//! created with a random key on first start and readable only by its owner.

use anyhow::{bail, Context, Result};
use koers_core::settings::{Settings, SECRET_MIN_CHARS};
use rand::RngCore;
use std::io::Write;
use std::path::Path;

pub fn load(settings: &Settings) -> Result<Vec<u8>> {
    if let Some(key) = settings.secret_key.as_deref().filter(|k| !k.is_empty()) {
        if key.len() < SECRET_MIN_CHARS {
            bail!("secret_key must be at least {SECRET_MIN_CHARS} characters");
        }
        return Ok(key.as_bytes().to_vec());
    }
    let path = Path::new(&settings.secret_key_file);
    if path.exists() {
        let key = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the secret key file {}", path.display()))?;
        let key = key.trim();
        if key.len() < SECRET_MIN_CHARS {
            bail!("the secret key file {} holds fewer than {SECRET_MIN_CHARS} characters", path.display());
        }
        return Ok(key.as_bytes().to_vec());
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file =
        options.open(path).with_context(|| format!("cannot create the secret key file {}", path.display()))?;
    file.write_all(key.as_bytes())?;
    tracing::info!(file = %path.display(), "created a new secret key file; keep it with the database backups");
    Ok(key.into_bytes())
}
