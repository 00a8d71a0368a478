// Diesel schema shared by both backends: common SQL types only (see architecture.md).
// Keep in step with migrations/{sqlite,postgres}; a test compares both databases' schemas.

diesel::table! {
    studies (id) {
        id -> BigInt,
        key -> Text,
        name -> Text,
        time_zone -> Text,
        default_locale -> Text,
        test_mode -> Bool,
        settings -> Text,
        created_at -> Timestamp,
        clock_offset_micros -> BigInt,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        study_id -> BigInt,
        key -> Text,
        name -> Text,
        group_name -> Nullable<Text>,
        created_at -> Timestamp,
        mentor_title -> Text,
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        study_id -> BigInt,
        team_id -> BigInt,
        role -> Text,
        role_title -> Nullable<Text>,
        gender -> Nullable<Text>,
        locale -> Text,
        phone_status -> Text,
        phone_failing_since -> Nullable<Timestamp>,
        phone_failure -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
        dropout_type -> Nullable<Text>,
        dropout_date -> Nullable<Date>,
        excluded -> Bool,
        exclusion_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        link_generation -> Integer,
        paused_until -> Nullable<Timestamp>,
        dropout_next -> Nullable<Text>,
        group_name -> Nullable<Text>,
    }
}

diesel::table! {
    person_identities (person_id) {
        person_id -> BigInt,
        study_id -> BigInt,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        mobile_phone -> Nullable<Text>,
        email -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        guardian_phone -> Nullable<Text>,
    }
}

