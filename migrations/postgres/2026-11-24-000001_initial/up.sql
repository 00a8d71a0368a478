-- The whole domain of koers. Instants are TIMESTAMP holding UTC (see architecture.md);
-- enums are TEXT codes defined in koers-core; JSON is TEXT.

CREATE TABLE studies (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    default_locale TEXT NOT NULL,
    test_mode BOOLEAN NOT NULL DEFAULT FALSE,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    study_id BIGINT NOT NULL REFERENCES studies (id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    group_name TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (study_id, key)
);

CREATE TABLE teams (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, name)
);

-- Research side of a person: no names, no contact details.
CREATE TABLE people (
    id BIGSERIAL PRIMARY KEY,
    study_id BIGINT NOT NULL REFERENCES studies (id),
    team_id BIGINT NOT NULL REFERENCES teams (id),
    role TEXT NOT NULL,
    role_title TEXT,
    gender TEXT,
    locale TEXT NOT NULL,
    phone_status TEXT NOT NULL DEFAULT 'ok',
    phone_failing_since TIMESTAMP,
    phone_failure TEXT,
    ended_at TIMESTAMP,
    end_reason TEXT,
    dropout_type TEXT,
    dropout_date DATE,
    excluded BOOLEAN NOT NULL DEFAULT FALSE,
    exclusion_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX people_team ON people (team_id);

-- Identifying data, apart so that it can be erased at the end of a study.
CREATE TABLE person_identities (
    person_id BIGINT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    study_id BIGINT NOT NULL REFERENCES studies (id),
    first_name TEXT,
    last_name TEXT,
    mobile_phone TEXT,
    email TEXT,
    erased_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (study_id, mobile_phone)
);

-- A student guided by a mentor from starts_on; a handover ends one pair and starts another.
CREATE TABLE pairs (
    id BIGSERIAL PRIMARY KEY,
    student_id BIGINT NOT NULL REFERENCES people (id),
    mentor_id BIGINT NOT NULL REFERENCES people (id),
    starts_on DATE NOT NULL,
    ends_on DATE,
    end_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX pairs_student ON pairs (student_id);
CREATE INDEX pairs_mentor ON pairs (mentor_id);

CREATE TABLE staff_accounts (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_at TIMESTAMP,
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- What a staff account may do where: a whole study, one organisation, or one team.
CREATE TABLE staff_roles (
    id BIGSERIAL PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_accounts (id),
    study_id BIGINT NOT NULL REFERENCES studies (id),
    organisation_id BIGINT REFERENCES organisations (id),
    team_id BIGINT REFERENCES teams (id),
    role TEXT NOT NULL,
    permissions TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_roles_staff ON staff_roles (staff_id);

CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_accounts (id),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- Every version of a definition that was ever loaded, by content hash.
CREATE TABLE questionnaires (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    name TEXT,
    source_path TEXT,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (key, content_hash)
);

CREATE TABLE protocols (
    id BIGSERIAL PRIMARY KEY,
    study_id BIGINT NOT NULL REFERENCES studies (id),
    name TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    role TEXT,
    source_path TEXT,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (study_id, name, content_hash)
);

CREATE TABLE subscriptions (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    protocol_id BIGINT NOT NULL REFERENCES protocols (id),
    filling_out_for_id BIGINT REFERENCES people (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    state TEXT NOT NULL,
    end_reason TEXT,
    ended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX subscriptions_person ON subscriptions (person_id);
CREATE INDEX subscriptions_state ON subscriptions (state);

-- One measurement window of a subscription, and the answers given in it.
CREATE TABLE responses (
    id BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
    measurement_key TEXT NOT NULL,
    occurrence INTEGER NOT NULL,
    questionnaire_key TEXT NOT NULL,
    questionnaire_id BIGINT REFERENCES questionnaires (id),
    open_at TIMESTAMP NOT NULL,
    remind_at TIMESTAMP,
    close_at TIMESTAMP NOT NULL,
    opened_at TIMESTAMP,
    started_at TIMESTAMP,
    completed_at TIMESTAMP,
    completed_utc_offset_minutes INTEGER,
    submission_key TEXT UNIQUE,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (subscription_id, measurement_key, occurrence)
);
CREATE INDEX responses_open ON responses (open_at);

CREATE TABLE link_tokens (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    token_hash TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- The unit of sending: one row per (person, dedupe_key), written before the gateway is called.
CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    response_id BIGINT REFERENCES responses (id),
    dedupe_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    link_token_id BIGINT REFERENCES link_tokens (id),
    claimed_at TIMESTAMP,
    claimed_by TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    sent_at TIMESTAMP,
    delivered_at TIMESTAMP,
    gateway TEXT,
    gateway_message_id TEXT,
    gateway_reference TEXT,
    skip_reason TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, dedupe_key)
);
CREATE INDEX invitations_due ON invitations (status, due_at);

CREATE TABLE delivery_attempts (
    id BIGSERIAL PRIMARY KEY,
    invitation_id BIGINT NOT NULL REFERENCES invitations (id),
    attempt INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome TEXT,
    http_status INTEGER,
    error TEXT,
    gateway_message_id TEXT
);
CREATE INDEX delivery_attempts_invitation ON delivery_attempts (invitation_id);

CREATE TABLE delivery_reports (
    id BIGSERIAL PRIMARY KEY,
    invitation_id BIGINT REFERENCES invitations (id),
    gateway TEXT NOT NULL,
    gateway_message_id TEXT,
    status TEXT NOT NULL,
    reported_at TIMESTAMP,
    received_at TIMESTAMP NOT NULL,
    payload TEXT
);

-- Long form: one row per response and item; value_kind 'not_answered' is distinct from empty.
CREATE TABLE answers (
    id BIGSERIAL PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES responses (id),
    item_id TEXT NOT NULL,
    about_person_id BIGINT REFERENCES people (id),
    value_kind TEXT NOT NULL,
    value_text TEXT,
    value_number DOUBLE PRECISION,
    UNIQUE (response_id, item_id)
);

CREATE TABLE paradata (
    id BIGSERIAL PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES responses (id),
    item_id TEXT NOT NULL,
    touched BOOLEAN NOT NULL,
    change_count INTEGER NOT NULL,
    first_at TIMESTAMP,
    last_at TIMESTAMP,
    UNIQUE (response_id, item_id)
);

CREATE TABLE response_scores (
    id BIGSERIAL PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES responses (id),
    score_id TEXT NOT NULL,
    value DOUBLE PRECISION,
    UNIQUE (response_id, score_id)
);

CREATE TABLE reward_ledger (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    response_id BIGINT UNIQUE REFERENCES responses (id),
    amount_cents BIGINT NOT NULL,
    streak INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reward_ledger_person ON reward_ledger (person_id);

CREATE TABLE consents (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    text_version TEXT NOT NULL,
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    on_withdrawal TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consents_person ON consents (person_id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    actor_staff_id BIGINT REFERENCES staff_accounts (id),
    action TEXT NOT NULL,
    study_id BIGINT REFERENCES studies (id),
    organisation_id BIGINT REFERENCES organisations (id),
    target_kind TEXT,
    target_id BIGINT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Liveness of the recurring jobs, so that a stalled scheduler is visible, not silent.
CREATE TABLE job_runs (
    job TEXT PRIMARY KEY,
    last_started_at TIMESTAMP,
    last_finished_at TIMESTAMP,
    last_ok_at TIMESTAMP,
    last_error TEXT,
    instance TEXT
);
