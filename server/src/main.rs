//! `segnala`: the server binary and its operator commands (`segnala --help`).
// Leptos views are deeply nested types; the report page passes the compiler's default depth.
#![recursion_limit = "256"]

use std::io::BufRead;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use server::{Application, Config, telemetry};
use shared::{Locale, Role};

/// Segnala: citizens' reports to the municipality, on a map.
///
/// Configuration comes from environment variables (DATABASE_URL is required); see docs/configuration.md.
#[derive(Parser)]
#[command(name = "segnala", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default when no command is given).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Check that the database is reachable and has a recent enough PostGIS.
    CheckDb,
    /// Load the demo municipality (Padova) unless one is loaded, and print the demo accounts.
    SeedDemo {
        /// How many demo reports to generate.
        #[arg(long, default_value_t = 3000)]
        reports: usize,
    },
    /// Remove photo files no report refers to (every day's folder; files younger than 15 minutes are left to
    /// submissions in flight), and reports never confirmed by email past their time. The server does both for
    /// recent days every ten minutes; this is for operators, after a restore or a crash long ago.
    SweepPhotos,
    /// Transparency statistics and periodic reports.
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
    /// Manage accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum StatsCommand {
    /// Recompute the statistics from every report's timeline (after a bulk load or a restore).
    Rebuild,
    /// Apply the changes queued since the last refresh (the server does it every SEGNALA_STATS_REFRESH_SECONDS).
    Refresh,
    /// Write the periodic report of a month (`2026-03`) or a year (`2026`) unless it is written.
    Report {
        /// The period: `YYYY-MM` or `YYYY`.
        period: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a confirmed account: the first administrator, or any member of staff.
    Create(CreateArgs),
    /// List the staff accounts.
    List,
}

#[derive(Args)]
struct CreateArgs {
    /// Their email address (also what they sign in with).
    #[arg(long)]
    email: String,
    /// Their name as it signs timeline entries, e.g. "ing. Maria Rossi".
    #[arg(long)]
    name: String,
    #[arg(long, value_enum, default_value_t = RoleArg::Administrator)]
    role: RoleArg,
    /// An office they work for, by id or exact name (repeat for several; office managers and staff need one).
    #[arg(long = "office")]
    offices: Vec<String>,
    /// The contractor (ditta esterna) they work for, by exact name (contractor role only).
    #[arg(long)]
    contractor: Option<String>,
    /// Language of their emails.
    #[arg(long, value_enum, default_value_t = LangArg::It)]
    lang: LangArg,
    #[arg(long, help = password_help())]
    password_stdin: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Administrator,
    UrpOperator,
    OfficeManager,
    OfficeStaff,
    Contractor,
    Moderator,
    Observer,
    Citizen,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Administrator => Role::Administrator,
            RoleArg::UrpOperator => Role::UrpOperator,
            RoleArg::OfficeManager => Role::OfficeManager,
            RoleArg::OfficeStaff => Role::OfficeStaff,
            RoleArg::Contractor => Role::Contractor,
            RoleArg::Moderator => Role::Moderator,
            RoleArg::Observer => Role::Observer,
            RoleArg::Citizen => Role::Citizen,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    It,
    En,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("segnala: error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config.clone()).await?;
            tracing::info!(
                port = app.port(),
                "Segnala is listening on http://{}",
                config.addr
            );
            app.run_until_stopped().await
        }
        Command::Migrate => {
            let pool = connect(&config).await?;
            backend::db::migrate(&pool).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::CheckDb => {
            connect(&config).await?;
            println!("database ok: {}", backend::db::redact(&config.database_url));
            Ok(())
        }
        Command::SeedDemo { reports } => seed_demo(&config, reports).await,
        Command::SweepPhotos => {
            let pool = connect(&config).await?;
            let state = backend::State::new(pool, config.settings.clone())?;
            let purged = backend::reports::intake::purge_unconfirmed(&state).await?;
            let grace = state.settings.reports.orphan_grace;
            let removed = backend::photos::sweep_orphans(&state, grace, true).await?;
            println!("{purged} unconfirmed reports purged; {removed} orphan photo files removed");
            Ok(())
        }
        Command::Stats { command } => {
            let pool = connect(&config).await?;
            if config.migrate_on_start {
                backend::db::migrate(&pool).await?;
            }
            let state = backend::State::new(pool, config.settings.clone())?;
            let started = std::time::Instant::now();
            match command {
                StatsCommand::Rebuild => {
                    let r = backend::stats::rebuild(&state).await?;
                    println!(
                        "statistics rebuilt: {} scopes from {} rows in {:.1} s",
                        r.scopes,
                        r.rows_read,
                        started.elapsed().as_secs_f64()
                    );
                }
                StatsCommand::Refresh => {
                    let r = backend::stats::refresh(&state).await?;
                    println!(
                        "statistics refreshed: {} reports, {} scopes, {} rows in {:.3} s",
                        r.reports,
                        r.scopes,
                        r.rows_read,
                        started.elapsed().as_secs_f64()
                    );
                }
                StatsCommand::Report { period } => {
                    let (kind, first) = shared::stats::parse_period(&period)
                        .map_err(|e| anyhow::anyhow!("{}", e.message(shared::Locale::En)))?;
                    backend::stats::refresh(&state).await?;
                    let existed = !backend::stats::period::generate(&state, kind, first, None)
                        .await
                        .map_err(|e| match e {
                            // Said as the pages say it: "The period given has not ended yet."
                            backend::Error::Invalid(v) => {
                                anyhow::anyhow!("{}", v.message(shared::Locale::En))
                            }
                            other => other.into(),
                        })?;
                    if existed {
                        println!("the report of {period} exists: regenerate it from the administration page");
                    } else {
                        println!("report of {period} written");
                    }
                }
            }
            Ok(())
        }
        Command::Admin { command } => {
            let pool = connect(&config).await?;
            if config.migrate_on_start {
                backend::db::migrate(&pool).await?;
            }
            let state = backend::State::new(pool, config.settings.clone())?;
            match command {
                AdminCommand::Create(args) => create_account(&state, args).await,
                AdminCommand::List => list_staff(&state).await,
            }
        }
    }
}