diesel::table! {
    pairs (id) {
        id -> BigInt,
        student_id -> BigInt,
        mentor_id -> BigInt,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        end_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    staff_accounts (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        totp_secret -> Nullable<Text>,
        is_admin -> Bool,
        disabled_at -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        tokens_not_before -> Nullable<Timestamp>,
        totp_confirmed_at -> Nullable<Timestamp>,
        totp_last_step -> Nullable<BigInt>,
        locale -> Text,
    }
}

diesel::table! {
    staff_recovery_codes (id) {
        id -> BigInt,
        staff_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    staff_roles (id) {
        id -> BigInt,
        staff_id -> BigInt,
        study_id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        team_id -> Nullable<BigInt>,
        role -> Text,
        permissions -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        staff_id -> BigInt,
        name -> Text,
        key_hash -> Text,
        scopes -> Text,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    questionnaires (id) {
        id -> BigInt,
        key -> Text,
        content_hash -> Text,
        name -> Nullable<Text>,
        source_path -> Nullable<Text>,
        content -> Text,
        created_at -> Timestamp,
        study_id -> BigInt,
    }
}

diesel::table! {
    protocols (id) {
        id -> BigInt,
        study_id -> BigInt,
        name -> Text,
        content_hash -> Text,
        role -> Nullable<Text>,
        source_path -> Nullable<Text>,
        content -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> BigInt,
        person_id -> BigInt,
        protocol_id -> BigInt,
        filling_out_for_id -> Nullable<BigInt>,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        state -> Text,
        end_reason -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    responses (id) {
        id -> BigInt,
        subscription_id -> BigInt,
        measurement_key -> Text,
        occurrence -> Integer,
        questionnaire_key -> Text,
        questionnaire_id -> Nullable<BigInt>,
        open_at -> Timestamp,
        remind_at -> Nullable<Timestamp>,
        close_at -> Timestamp,
        opened_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        completed_utc_offset_minutes -> Nullable<Integer>,
        submission_key -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    link_tokens (id) {
        id -> BigInt,
        person_id -> BigInt,
        token_hash -> Text,
        purpose -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        person_id -> BigInt,
        response_id -> Nullable<BigInt>,
        dedupe_key -> Text,
        kind -> Text,
        channel -> Text,
        status -> Text,
        due_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        link_token_id -> Nullable<BigInt>,
        claimed_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        gateway -> Nullable<Text>,
        gateway_message_id -> Nullable<Text>,
        gateway_reference -> Nullable<Text>,
        skip_reason -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    delivery_attempts (id) {
        id -> BigInt,
        invitation_id -> BigInt,
        attempt -> Integer,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
        http_status -> Nullable<Integer>,
        error -> Nullable<Text>,
        gateway_message_id -> Nullable<Text>,
    }
}

diesel::table! {
    delivery_reports (id) {
        id -> BigInt,
        invitation_id -> Nullable<BigInt>,
        gateway -> Text,
        gateway_message_id -> Nullable<Text>,
        status -> Text,
        reported_at -> Nullable<Timestamp>,
        received_at -> Timestamp,
        payload -> Nullable<Text>,
        report_key -> Nullable<Text>,
    }
}

diesel::table! {
    answers (id) {
        id -> BigInt,
        response_id -> BigInt,
        item_id -> Text,
        about_person_id -> Nullable<BigInt>,
        value_kind -> Text,
        value_text -> Nullable<Text>,
        value_number -> Nullable<Double>,
    }
}

diesel::table! {
    paradata (id) {
        id -> BigInt,
        response_id -> BigInt,
        item_id -> Text,
        touched -> Bool,
        change_count -> Integer,
        first_at -> Nullable<Timestamp>,
        last_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    response_scores (id) {
        id -> BigInt,
        response_id -> BigInt,
        score_id -> Text,
        value -> Nullable<Double>,
    }
}

diesel::table! {
    reward_ledger (id) {
        id -> BigInt,
        person_id -> BigInt,
        response_id -> Nullable<BigInt>,
        amount_cents -> BigInt,
        streak -> Integer,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consents (id) {
        id -> BigInt,
        person_id -> BigInt,
        kind -> Text,
        text_version -> Text,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        on_withdrawal -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        actor_staff_id -> Nullable<BigInt>,
        action -> Text,
        study_id -> Nullable<BigInt>,
        organisation_id -> Nullable<BigInt>,
        target_kind -> Nullable<Text>,
        target_id -> Nullable<BigInt>,
        details -> Text,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        kind -> Text,
        person_id -> Nullable<BigInt>,
        staff_id -> Nullable<BigInt>,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_seen_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_runs (job) {
        job -> Text,
        last_started_at -> Nullable<Timestamp>,
        last_finished_at -> Nullable<Timestamp>,
        last_ok_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        instance -> Nullable<Text>,
    }
}

diesel::table! {
    invitation_responses (invitation_id, response_id) {
        invitation_id -> BigInt,
        response_id -> BigInt,
    }
}

diesel::table! {
    response_drafts (response_id) {
        response_id -> BigInt,
        fields -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(response_drafts -> responses (response_id));
diesel::joinable!(invitation_responses -> invitations (invitation_id));
diesel::joinable!(invitation_responses -> responses (response_id));
diesel::joinable!(organisations -> studies (study_id));
diesel::joinable!(teams -> organisations (organisation_id));
diesel::joinable!(people -> studies (study_id));
diesel::joinable!(people -> teams (team_id));
diesel::joinable!(person_identities -> people (person_id));
diesel::joinable!(person_identities -> studies (study_id));
diesel::joinable!(pairs -> people (student_id));
diesel::joinable!(staff_roles -> staff_accounts (staff_id));
diesel::joinable!(staff_roles -> studies (study_id));
diesel::joinable!(staff_roles -> organisations (organisation_id));
diesel::joinable!(staff_roles -> teams (team_id));
diesel::joinable!(api_keys -> staff_accounts (staff_id));
diesel::joinable!(staff_recovery_codes -> staff_accounts (staff_id));
diesel::joinable!(protocols -> studies (study_id));
diesel::joinable!(subscriptions -> people (person_id));
diesel::joinable!(subscriptions -> protocols (protocol_id));
diesel::joinable!(responses -> subscriptions (subscription_id));
diesel::joinable!(responses -> questionnaires (questionnaire_id));
diesel::joinable!(link_tokens -> people (person_id));
diesel::table! {
    feedback_shown (id) {
        id -> BigInt,
        study_id -> BigInt,
        kind -> Text,
        about_person_id -> BigInt,
        shown_to_person_id -> Nullable<BigInt>,
        shown_to_staff_id -> Nullable<BigInt>,
        rule -> Nullable<Text>,
        construct -> Nullable<Text>,
        calendar_week -> Text,
        shown_at -> Timestamp,
    }
}

diesel::joinable!(invitations -> people (person_id));
diesel::joinable!(invitations -> responses (response_id));
diesel::joinable!(invitations -> link_tokens (link_token_id));
diesel::joinable!(delivery_attempts -> invitations (invitation_id));
diesel::joinable!(delivery_reports -> invitations (invitation_id));
diesel::joinable!(answers -> responses (response_id));
diesel::joinable!(answers -> people (about_person_id));
diesel::joinable!(paradata -> responses (response_id));
diesel::joinable!(response_scores -> responses (response_id));
diesel::joinable!(reward_ledger -> people (person_id));
diesel::joinable!(reward_ledger -> responses (response_id));
diesel::joinable!(consents -> people (person_id));
diesel::joinable!(web_sessions -> people (person_id));
diesel::joinable!(web_sessions -> staff_accounts (staff_id));
diesel::joinable!(audit_log -> staff_accounts (actor_staff_id));
diesel::joinable!(audit_log -> studies (study_id));
diesel::joinable!(audit_log -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    studies,
    organisations,
    teams,
    people,
    person_identities,
    pairs,
    staff_accounts,
    staff_roles,
    staff_recovery_codes,
    api_keys,
    questionnaires,
    protocols,
    subscriptions,
    responses,
    link_tokens,
    invitations,
    invitation_responses,
    response_drafts,
    delivery_attempts,
    delivery_reports,
    answers,
    paradata,
    response_scores,
    reward_ledger,
    consents,
    audit_log,
    web_sessions,
    job_runs,
    feedback_shown,
);
