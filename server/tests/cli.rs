//! The `segnala` binary's commands: `--help`, `admin create` for the first administrator, `sweep-photos`, and
//! `stats refresh | rebuild | report`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use backend::testing::TestDb;

fn segnala(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    segnala_with(db, args, stdin, &[])
}

/// [`segnala`] with more settings in its environment.
fn segnala_with(db: &TestDb, args: &[&str], stdin: Option<&str>, vars: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_segnala"))
        .args(args)
        .envs(vars.iter().copied())
        .env("DATABASE_URL", &db.url)
        // Cheap hashing for the test; the command uses the server's settings.
        .env("SEGNALA_PASSWORD_MEMORY_KIB", "1024")
        .env("SEGNALA_PASSWORD_ITERATIONS", "1")
        .env_remove("SEGNALA_ADMIN_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run segnala");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("segnala ran")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn help_lists_the_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_segnala"))
        .arg("--help")
        .output()
        .expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for command in [
        "serve",
        "migrate",
        "check-db",
        "seed-demo",
        "sweep-photos",
        "admin",
    ] {
        assert!(help.contains(command), "{command} in:\n{help}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_segnala"))
        .args(["admin", "create", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--email") && help.contains("--password-stdin") && help.contains("urp-operator"),
        "{help}"
    );
    // The password rules, with the policy's own figures.
    let rules = format!(
        "{} to {} characters",
        shared::user::PASSWORD_MIN,
        shared::user::PASSWORD_MAX
    );
    assert!(
        help.contains(&rules) && help.contains("common password"),
        "{help}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_segnala"))
        .arg("nonsense")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand"));
}

