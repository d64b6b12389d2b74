//! The model store against a loopback HTTP server: resume after a cut
//! connection, checksum failures, mirrors and import.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sha2::Digest;
use warmline_voice::models::{Catalogue, ModelKind, ModelStore};
use warmline_voice::{ModelStatus, VoiceError};

/// How the test server misbehaves.
#[derive(Clone, Default)]
struct Behaviour {
    /// Close the connection after this many body bytes, on the first
    /// request only.
    cut_first_after: Option<usize>,
    /// Answer 200 with the whole body even when a range is asked for.
    ignore_range: bool,
}

struct Server {
    base: String,
    /// The `Range` header of every request (None when absent).
    ranges: Arc<Mutex<Vec<Option<String>>>>,
    /// Paths requested.
    paths: Arc<Mutex<Vec<String>>>,
}

fn serve(body: Vec<u8>, behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/mirror/", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let paths = Arc::new(Mutex::new(Vec::new()));
    let (r, p) = (ranges.clone(), paths.clone());
    let count = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let n = count.fetch_add(1, Ordering::SeqCst);
            handle(stream, &body, &behaviour, n, &r, &p);
        }
    });
    Server {
        base,
        ranges,
        paths,
    }
}

fn handle(
    mut stream: TcpStream,
    body: &[u8],
    behaviour: &Behaviour,
    n: usize,
    ranges: &Mutex<Vec<Option<String>>>,
    paths: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    paths
        .lock()
        .unwrap()
        .push(line.split_whitespace().nth(1).unwrap_or("").to_owned());
    let mut range = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap() == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_owned());
            }
        }
    }
    ranges.lock().unwrap().push(range.clone());
    let start = range
        .as_deref()
        .filter(|_| !behaviour.ignore_range)
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.trim_end_matches('-').parse::<usize>().ok());
    let head = match start {
        Some(start) if start >= body.len() => {
            let _ = write!(
                stream,
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                body.len()
            );
            return;
        }
        Some(start) => format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len() - 1,
            body.len(),
            body.len() - start
        ),
        None => format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ),
    };
    let slice = &body[start.unwrap_or(0)..];
    stream.write_all(head.as_bytes()).unwrap();
    let slice = match behaviour.cut_first_after {
        Some(cut) if n == 0 => &slice[..cut.min(slice.len())],
        _ => slice,
    };
    let _ = stream.write_all(slice);
    let _ = stream.flush();
}

fn model_bytes(len: usize) -> Vec<u8> {
    let mut body = b"lmgg".to_vec();
    body.extend((0..len - 4).map(|i| (i * 31 % 251) as u8));
    body
}

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn catalogue(sha256: &str, sha1: &str) -> Catalogue {
    Catalogue::from_toml(&catalogue_toml(sha256, sha1)).unwrap()
}

fn catalogue_toml(sha256: &str, sha1: &str) -> String {
    format!(
        r#"
[choice]
en = ["test"]
[[model]]
id = "test"
file = "ggml-test.bin"
multilingual = false
cantonese = false
size_mib = 1
sha1 = "{sha1}"
sha256 = "{sha256}"
"#
    )
}

const SIZE: usize = 600_000;

#[test]
fn a_cut_connection_resumes_with_a_range_and_verifies() {
    let body = model_bytes(SIZE);
    let server = serve(
        body.clone(),
        Behaviour {
            cut_first_after: Some(200_000),
            ..Behaviour::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(
        dir.path(),
        catalogue(&sha256(&body), ""),
        Some(&server.base),
    );
    let cancel = AtomicBool::new(false);

    let error = store.download("test", &cancel, |_, _| {}).unwrap_err();
    assert!(matches!(error, VoiceError::DownloadFailed(_)), "{error:?}");
    assert_eq!(store.partial_bytes("test"), 200_000);
    assert_eq!(store.status("test"), ModelStatus::Missing);

    let mut progress = Vec::new();
    let path = store
        .download("test", &cancel, |received, total| {
            progress.push((received, total))
        })
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), body);
    assert_eq!(
        store.status("test"),
        ModelStatus::Ready { unverified: false }
    );
    assert_eq!(store.partial_bytes("test"), 0);
    assert_eq!(
        *server.ranges.lock().unwrap(),
        [None, Some("bytes=200000-".to_owned())]
    );
    assert_eq!(progress.first(), Some(&(200_000, Some(SIZE as u64))));
    assert_eq!(progress.last(), Some(&(SIZE as u64, Some(SIZE as u64))));
    assert!(progress.windows(2).all(|w| w[0].0 <= w[1].0));
    // The mirror base is used as given.
    assert!(server.paths.lock().unwrap()[0].ends_with("/mirror/ggml-test.bin"));
}

