use super::*;

fn ctx() -> ImportContext {
    ImportContext {
        today: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        known_teams: ["Team Noord", "Team Zuid"].iter().map(|s| s.to_string()).collect(),
        create_teams: false,
        protocols: [("studenten".to_string(), Some(Role::Student)), ("mentoren".to_string(), Some(Role::Mentor))]
            .into_iter()
            .collect(),
        existing: HashMap::new(),
        groups: ["control".to_string(), "at_risk".to_string()].into_iter().collect(),
    }
}

const HEADER: &str = "type,team_name,role_title,first_name,last_name,gender,mobile_phone,email,protocol_name,start_date,filling_out_for,filling_out_for_protocol,end_date\n";

fn plan(body: &str) -> Result<ImportPlan, Vec<String>> {
    plan_people_import(format!("{HEADER}{body}").as_bytes(), &ctx()).map_err(|ps| ps.iter().map(shown).collect())
}

/// A problem as `line: column: key arg=value ...`; its words are the catalogue's (koers-texts
/// renders these same problems in Dutch and English in its tests).
fn shown(p: &ImportProblem) -> String {
    let args: String = p.msg.args.iter().map(|(k, v)| format!(" {k}={v}")).collect();
    match &p.column {
        Some(c) => format!("{}: {c}: {}{args}", p.line, p.msg.key),
        None => format!("{}: {}{args}", p.line, p.msg.key),
    }
}

#[test]
fn students_and_mentors_in_one_file_make_people_subscriptions_and_pairs() {
    let p = plan(
        "Student,Team Noord,Student,Sanne,de Vries,female,06 12345678,,studenten,2026-09-03,,,\n\
         Student,Team Noord,Student,Ahmed,Yilmaz,male,0612345679,,studenten,,,,\n\
         Mentor,Team Noord,Mentor,Joris,Bakker,male,0687654321,j.bakker@school.nl,mentoren,03-09-2026,0612345678,,\n\
         Mentor,Team Noord,Mentor,Joris,Bakker,male,0687654321,j.bakker@school.nl,mentoren,03-09-2026,+31612345679,,\n",
    )
    .unwrap();
    assert_eq!(p.people.len(), 3, "the mentor's two rows are one person");
    assert_eq!(p.people[0].phone, "+31612345678");
    assert_eq!(p.people[2].email.as_deref(), Some("j.bakker@school.nl"));
    assert_eq!(p.pairs.len(), 2);
    assert_eq!(p.subscriptions.len(), 4, "two student subscriptions, one mentor subscription per student");
    let ahmed = p.subscriptions.iter().find(|s| s.phone == "+31612345679" && s.filling_out_for.is_none()).unwrap();
    assert_eq!(ahmed.start, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), "no start date means today");
    assert!(p.new_teams.is_empty());
}

#[test]
fn every_mistake_is_reported_with_its_line_and_column() {
    let errors = plan(
        "Student,Team West,,Sanne,,female,0612345678,,studenten,,,,\n\
         Student,Team Noord,,Ahmed,,male,0612345678,,studenten,,,,\n\
         Student,Team Noord,,Lisa,,vrouw,020 1234567,,studenten,,,,\n\
         Student,Team Noord,,Tim,,m,0612345670,,studentn,31-02-2026,,,\n\
         Mentor,Team Noord,,Joris,,m,0687654321,,mentoren,,0612345677,,\n\
         Teacher,Team Noord,,Eva,,x,0687654322,not-an-email,,,,,\n",
    )
    .unwrap_err();
    let expected = [
        "2: team_name: import-team-unknown team=Team West",
        "3: mobile_phone: import-phone-twice phone=+31612345678 line=2",
        "4: mobile_phone: phone-not-mobile value=020 1234567",
        "5: protocol_name: import-protocol-unknown-suggest suggestion=studenten name=studentn",
        "5: start_date: import-date-invalid value=31-02-2026",
        "6: filling_out_for: import-not-a-student phone=+31612345677",
        "7: type: import-type-unknown value=Teacher",
        "7: email: import-email-invalid value=not-an-email",
    ];
    assert_eq!(errors, expected);
}

#[test]
fn header_mistakes_name_the_column_and_suggest_the_right_one() {
    let errors = plan_people_import(b"type,team_name,first_name,mobile_phon\n", &ctx()).unwrap_err();
    let text: Vec<String> = errors.iter().map(shown).collect();
    assert!(text[0].starts_with("1: mobile_phon: import-column-unknown-suggest suggestion=mobile_phone"), "{text:?}");
    assert_eq!(text[1], "1: mobile_phone: import-column-missing");
}