#[tokio::test]
async fn admin_create_makes_the_first_administrator() {
    let db = TestDb::new().await;
    let out = segnala(
        &db,
        &[
            "admin",
            "create",
            "--email",
            "Giulia.Ferri@Comune.example.it",
            "--name",
            "Giulia Ferri",
            "--password-stdin",
        ],
        Some("cavallo batteria graffetta\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("giulia.ferri@comune.example.it (administrator)"));
    let (role, confirmed): (String, bool) =
        sqlx::query_as("select role::text, email_confirmed_at is not null from app_user")
            .fetch_one(&db.pool)
            .await
            .expect("row");
    assert_eq!((role.as_str(), confirmed), ("administrator", true));
    let state = db.state();
    backend::users::login(
        &state,
        "giulia.ferri@comune.example.it",
        "cavallo batteria graffetta",
        None,
        &Default::default(),
    )
    .await
    .expect("the new administrator signs in");

    // The same address again, a weak password, an unknown office: clear errors, nothing created.
    let again = segnala(
        &db,
        &[
            "admin",
            "create",
            "--email",
            "giulia.ferri@comune.example.it",
            "--name",
            "Altra",
        ],
        None,
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("already in use"), "{}", text(&again));
    let weak = segnala(
        &db,
        &[
            "admin",
            "create",
            "--email",
            "b@comune.example.it",
            "--name",
            "Bruno",
            "--password-stdin",
        ],
        Some("password1234\n"),
    );
    assert!(!weak.status.success());
    assert!(text(&weak).contains("too easy to guess"), "{}", text(&weak));
    let office = segnala(
        &db,
        &[
            "admin",
            "create",
            "--email",
            "c@comune.example.it",
            "--name",
            "Carla",
            "--role",
            "office-staff",
            "--office",
            "Nessuno",
        ],
        None,
    );
    assert!(!office.status.success());
    assert!(
        text(&office).contains("no office \"Nessuno\""),
        "{}",
        text(&office)
    );

    // Without a password, one is generated and shown once.
    let generated = segnala(
        &db,
        &[
            "admin",
            "create",
            "--email",
            "d@comune.example.it",
            "--name",
            "Dario",
            "--role",
            "observer",
        ],
        None,
    );
    assert!(generated.status.success(), "{}", text(&generated));
    assert!(text(&generated).contains("password (shown once"));
    let list = segnala(&db, &["admin", "list"], None);
    assert!(text(&list).contains("giulia.ferri@comune.example.it") && text(&list).contains("observer"));
    let n: i64 = sqlx::query_scalar("select count(*) from app_user")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(n, 2);
}

#[tokio::test]
async fn sweep_photos_removes_old_files_without_a_report() {
    let db = TestDb::new().await;
    let state = db.state();
    // A photo stored by a submission that never committed, an hour ago.
    let photo = backend::photos::process(&backend::photos::gradient_png(64, 48)).expect("photo");
    let stored = backend::photos::store_all(&state.photos, vec![photo])
        .await
        .expect("store");
    for key in [&stored[0].key, &stored[0].thumb_key] {
        let path = db.photos_dir().join(key);
        let ok = Command::new("touch")
            .arg("-d")
            .arg("1 hour ago")
            .arg(&path)
            .status()
            .expect("touch");
        assert!(ok.success());
    }
    assert_eq!(state.photos.count().await.expect("count"), 2);
    let out = Command::new(env!("CARGO_BIN_EXE_segnala"))
        .arg("sweep-photos")
        .env("DATABASE_URL", &db.url)
        .env("SEGNALA_PHOTOS", db.photos_dir())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("2 orphan photo files removed"),
        "{}",
        text(&out)
    );
    assert_eq!(state.photos.count().await.expect("count"), 0);
}

/// `segnala stats refresh | rebuild | report PERIOD`: the figures an operator refreshes or rebuilds by hand, and a
/// period's report written once (a second run says it exists; a bad or unfinished period is refused by name).
#[tokio::test]
async fn stats_commands_refresh_rebuild_and_write_a_period_once() {
    use chrono::{Datelike, Duration, TimeZone, Utc};

    let db = TestDb::new().await;
    let (roads, _, _) = backend::testing::reporting_town(&db.pool).await;
    // Three reports in the middle of last month.
    let now = Utc::now();
    let this_month = Utc
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .expect("first of the month");
    let at = this_month - Duration::days(15);
    let label = at.format("%Y-%m").to_string();
    for i in 0..3 {
        backend::testing::create_report_at(
            &db.pool,
            shared::CategoryId(roads),
            &format!("Buca numero {i}"),
            45.40,
            11.86,
            at,
            true,
        )
        .await;
    }
    let received = || async {
        sqlx::query_scalar::<_, i32>("select received from stats_window where scope = 'all'")
            .fetch_optional(&db.pool)
            .await
            .expect("window row")
    };

    let out = segnala(&db, &["stats", "refresh"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("statistics refreshed: 3 reports"),
        "{}",
        text(&out)
    );
    assert_eq!(received().await, Some(3));
    let out = segnala(&db, &["stats", "refresh"], None);
    assert!(
        text(&out).contains("statistics refreshed: 0 reports"),
        "{}",
        text(&out)
    );

    // A rebuild from nothing gives the same figures.
    sqlx::query("delete from stats_window")
        .execute(&db.pool)
        .await
        .expect("empty the window");
    let out = segnala(&db, &["stats", "rebuild"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("statistics rebuilt"), "{}", text(&out));
    assert_eq!(received().await, Some(3));

    // Last month's report, once.
    let out = segnala(&db, &["stats", "report", &label], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("report of {label} written")),
        "{}",
        text(&out)
    );
    let out = segnala(&db, &["stats", "report", &label], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("exists"), "{}", text(&out));
    let (count, generation, total): (i64, i32, i64) = sqlx::query_as(
        "select count(*), max(generation), max((data->'total'->>'received')::bigint) from period_report
         where kind = 'month' and period_start = $1",
    )
    .bind(at.date_naive().with_day(1).expect("first day"))
    .fetch_one(&db.pool)
    .await
    .expect("period report");
    assert_eq!((count, generation, total), (1, 1, 3));

    // A month that does not exist, and one that has not ended: refused, nothing written.
    let out = segnala(&db, &["stats", "report", "2026-13"], None);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("2026-03"),
        "the expected form is named: {}",
        text(&out)
    );
    let current = now.format("%Y-%m").to_string();
    let out = segnala(&db, &["stats", "report", &current], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("not ended"), "{}", text(&out));
    let reports: i64 = sqlx::query_scalar("select count(*) from period_report")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(reports, 1);
}

/// `SEGNALA_MIGRATE=false` keeps the `stats` and `admin` commands from migrating (a read-only replica, or a
/// schema managed by hand): with the migrations' record gone, they still run; without the setting they try to
/// migrate and fail on the tables that exist.
#[tokio::test]
async fn stats_and_admin_commands_honour_segnala_migrate_false() {
    let db = TestDb::new().await;
    sqlx::query("drop table _sqlx_migrations")
        .execute(&db.pool)
        .await
        .expect("forget the migrations");
    for args in [&["stats", "refresh"][..], &["admin", "list"][..]] {
        let out = segnala_with(&db, args, None, &[("SEGNALA_MIGRATE", "false")]);
        assert!(
            out.status.success(),
            "{args:?} with SEGNALA_MIGRATE=false: {}",
            text(&out)
        );
        let out = segnala(&db, args, None);
        assert!(
            !out.status.success(),
            "{args:?} migrated over existing tables: {}",
            text(&out)
        );
    }
}

/// On a terminal, `--password-stdin` asks twice with the echo off (nothing typed appears on the screen), refuses
/// two different passwords; and `admin create` run in any folder leaves no photo folder there.
#[tokio::test]
async fn admin_create_prompts_without_echo_on_a_terminal_and_leaves_no_folder_behind() {
    use std::io::Read;
    use std::os::fd::OwnedFd;

    let db = TestDb::new().await;
    let folder = std::env::temp_dir().join(format!("segnala-cli-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");

    // The screen of a terminal: what the program wrote plus what the terminal echoed of the typing.
    let run = |email: &str, lines: [&str; 2]| -> (bool, String) {
        let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
        let tty = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("fd"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_segnala"))
            .args([
                "admin",
                "create",
                "--email",
                email,
                "--name",
                "Anna Neri",
                "--password-stdin",
            ])
            .current_dir(&folder)
            .env("DATABASE_URL", &db.url)
            .env("SEGNALA_PASSWORD_MEMORY_KIB", "1024")
            .env("SEGNALA_PASSWORD_ITERATIONS", "1")
            .env_remove("SEGNALA_PHOTOS")
            .stdin(tty(&pty.slave))
            .stdout(tty(&pty.slave))
            .stderr(tty(&pty.slave))
            .spawn()
            .expect("run segnala");
        drop(pty.slave);
        let mut master = std::fs::File::from(pty.master);
        let mut screen = String::new();
        let mut buf = [0u8; 4096];
        // Answer each prompt once it is on the screen (typing earlier would be echoed before the echo is off).
        for (prompt, line) in ["Password (not shown): ", "Again, to check: "].iter().zip(lines) {
            while !screen.contains(prompt) {
                let n = master.read(&mut buf).expect("read the terminal");
                assert!(n > 0, "the prompt {prompt:?} never came: {screen}");
                screen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            master.write_all(format!("{line}\n").as_bytes()).expect("type");
            screen.push_str("|typed|");
        }
        // The rest, until the program closes the terminal (EIO on Linux once the last slave is closed).
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            screen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        (child.wait().expect("segnala ran").success(), screen)
    };

    let (ok, screen) = run(
        "anna.neri@comune.example.it",
        ["tartaruga lampione 42", "tartaruga lampione 42"],
    );
    assert!(ok, "{screen}");
    assert!(!screen.contains("tartaruga"), "the password was echoed: {screen}");
    assert!(
        screen.contains("anna.neri@comune.example.it (administrator)"),
        "{screen}"
    );

    let (ok, screen) = run(
        "bruno@comune.example.it",
        ["tartaruga lampione 42", "tartaruga lampione 43"],
    );
    assert!(!ok && screen.contains("the two passwords differ"), "{screen}");
    let n: i64 = sqlx::query_scalar("select count(*) from app_user")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(n, 1);

    assert!(
        !folder.join("data").exists(),
        "admin create left a folder in its working directory"
    );
    std::fs::remove_dir_all(&folder).ok();
}
