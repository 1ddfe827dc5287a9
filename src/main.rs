//! The `playgate` command: `serve` (default), `migrate`, `demo-data`, `config`, `keys`,
//! `sign-url`, `verify-url`.

mod cdn_cli;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use playgate::app::{open_store, NodeBuilder};
use playgate::config::{Config, LogFormat};
use playgate::core::clock::SystemClock;
use playgate::core::ids::RandomIds;
use playgate::core::keys::{KeyAlg, KeyPurpose};
use playgate::core::snapshot::TenantStatus;
use playgate::plane::tenancy::keys::default_verify_window_s;
use playgate::plane::Plane;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "playgate",
    version,
    about = "Playback authorisation and CDN tokens for OTT/IPTV operators"
)]
struct Cli {
    /// Extra config file(s), applied in order over the embedded defaults.
    #[arg(long = "config", global = true, value_name = "FILE")]
    config: Vec<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a node (the default command).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Seed the demo tenant, or generate a bulk dataset with --accounts.
    DemoData(DemoArgs),
    /// Print the effective configuration (secrets redacted).
    Config,
    /// List, rotate or import a tenant's signing keys.
    Keys(KeysArgs),
    /// Create, list, disable or enable tenants, or give one a new operator key.
    Tenant(TenantArgs),
    /// Import or export a tenant's catalogue as JSON lines.
    Catalogue(CatalogueArgs),
    /// Sign a CDN URL path (support tool; the key from --key or PLAYGATE_CDN_KEY).
    SignUrl(cdn_cli::SignArgs),
    /// Verify a CDN signed URL or token for a path (and client address).
    VerifyUrl(cdn_cli::VerifyArgs),
    /// Print the route table as Markdown (docs/ROUTES.md).
    Routes,
}