#[test]
fn semicolon_files_from_dutch_spreadsheets_and_a_bom_are_read() {
    let data = "\u{feff}type;team_name;first_name;mobile_phone\nStudent;Team Zuid;Noor;0611111111\n";
    let p = plan_people_import(data.as_bytes(), &ctx()).unwrap();
    assert_eq!(p.people[0].first_name, "Noor");
}

#[test]
fn with_create_teams_unknown_teams_are_planned() {
    let mut c = ctx();
    c.create_teams = true;
    let p =
        plan_people_import(b"type,team_name,first_name,mobile_phone\nStudent,Team Oost,Noor,0611111111\n", &c).unwrap();
    assert_eq!(p.new_teams, vec!["Team Oost".to_string()]);
}

#[test]
fn a_mentor_may_point_at_a_student_enrolled_earlier_but_not_take_their_number() {
    let mut c = ctx();
    c.existing.insert("+31612345678".into(), Role::Student);
    let ok = plan_people_import(
        b"type,team_name,first_name,mobile_phone,filling_out_for\nMentor,Team Noord,Joris,0687654321,0612345678\n",
        &c,
    )
    .unwrap();
    assert_eq!(ok.pairs.len(), 1);
    let err = plan_people_import(b"type,team_name,first_name,mobile_phone\nMentor,Team Noord,Joris,0612345678\n", &c)
        .unwrap_err();
    assert_eq!(
        shown(&err[0]),
        "2: mobile_phone: import-phone-other-role phone=+31612345678 existing=student role=mentor"
    );
}

#[test]
fn protocols_for_the_other_role_and_dates_in_the_wrong_order_are_refused() {
    let errors = plan("Student,Team Noord,,Sanne,,,0612345678,,mentoren,2026-09-10,,,2026-09-01\n").unwrap_err();
    assert_eq!(
        errors,
        [
            "2: protocol_name: import-protocol-wrong-role name=mentoren for_role=mentor role=student",
            "2: end_date: import-end-before-start end=2026-09-01 start=2026-09-10",
        ]
    );
}

#[test]
fn non_utf8_and_oversized_files_get_one_clear_problem() {
    let err = plan_people_import(
        b"type,team_name,first_name,mobile_phone\nStudent,Team Noord,J\xe9r\xf4me,0611111111\n",
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(err[0].line, 2);
    assert_eq!(err[0].msg.key, "import-not-utf8");
    let big = vec![b'a'; MAX_BYTES + 1];
    assert_eq!(plan_people_import(&big, &ctx()).unwrap_err()[0].msg.key, "import-file-too-large");
}

#[test]
fn a_mentor_described_twice_differently_is_an_error() {
    let errors = plan(
        "Student,Team Noord,,Sanne,,,0612345678,,,,,,\n\
         Student,Team Noord,,Ahmed,,,0612345679,,,,,,\n\
         Mentor,Team Noord,,Joris,Bakker,,0687654321,,,,0612345678,,\n\
         Mentor,Team Zuid,,Joris,Bakker,,0687654321,,,,0612345679,,\n",
    )
    .unwrap_err();
    assert_eq!(errors, ["5: team_name: import-mentor-differs line=4 column=team_name"]);
}

#[test]
fn a_group_column_sets_a_persons_group_and_only_to_one_of_the_studys() {
    let header = "type,team_name,first_name,mobile_phone,group\n";
    let ok = plan_people_import(
        format!("{header}Student,Team Noord,Sanne,0612345678,at_risk\nStudent,Team Noord,Ahmed,0612345679,\n")
            .as_bytes(),
        &ctx(),
    )
    .unwrap();
    assert_eq!(ok.people[0].group.as_deref(), Some("at_risk"));
    assert_eq!(ok.people[1].group, None, "an empty cell: the organisation's group");
    let bad = plan_people_import(format!("{header}Student,Team Noord,Sanne,0612345678,stayers\n").as_bytes(), &ctx())
        .unwrap_err();
    assert_eq!((bad[0].line, bad[0].column.as_deref(), bad[0].msg.key), (2, Some("group"), "import-group-unknown"));
    assert_eq!(bad[0].msg.args, vec![("value", "stayers".to_string()), ("known", "at_risk, control".to_string())]);
}