#[test]
fn a_wrong_checksum_deletes_the_part_and_says_so() {
    let body = model_bytes(SIZE);
    let server = serve(body, Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let wrong = "0".repeat(64);
    let store = ModelStore::new(dir.path(), catalogue(&wrong, ""), Some(&server.base));
    let error = store
        .download("test", &AtomicBool::new(false), |_, _| {})
        .unwrap_err();
    assert_eq!(error.message_id(), "voice-error-checksum-mismatch");
    assert_eq!(store.partial_bytes("test"), 0);
    assert_eq!(store.status("test"), ModelStatus::Missing);
    assert!(!dir.path().join("ggml-test.bin").exists());
}

#[test]
fn the_published_sha1_is_checked_when_no_sha256_is_pinned() {
    let body = model_bytes(SIZE);
    let sha1: String = sha1::Sha1::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let server = serve(body.clone(), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path(), catalogue("", &sha1), Some(&server.base));
    store
        .download("test", &AtomicBool::new(false), |_, _| {})
        .unwrap();
    assert_eq!(
        store.status("test"),
        ModelStatus::Ready { unverified: false }
    );

    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(
        dir.path(),
        catalogue("", &"1".repeat(40)),
        Some(&server.base),
    );
    let error = store
        .download("test", &AtomicBool::new(false), |_, _| {})
        .unwrap_err();
    assert_eq!(error.message_id(), "voice-error-checksum-mismatch");
}

#[test]
fn a_server_that_ignores_ranges_restarts_from_zero() {
    let body = model_bytes(SIZE);
    let server = serve(
        body.clone(),
        Behaviour {
            cut_first_after: Some(100_000),
            ignore_range: true,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(
        dir.path(),
        catalogue(&sha256(&body), ""),
        Some(&server.base),
    );
    let cancel = AtomicBool::new(false);
    assert!(store.download("test", &cancel, |_, _| {}).is_err());
    let path = store.download("test", &cancel, |_, _| {}).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);
}

#[test]
fn a_complete_part_is_verified_without_downloading_again() {
    let body = model_bytes(SIZE);
    let server = serve(body.clone(), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ggml-test.bin.part"), &body).unwrap();
    let store = ModelStore::new(
        dir.path(),
        catalogue(&sha256(&body), ""),
        Some(&server.base),
    );
    store
        .download("test", &AtomicBool::new(false), |_, _| {})
        .unwrap();
    assert_eq!(
        store.status("test"),
        ModelStatus::Ready { unverified: false }
    );
}

#[test]
fn http_errors_and_unreachable_servers_are_download_failures() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on this port.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let store = ModelStore::new(dir.path(), catalogue("", ""), Some(&base));
    let error = store
        .download("test", &AtomicBool::new(false), |_, _| {})
        .unwrap_err();
    assert_eq!(error.message_id(), "voice-error-download-failed");
    assert_eq!(
        store
            .download("nope", &AtomicBool::new(false), |_, _| {})
            .unwrap_err(),
        VoiceError::UnknownModel("nope".into())
    );
}

#[test]
fn import_checks_a_pinned_checksum_and_flags_unpinned_files() {
    let body = model_bytes(10_000);
    let source_dir = tempfile::tempdir().unwrap();
    let file = source_dir.path().join("from-usb.bin");
    std::fs::write(&file, &body).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path(), catalogue(&sha256(&body), ""), None);
    assert!(store.import("test", &file).unwrap());
    assert_eq!(
        store.status("test"),
        ModelStatus::Ready { unverified: false }
    );

    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path(), catalogue(&"0".repeat(64), ""), None);
    let error = store.import("test", &file).unwrap_err();
    assert_eq!(error.message_id(), "voice-error-checksum-mismatch");
    assert_eq!(store.status("test"), ModelStatus::Missing);

    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path(), catalogue("", ""), None);
    assert!(!store.import("test", &file).unwrap());
    assert_eq!(
        store.status("test"),
        ModelStatus::Ready { unverified: true }
    );
}