async fn connect(config: &Config) -> anyhow::Result<sqlx::PgPool> {
    let pool = backend::db::connect(&config.database_url, 2).await?;
    backend::db::check_server(&pool).await?;
    Ok(pool)
}

async fn seed_demo(config: &Config, reports: usize) -> anyhow::Result<()> {
    let opts = backend::seed::DemoOptions {
        reports,
        ..Default::default()
    };
    let pool = connect(config).await?;
    backend::db::migrate(&pool).await?;
    let hasher = backend::users::password::Hasher::new(&config.settings.password);
    let mut conn = pool.acquire().await?;
    let summary = backend::seed::load_demo(&mut conn, &hasher, &opts).await?;
    if summary.created {
        println!(
            "demo municipality loaded: {} districts, {} offices, {} categories, {} reports, {} timeline entries, {} accounts",
            summary.districts,
            summary.offices,
            summary.categories,
            summary.reports,
            summary.updates,
            summary.accounts
        );
    } else {
        println!("demo municipality already present: nothing to do");
    }
    if summary.created {
        // The figures and the reports of the periods just ended, at once rather than at the server's first tick.
        let state = backend::State::new(pool.clone(), config.settings.clone())?;
        let r = backend::stats::rebuild(&state).await?;
        let n = backend::stats::period::generate_due(&state, chrono::Utc::now()).await?;
        println!(
            "statistics computed ({} scopes); {n} periodic reports written",
            r.scopes
        );
    }
    let accounts = backend::seed::accounts::present(&mut conn).await?;
    if accounts.is_empty() {
        println!(
            "no demo accounts in this database (loaded by an older version): `scripts/run --reset` reloads the demo"
        );
    } else {
        println!("demo accounts (sign in at /accedi; demo passwords, never use them elsewhere):");
        for a in accounts {
            println!("  {:<15} {:<36} {}", a.role.as_str(), a.email, a.password);
        }
    }
    Ok(())
}

