//! The exchange client against each fault a network or a server can give it, with an
//! exact expectation for each: a typed error, within the client's timeout, never a
//! panic or a hang. The servers are real sockets made by the test; the TLS ones use
//! certificates made here with rcgen.

use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{PlainLogin, SECRET};
use mini_program_login::{
    ErrorCategory, ExchangeClient, ExchangeError, MiniProgramLogin, PoolSecret,
};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// The client's timeout in this suite: every fault must be answered within it.
const TIMEOUT: Duration = Duration::from_secs(2);

/// A user object the client accepts.
const USER: &str = r#"{"_id":"5e57540f84622ae263294a42","nickname":"n","token":"t"}"#;

fn client() -> ExchangeClient {
    PlainLogin::exchange_client(PoolSecret::new(SECRET)).with_timeout(TIMEOUT)
}

/// Exchanges a fresh ticket with `client`, and checks that it ends within the timeout
/// (and a margin for the test machine).
async fn exchange(client: &ExchangeClient) -> Result<mini_program_login::UserInfo, ExchangeError> {
    let ticket = PlainLogin::ticket("tkt-faults-0123456789").unwrap();
    let started = Instant::now();
    let result = tokio::time::timeout(TIMEOUT * 5, client.exchange(ticket))
        .await
        .expect("the exchange hung past five times its timeout");
    assert!(
        started.elapsed() < TIMEOUT + Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    result
}

/// The whole error as shown: `Display`, `Debug` and the source chain.
fn shown(error: &ExchangeError) -> String {
    let mut text = format!("{error} | {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause}"));
        source = cause.source();
    }
    assert!(
        !text.contains(SECRET) && !text.contains("tkt-faults"),
        "{text}"
    );
    text
}

/// Reads a request's head and its body (by `content-length`).
async fn read_request(stream: &mut (impl tokio::io::AsyncRead + Unpin)) {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                return;
            }
        }
    }
}

/// A server that hands each connection to `serve`; its base URL.
async fn server<F, Fut>(serve: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    format!("http://{addr}")
}

/// An exchange with `host` fails to connect: a transport error, GenAuth unavailable.
async fn assert_no_connection(host: &str) {
    let error = exchange(&client().with_host(host).unwrap())
        .await
        .unwrap_err();
    let text = shown(&error);
    assert!(
        matches!(&error, ExchangeError::Transport(t) if t.is_connect()),
        "{text}"
    );
    assert_eq!(error.category(), ErrorCategory::Unavailable);
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_transport_error() {
    // `.invalid` never resolves (RFC 6761).
    assert_no_connection("https://genauth.invalid").await;
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    assert_no_connection(&crate::common::refused_host()).await;
}

#[tokio::test]
async fn a_reset_mid_body_is_a_transport_error() {
    let host = server(|mut stream| async move {
        read_request(&mut stream).await;
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(&USER.as_bytes()[..20]).await;
        let _ = stream.flush().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Closed with a zero linger: the peer gets a reset, not an end of stream.
        let _ = stream.set_zero_linger();
        drop(stream);
    })
    .await;
    let error = exchange(&client().with_host(&host).unwrap())
        .await
        .unwrap_err();
    let text = shown(&error);
    assert!(matches!(error, ExchangeError::Transport(_)), "{text}");
    assert_eq!(error.category(), ErrorCategory::Unavailable);
}

#[tokio::test]
async fn a_slow_drip_past_the_timeout_is_a_timeout() {
    let host = server(|mut stream| async move {
        read_request(&mut stream).await;
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        // A byte every 100 ms, for far longer than the timeout.
        for _ in 0..1000 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let started = Instant::now();
    let error = exchange(&client().with_host(&host).unwrap())
        .await
        .unwrap_err();
    let text = shown(&error);
    assert!(matches!(error, ExchangeError::Timeout), "{text}");
    assert!(started.elapsed() >= TIMEOUT - Duration::from_millis(100));
    assert_eq!(error.category(), ErrorCategory::Unavailable);
}

#[tokio::test]
async fn a_ten_mib_answer_is_a_decode_error() {
    let host = server(|mut stream| async move {
        read_request(&mut stream).await;
        let size = 10 * 1024 * 1024;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n"
        );
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(b"{\"nickname\":\"").await;
        let _ = stream.write_all(&vec![b'a'; size - 14]).await;
        let _ = stream.write_all(b"\"").await;
    })
    .await;
    // The same, without a length: the cap holds while reading.
    let chunked = server(|mut stream| async move {
        read_request(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..160 {
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            if stream.write_all(&framed).await.is_err() {
                return;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    })
    .await;
    for host in [host, chunked] {
        let error = exchange(&client().with_host(&host).unwrap())
            .await
            .unwrap_err();
        let text = shown(&error);
        match &error {
            ExchangeError::Decode { reason, body } => {
                assert!(reason.contains("1 MiB"), "{reason}");
                assert!(body.is_empty(), "{}", body.len());
            }
            _ => panic!("{text}"),
        }
        assert!(text.len() < 4096, "{}", text.len());
        assert_eq!(error.category(), ErrorCategory::Unexpected);
    }
}

#[tokio::test]
async fn an_http_1_0_answer_closed_without_a_length_is_read_to_its_end() {
    // Whole: the user.
    let whole = server(|mut stream| async move {
        read_request(&mut stream).await;
        let answer = format!("HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n{USER}");
        let _ = stream.write_all(answer.as_bytes()).await;
    })
    .await;
    let user = exchange(&client().with_host(&whole).unwrap())
        .await
        .unwrap();
    assert_eq!(user.id, "5e57540f84622ae263294a42");
    // Cut short: nothing says so but the JSON, which does not parse.
    let cut = server(|mut stream| async move {
        read_request(&mut stream).await;
        let answer = format!(
            "HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n{}",
            &USER[..30]
        );
        let _ = stream.write_all(answer.as_bytes()).await;
    })
    .await;
    let error = exchange(&client().with_host(&cut).unwrap())
        .await
        .unwrap_err();
    let text = shown(&error);
    assert!(matches!(error, ExchangeError::Decode { .. }), "{text}");
    assert_eq!(error.category(), ErrorCategory::Unexpected);
}

/// A certificate authority the test's clients trust.
struct Authority {
    params: CertificateParams,
    key: KeyPair,
    certificate: rcgen::Certificate,
}

impl Authority {
    fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "mini-program-login test authority");
        let key = KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        Self {
            params,
            key,
            certificate,
        }
    }

    /// A leaf for `name`, valid over `days` (from, to) relative to today.
    fn leaf(&self, name: &str, days: (i64, i64)) -> (rcgen::Certificate, KeyPair) {
        let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
        let today = time::OffsetDateTime::now_utc();
        params.not_before = today + time::Duration::days(days.0);
        params.not_after = today + time::Duration::days(days.1);
        let key = KeyPair::generate().unwrap();
        let issuer = Issuer::from_params(&self.params, &self.key);
        (params.signed_by(&key, &issuer).unwrap(), key)
    }

    /// A client that trusts this authority alone and finds `name` at `addr`.
    fn client(&self, name: &str, addr: SocketAddr) -> ExchangeClient {
        let http = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_der(self.certificate.der()).unwrap()])
            .resolve(name, addr)
            .build()
            .unwrap();
        client()
            .with_http_client(http)
            .with_host(&format!("https://{name}:{}", addr.port()))
            .unwrap()
    }
}

/// A TLS server with `certificate`, answering the user to whoever completes the
/// handshake; its address.
async fn tls_server(certificate: &rcgen::Certificate, key: &KeyPair) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certificate.der().clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                read_request(&mut stream).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{USER}",
                    USER.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    addr
}