#[test]
fn the_default_base_and_a_mirror() {
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path(), Catalogue::builtin(), None);
    assert_eq!(
        store.url("small").unwrap(),
        "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-small.bin"
    );
    let store = ModelStore::new(
        dir.path(),
        Catalogue::builtin(),
        Some("https://hf-mirror.com/ggerganov/whisper.cpp/resolve/main"),
    );
    assert_eq!(
        store.url("base.en").unwrap(),
        "https://hf-mirror.com/ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin"
    );
}

#[test]
fn the_builtin_catalogue_is_sound() {
    let catalogue = Catalogue::builtin();
    for entry in catalogue
        .entries()
        .iter()
        .filter(|e| e.kind == ModelKind::Whisper)
    {
        assert!(entry.is_pinned(), "{} has no checksum", entry.id);
        assert!(
            entry.sha1.len() == 40 || entry.sha256.len() == 64,
            "{}",
            entry.id
        );
        // yue only where the vocabulary has it: large-v3 and its turbo.
        assert_eq!(
            entry.cantonese,
            entry.id.starts_with("large-v3"),
            "{}",
            entry.id
        );
        assert_eq!(
            entry.multilingual,
            !entry.id.ends_with(".en"),
            "{}",
            entry.id
        );
    }
    use warmline_voice::Language;
    assert_eq!(catalogue.preference(Language::Mandarin)[0], "small");
    for id in catalogue.preference(Language::Mandarin) {
        assert!(catalogue.get(id).unwrap().multilingual, "{id}");
    }
}