#[derive(Args, Debug, Default)]
struct ServeArgs {
    /// Listen address (overrides server.listen).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Data directory (overrides storage.data_dir).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct DemoArgs {
    /// Generate this many accounts (with devices and entitlements) instead of the
    /// small demo tenant.
    #[arg(long)]
    accounts: Option<u64>,
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Tenant the bulk data goes into.
    #[arg(long, default_value = "load")]
    tenant: String,
    /// Contents in the bulk catalogue (default: accounts / 10, 10..=100000).
    #[arg(long)]
    contents: Option<u64>,
    /// Channels in the bulk catalogue, each with 14 days of hour-long
    /// programmes (default: contents / 200, at most 500).
    #[arg(long)]
    channels: Option<u64>,
    /// Data directory (overrides storage.data_dir).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct TenantArgs {
    #[command(subcommand)]
    action: TenantAction,
    /// Data directory (overrides storage.data_dir).
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum TenantAction {
    /// Create a tenant ready to serve (signing keys, default account profile
    /// and PIN types); prints its operator key, which is shown only now.
    Create {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
    },
    /// List every tenant (id, status, name; never a key).
    List,
    /// Disable a tenant: every request naming it is refused; its data stays.
    Disable {
        #[arg(long)]
        id: String,
    },
    /// Enable a disabled tenant again.
    Enable {
        #[arg(long)]
        id: String,
    },
    /// Give a tenant a new operator key (printed once); the old one stops working.
    RotateOperatorKey {
        #[arg(long)]
        id: String,
    },
}

#[derive(Args, Debug)]
struct CatalogueArgs {
    #[command(subcommand)]
    action: CatalogueAction,
    /// Data directory (overrides storage.data_dir).
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum CatalogueAction {
    /// Apply a JSON-lines file (`{"kind", "record"}` or `{"kind", "delete"}`
    /// per line; `-` reads standard input) in batches, each all or nothing;
    /// stops at the first refused batch, naming its lines.
    Import {
        #[arg(long)]
        tenant: String,
        file: PathBuf,
    },
    /// Write every live record as JSON lines to standard output (in an
    /// order `import` takes).
    Export {
        #[arg(long)]
        tenant: String,
    },
}

#[derive(Args, Debug)]
struct KeysArgs {
    #[command(subcommand)]
    action: KeysAction,
    /// Data directory (overrides storage.data_dir).
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum KeysAction {
    /// List a tenant's keys (ids, algorithms, state; never secrets).
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Make a new key ACTIVE; the previous one keeps verifying until its tokens expire.
    Rotate {
        #[arg(long)]
        tenant: String,
        #[arg(long, value_enum)]
        purpose: PurposeArg,
        #[arg(long, value_enum, default_value = "hs256")]
        alg: AlgArg,
        /// Seconds the retired key keeps verifying (default: longest token lifetime).
        #[arg(long)]
        verify_for: Option<i64>,
    },
    /// Make an existing key ACTIVE (RS256 keys are import-only): a PKCS#8
    /// private key, PEM (`BEGIN PRIVATE KEY`) or DER; for HS256 the file's bytes.
    Import {
        #[arg(long)]
        tenant: String,
        #[arg(long, value_enum)]
        purpose: PurposeArg,
        #[arg(long, value_enum)]
        alg: AlgArg,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// Seconds the retired key keeps verifying (default: longest token lifetime).
        #[arg(long)]
        verify_for: Option<i64>,
    },
}

/// A PKCS#8 private key from PEM (`-----BEGIN PRIVATE KEY-----`) or DER bytes.
fn pkcs8_der(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    use base64::Engine as _;
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(bytes.to_vec());
    };
    if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
        anyhow::bail!(
            "this is a PKCS#1 key; convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.p8.pem`"
        );
    }
    let Some(start) = text.find("-----BEGIN PRIVATE KEY-----") else {
        return Ok(bytes.to_vec());
    };
    let body = &text[start + "-----BEGIN PRIVATE KEY-----".len()..];
    let end = body
        .find("-----END PRIVATE KEY-----")
        .ok_or_else(|| anyhow::anyhow!("PEM block has no END line"))?;
    let b64: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
    Ok(base64::engine::general_purpose::STANDARD.decode(b64)?)
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum PurposeArg {
    Access,
    Content,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum AlgArg {
    Hs256,
    Es256,
    Eddsa,
    Rs256,
}

impl From<AlgArg> for KeyAlg {
    fn from(a: AlgArg) -> Self {
        match a {
            AlgArg::Hs256 => KeyAlg::Hs256,
            AlgArg::Es256 => KeyAlg::Es256,
            AlgArg::Eddsa => KeyAlg::EdDsa,
            AlgArg::Rs256 => KeyAlg::Rs256,
        }
    }
}

impl From<PurposeArg> for KeyPurpose {
    fn from(p: PurposeArg) -> Self {
        match p {
            PurposeArg::Access => KeyPurpose::Access,
            PurposeArg::Content => KeyPurpose::Content,
        }
    }
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::new(&config.log.level);
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log.format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Human => builder.init(),
    }
}

fn with_data_dir(mut config: Config, dir: Option<PathBuf>) -> Config {
    if let Some(dir) = dir {
        config.storage.data_dir = dir;
    }
    config
}

/// A plane for one-shot commands: no sync loop to wait for.
async fn cli_plane(config: &Config) -> anyhow::Result<Plane> {
    let store = open_store(config).await?;
    store.migrate().await?;
    Ok(Plane::new(
        store,
        Arc::new(SystemClock),
        Arc::new(RandomIds),
        None,
        playgate::plane::Settings::from_config(config),
    ))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown signal received; draining");
}

async fn serve(mut config: Config, args: ServeArgs) -> anyhow::Result<()> {
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    config = with_data_dir(config, args.data_dir);
    config.validate()?;
    let addr = config.listen_addr();
    let node = NodeBuilder::new(config).start().await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, "playgate listening");
    let ops = match node.state.config.server.ops_listen.as_str() {
        "" => None,
        ops => {
            let listener = tokio::net::TcpListener::bind(ops)
                .await
                .with_context(|| format!("cannot listen on {ops}"))?;
            tracing::info!(addr = %ops, "operations routes listening");
            Some(listener)
        }
    };
    let listeners = playgate::api::server::Listeners {
        public: listener,
        ops,
    };
    node.serve_on(listeners, shutdown_signal()).await;
    Ok(())
}

async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(config, args).await,
        Command::Migrate => {
            let store = open_store(&config).await?;
            store.migrate().await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Config => {
            print!("{}", config.redacted_toml());
            Ok(())
        }
        Command::Routes => {
            print!("{}", playgate::api::routes::markdown());
            Ok(())
        }
        Command::SignUrl(args) => cdn_cli::sign(args),
        Command::VerifyUrl(args) => cdn_cli::verify(args),
        Command::DemoData(args) => {
            let config = with_data_dir(config, args.data_dir);
            let plane = cli_plane(&config).await?;
            match args.accounts {
                None => {
                    playgate::demo::seed(&plane).await?;
                    plane.tenancy.ensure_keys(playgate::demo::TENANT).await?;
                    println!("demo tenant {:?} seeded", playgate::demo::TENANT);
                }
                Some(n) => {
                    let mut spec = playgate::demo::BulkSpec::new(&args.tenant, n, args.seed);
                    spec.contents = args.contents;
                    spec.channels = args.channels;
                    let report = playgate::demo::generate(&plane, &spec).await?;
                    plane.tenancy.ensure_keys(&args.tenant).await?;
                    println!(
                        "tenant {:?}: {} accounts, {} devices, {} entitlements, {} contents, {} products, \
                         {} channels, {} programmes in {:.1} s (catalogue ingest {:.1} s)",
                        args.tenant, report.accounts, report.devices, report.entitlements,
                        report.contents, report.products, report.channels, report.programmes,
                        report.seconds, report.catalogue_seconds
                    );
                }
            }
            Ok(())
        }
        Command::Tenant(args) => {
            let config = with_data_dir(config, args.data_dir);
            let plane = cli_plane(&config).await?;
            let tenancy = &plane.tenancy;
            match args.action {
                TenantAction::Create { id, name } => {
                    let p = tenancy.provision_tenant(&id, &name).await?;
                    println!("tenant {} created", p.tenant.id);
                    for k in &p.signing_keys {
                        println!(
                            "signing key {} ({}, {})",
                            k.kid,
                            k.purpose.as_str(),
                            k.alg.as_str()
                        );
                    }
                    println!("PIN types: {}", p.pin_types.join(", "));
                    println!("operator key (shown only now): {}", p.operator_key);
                }
                TenantAction::List => {
                    for t in tenancy.tenants().await? {
                        println!("{}\t{}\t{}", t.id, t.status.as_str(), t.name);
                    }
                }
                TenantAction::Disable { id } => {
                    let t = tenancy
                        .set_tenant_status(&id, TenantStatus::Suspended)
                        .await?;
                    println!("tenant {} {}", t.id, t.status.as_str());
                }
                TenantAction::Enable { id } => {
                    let t = tenancy.set_tenant_status(&id, TenantStatus::Active).await?;
                    println!("tenant {} {}", t.id, t.status.as_str());
                }
                TenantAction::RotateOperatorKey { id } => {
                    let key = tenancy.rotate_operator_key(&id).await?;
                    println!("new operator key for {id} (shown only now): {key}");
                }
            }
            Ok(())
        }
        Command::Catalogue(args) => {
            let config = with_data_dir(config, args.data_dir);
            let plane = cli_plane(&config).await?;
            match args.action {
                CatalogueAction::Import { tenant, file } => {
                    use std::io::BufRead as _;
                    let reader: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
                        Box::new(std::io::BufReader::new(std::io::stdin()))
                    } else {
                        Box::new(std::io::BufReader::new(std::fs::File::open(&file)?))
                    };
                    let mut lines = Vec::new();
                    for (i, line) in reader.lines().enumerate() {
                        lines.push((i + 1, line?));
                    }
                    let done = plane.catalogue.import(&tenant, lines.into_iter()).await?;
                    println!(
                        "tenant {tenant:?}: {} records written, {} deleted",
                        done.upserted, done.deleted
                    );
                    if !done.refused.is_empty() {
                        for (line, reason) in &done.refused {
                            eprintln!("line {line}: {reason}");
                        }
                        anyhow::bail!(
                            "{} lines refused; the batch holding them was not written",
                            done.refused.len()
                        );
                    }
                }
                CatalogueAction::Export { tenant } => {
                    use std::io::Write as _;
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    let mut failed = None;
                    plane
                        .catalogue
                        .export_lines(&tenant, |line| {
                            if failed.is_none() {
                                failed = writeln!(out, "{line}").err();
                            }
                        })
                        .await?;
                    if let Some(e) = failed {
                        return Err(e.into());
                    }
                    out.flush()?;
                }
            }
            Ok(())
        }
        Command::Keys(args) => {
            let config = with_data_dir(config, args.data_dir);
            let plane = cli_plane(&config).await?;
            match args.action {
                KeysAction::List { tenant } => {
                    for k in plane.tenancy.list_keys(&tenant).await? {
                        println!(
                            "{}\t{}\t{}\t{}\tverify_until={}",
                            k.kid,
                            k.purpose.as_str(),
                            k.alg.as_str(),
                            if k.active { "ACTIVE" } else { "RETIRED" },
                            k.verify_until.map_or_else(|| "-".into(), |v| v.to_string())
                        );
                    }
                }
                KeysAction::Rotate {
                    tenant,
                    purpose,
                    alg,
                    verify_for,
                } => {
                    let purpose = KeyPurpose::from(purpose);
                    let window = verify_for.unwrap_or_else(|| default_verify_window_s(purpose));
                    let key = plane
                        .tenancy
                        .rotate_key(&tenant, purpose, alg.into(), window)
                        .await?;
                    println!(
                        "new ACTIVE key {} ({}); previous keys verify for {window} s",
                        key.kid,
                        key.alg.as_str()
                    );
                }
                KeysAction::Import {
                    tenant,
                    purpose,
                    alg,
                    file,
                    verify_for,
                } => {
                    let purpose = KeyPurpose::from(purpose);
                    let alg = KeyAlg::from(alg);
                    let bytes = std::fs::read(&file)?;
                    let material = if alg == KeyAlg::Hs256 {
                        bytes
                    } else {
                        pkcs8_der(&bytes)?
                    };
                    let window = verify_for.unwrap_or_else(|| default_verify_window_s(purpose));
                    let key = plane
                        .tenancy
                        .import_key(&tenant, purpose, alg, &material, window)
                        .await?;
                    println!(
                        "imported ACTIVE key {} ({}); previous keys verify for {window} s",
                        key.kid,
                        key.alg.as_str()
                    );
                }
            }
            Ok(())
        }
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(&cli.config)?;
    init_logging(&config);
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if config.server.workers > 0 {
        runtime.worker_threads(config.server.workers);
    }
    runtime.build()?.block_on(run(cli, config))
}