/// The certificate fault `error` must be: a transport error at connection, whose
/// shown cause says what is wrong with the certificate.
fn assert_certificate_refused(error: &ExchangeError, cause: &str) {
    let text = shown(error);
    assert!(
        matches!(error, ExchangeError::Transport(t) if t.is_connect()),
        "{text}"
    );
    assert!(
        error.to_string().to_lowercase().contains(cause),
        "`{cause}` not in: {error}"
    );
    // GenAuth's certificate is GenAuth's to fix: retry later, with a new login.
    assert_eq!(error.category(), ErrorCategory::Unavailable);
}

#[tokio::test]
async fn tls_the_test_authority_works_and_each_bad_certificate_is_refused() {
    let authority = Authority::new();
    // The control: a good certificate from the trusted authority.
    let (good, key) = authority.leaf("genauth.test", (-1, 30));
    let addr = tls_server(&good, &key).await;
    let user = exchange(&authority.client("genauth.test", addr))
        .await
        .unwrap();
    assert_eq!(user.id, "5e57540f84622ae263294a42");

    // Self-signed: no authority the client trusts signed it.
    let mut params = CertificateParams::new(vec!["genauth.test".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "genauth.test, self-signed");
    params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    let key = KeyPair::generate().unwrap();
    let self_signed = params.self_signed(&key).unwrap();
    let addr = tls_server(&self_signed, &key).await;
    let error = exchange(&authority.client("genauth.test", addr))
        .await
        .unwrap_err();
    assert_certificate_refused(&error, "unknownissuer");

    // Expired yesterday.
    let (expired, key) = authority.leaf("genauth.test", (-30, -1));
    let addr = tls_server(&expired, &key).await;
    let error = exchange(&authority.client("genauth.test", addr))
        .await
        .unwrap_err();
    assert_certificate_refused(&error, "expired");

    // Valid, for another name.
    let (other, key) = authority.leaf("other.test", (-1, 30));
    let addr = tls_server(&other, &key).await;
    let error = exchange(&authority.client("genauth.test", addr))
        .await
        .unwrap_err();
    assert_certificate_refused(&error, "not valid for name \"genauth.test\"");
}

#[tokio::test]
async fn the_shared_client_refuses_a_certificate_of_no_public_authority() {
    // Without a caller's client, only the platform's and the public roots are trusted.
    let authority = Authority::new();
    let (leaf, key) = authority.leaf("localhost", (-1, 30));
    let addr = tls_server(&leaf, &key).await;
    let client = client()
        .with_host(&format!("https://localhost:{}", addr.port()))
        .unwrap();
    let error = exchange(&client).await.unwrap_err();
    let text = shown(&error);
    assert!(
        matches!(&error, ExchangeError::Transport(t) if t.is_connect()),
        "{text}"
    );
    // The certificate, not the connection, is what failed.
    assert!(
        error.to_string().contains("invalid peer certificate"),
        "{text}"
    );
}