/// Through the facade: progress events while downloading from the mirror,
/// then the failure (the test server's bytes are not the real model, so the
/// published checksum cannot match) and the model still missing.
#[test]
fn the_service_reports_progress_and_a_checksum_failure_as_events() {
    use std::time::Duration;
    use warmline_voice::{VoiceConfig, VoiceEvent, VoiceService};
    let server = serve(model_bytes(SIZE), Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let service = VoiceService::new(VoiceConfig {
        models_dir: dir.path().to_path_buf(),
        mirror: Some(server.base.clone()),
        ..VoiceConfig::default()
    });
    let mut rx = service.subscribe();
    service.download_model("tiny.en").unwrap();
    assert_eq!(
        service.download_model("no-such-model").unwrap_err(),
        VoiceError::UnknownModel("no-such-model".into())
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut events = Vec::new();
    loop {
        assert!(std::time::Instant::now() < deadline, "{events:?}");
        match rx.try_recv() {
            Ok(event) => {
                let done = matches!(
                    &event,
                    VoiceEvent::Model { status, .. } if !matches!(status, ModelStatus::Downloading { .. })
                );
                events.push(event);
                if done {
                    break;
                }
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    assert!(matches!(
        events.first(),
        Some(VoiceEvent::Model { id, status: ModelStatus::Downloading { .. } }) if id == "tiny.en"
    ));
    let failed: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            VoiceEvent::Failed { error } => Some(error.message_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["voice-error-checksum-mismatch"]);
    assert_eq!(
        events.last(),
        Some(&VoiceEvent::Model {
            id: "tiny.en".into(),
            status: ModelStatus::Missing
        })
    );
    assert!(server.paths.lock().unwrap()[0].ends_with("/mirror/ggml-tiny.en.bin"));
}

/// The Silero VAD is in the catalogue, pinned to the sha256 of the file
/// `tests/models/fetch-models` checks, and comes from ggml-org's repository
/// (or the mirror's one folder).
#[test]
fn the_vad_model_is_in_the_catalogue_and_pinned() {
    let catalogue = Catalogue::builtin();
    let vad = catalogue.vad().expect("a VAD entry");
    assert_eq!(vad.kind, ModelKind::Vad);
    assert_eq!(vad.file, "ggml-silero-v6.2.0.bin");
    assert!(vad.languages().is_empty());
    let fetch = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/models/fetch-models"
    ))
    .unwrap();
    let pinned = fetch
        .lines()
        .find_map(|l| l.strip_prefix("sha_vad="))
        .expect("fetch-models pins the VAD");
    assert_eq!(vad.sha256, pinned.split_whitespace().next().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let store = ModelStore::new(dir.path(), catalogue.clone(), None);
    assert_eq!(
        store.url(&vad.id).unwrap(),
        "https://huggingface.co/ggml-org/whisper-vad/resolve/main/ggml-silero-v6.2.0.bin"
    );
    let store = ModelStore::new(dir.path(), catalogue.clone(), Some("http://mirror.test/m/"));
    assert_eq!(
        store.url(&vad.id).unwrap(),
        "http://mirror.test/m/ggml-silero-v6.2.0.bin"
    );
    // A VAD can never be chosen as the speech model.
    assert!(Catalogue::from_toml(&format!(
        "vad = \"v\"\n[choice]\nen = [\"v\"]\n{}",
        vad_entry("v", &"0".repeat(64))
    ))
    .is_err());
}

fn vad_entry(id: &str, sha256: &str) -> String {
    format!(
        "[[model]]\nid = \"{id}\"\nfile = \"ggml-silero-test.bin\"\nkind = \"vad\"\n\
         multilingual = false\ncantonese = false\nsize_mib = 1\nsha256 = \"{sha256}\"\n"
    )
}

/// A user who downloads the speech model gets the VAD with it: both files
/// come from the server, both checked, and the VAD is reported ready.
#[test]
fn downloading_a_speech_model_fetches_the_vad_too() {
    use std::time::Duration;
    use warmline_voice::{VoiceConfig, VoiceEvent, VoiceService};
    let body = model_bytes(SIZE);
    let server = serve(body.clone(), Behaviour::default());
    let sum = sha256(&body);
    let toml = format!(
        "vad = \"vad\"\n{}\n{}",
        catalogue_toml(&sum, ""),
        vad_entry("vad", &sum)
    );
    let dir = tempfile::tempdir().unwrap();
    let service = VoiceService::new(VoiceConfig {
        models_dir: dir.path().to_path_buf(),
        mirror: Some(server.base.clone()),
        catalogue: Some(Catalogue::from_toml(&toml).unwrap()),
        ..VoiceConfig::default()
    });
    let mut rx = service.subscribe();
    service.download_model("test").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut events = Vec::new();
    while !events.iter().any(|e| {
        matches!(e, VoiceEvent::Model { id, status } if id == "vad" && !matches!(status, ModelStatus::Downloading { .. }))
    }) {
        assert!(std::time::Instant::now() < deadline, "{events:?}");
        match rx.try_recv() {
            Ok(event) => events.push(event),
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let ready = ModelStatus::Ready { unverified: false };
    let status = service.status();
    let of = |id: &str| {
        status
            .models
            .iter()
            .find(|m| m.id == id)
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(of("test"), ready);
    assert_eq!(of("vad"), ready);
    assert!(dir.path().join("ggml-silero-test.bin").is_file());
    assert_eq!(
        warmline_voice::service::find_vad_model(dir.path()),
        Some(dir.path().join("ggml-silero-test.bin"))
    );
    let paths = server.paths.lock().unwrap().clone();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths[1].ends_with("/mirror/ggml-silero-test.bin"),
        "{paths:?}"
    );
}