/// `--password-stdin`'s help: where the password comes from, and the rules it must meet (the policy's own
/// figures).
fn password_help() -> String {
    format!(
        "Read the password from standard input: asked twice without echo on a terminal, otherwise the first line \
         (without the option: SEGNALA_ADMIN_PASSWORD, else a strong one is generated and printed once). A password \
         has {} to {} characters (a passphrase of a few words is best), is not one character repeated, a sequence, \
         the email address or a common password",
        shared::user::PASSWORD_MIN,
        shared::user::PASSWORD_MAX
    )
}

/// The password from standard input: on a terminal, asked twice with the echo off; otherwise its first line.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = prompt_hidden("Password (not shown): ")?;
    let again = prompt_hidden("Again, to check: ")?;
    anyhow::ensure!(first == again, "the two passwords differ: nothing created");
    Ok(first)
}

/// One line from the terminal with its echo off (restored afterwards).
fn prompt_hidden(prompt: &str) -> anyhow::Result<String> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    use std::io::Write;
    let stdin = std::io::stdin();
    let before = tcgetattr(&stdin).context("reading the terminal's settings")?;
    let mut quiet = before.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    quiet.local_flags.insert(LocalFlags::ECHONL);
    // The echo off before the prompt shows: whoever types on seeing it is never echoed.
    tcsetattr(&stdin, SetArg::TCSANOW, &quiet).context("turning the terminal's echo off")?;
    eprint!("{prompt}");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    tcsetattr(&stdin, SetArg::TCSANOW, &before).context("turning the terminal's echo back on")?;
    read.context("reading the password from the terminal")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A strong random password (for an administrator created without one), 24 characters.
fn generated_password() -> String {
    backend::secrets::new_token().chars().take(24).collect()
}

async fn create_account(state: &backend::State, args: CreateArgs) -> anyhow::Result<()> {
    let mut offices = Vec::new();
    for o in &args.offices {
        let id = backend::admin::office_by_id_or_name(state, o).await?;
        offices.push(id.with_context(|| format!("no office {o:?} (give its id or exact name)"))?);
    }
    let contractor = match &args.contractor {
        Some(name) => Some(
            backend::admin::contractor_by_name(state, name)
                .await?
                .with_context(|| format!("no contractor named {name:?}"))?,
        ),
        None => None,
    };
    let (password, generated) = if args.password_stdin {
        (read_password()?, false)
    } else if let Ok(p) = std::env::var("SEGNALA_ADMIN_PASSWORD") {
        (p, false)
    } else {
        (generated_password(), true)
    };
    let new = backend::users::NewAccount {
        email: args.email,
        name: args.name,
        password: password.clone(),
        role: args.role.into(),
        offices,
        contractor,
        locale: match args.lang {
            LangArg::It => Locale::It,
            LangArg::En => Locale::En,
        },
    };
    let id = backend::users::create_account(state, None, &new, true)
        .await
        .map_err(|e| match e {
            backend::Error::Invalid(v) => anyhow::anyhow!("{}", v.message(Locale::En)),
            other => anyhow::anyhow!(other),
        })?;
    println!(
        "account {} created: {} ({})",
        id,
        new.email.trim().to_lowercase(),
        new.role.as_str()
    );
    if generated {
        println!("password (shown once, change it after signing in): {password}");
    }
    Ok(())
}

async fn list_staff(state: &backend::State) -> anyhow::Result<()> {
    let rows = backend::admin::staff_list(state).await?;
    if rows.is_empty() {
        println!(
            "no staff accounts yet: create the first administrator with `segnala admin create --email … --name …`"
        );
    }
    for s in rows {
        println!(
            "{:>6}  {:<15} {:<36} {}",
            s.id.0,
            s.role.as_str(),
            s.email,
            s.name
        );
    }
    Ok(())
}
