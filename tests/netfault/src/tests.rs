//! The proxy against an echo server, and the delivery count on known input.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;

/// An echo server; returns its address.
async fn echo() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buffer = [0u8; 1024];
                loop {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buffer[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    addr
}

async fn round_trip(stream: &mut TcpStream, text: &[u8]) -> Vec<u8> {
    stream.write_all(text).await.unwrap();
    let mut answer = vec![0u8; text.len()];
    stream.read_exact(&mut answer).await.unwrap();
    answer
}

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn bytes_pass_and_a_cut_closes_open_connections() {
    let proxy = FaultProxy::start(echo().await).await.unwrap();
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut stream, b"hello").await, b"hello");
    proxy.cut();
    let mut buffer = [0u8; 8];
    let read = tokio::time::timeout(LIMIT, stream.read(&mut buffer)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "expected a closed connection, got {read:?}"
    );
    // New connections still work after a cut.
    let mut again = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut again, b"again").await, b"again");
    assert_eq!(proxy.connections_accepted(), 2);
}

#[tokio::test]
async fn a_stall_holds_bytes_without_closing_and_resume_delivers_them() {
    let proxy = FaultProxy::start(echo().await).await.unwrap();
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut stream, b"one").await, b"one");
    proxy.stall();
    stream.write_all(b"two").await.unwrap();
    let mut buffer = [0u8; 3];
    // Nothing arrives while stalled (and the connection stays open)...
    let held = tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buffer)).await;
    assert!(held.is_err(), "bytes passed a stalled proxy: {held:?}");
    // ...and everything does once resumed.
    proxy.resume();
    tokio::time::timeout(LIMIT, stream.read_exact(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&buffer, b"two");
}

#[tokio::test]
async fn refusing_closes_new_connections_and_resume_lets_them_in() {
    let proxy = FaultProxy::start(echo().await).await.unwrap();
    proxy.refuse();
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    let _ = stream.write_all(b"x").await;
    let mut buffer = [0u8; 1];
    let read = tokio::time::timeout(LIMIT, stream.read(&mut buffer)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
    proxy.resume();
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut stream, b"in").await, b"in");
}

#[tokio::test]
async fn slow_delivers_everything_in_small_delayed_pieces() {
    let proxy = FaultProxy::start(echo().await).await.unwrap();
    proxy.slow(Duration::from_millis(20), 2);
    assert_eq!(
        proxy.flow(),
        Flow::Slow {
            delay: Duration::from_millis(20),
            chunk: 2
        }
    );
    let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
    let started = tokio::time::Instant::now();
    assert_eq!(round_trip(&mut stream, b"abcdefgh").await, b"abcdefgh");
    // The way back alone is four pieces, each after 20 ms: at least 80 ms.
    // (A lower bound: only the delays can meet it, never luck.)
    assert!(started.elapsed() >= Duration::from_millis(80));
}

#[test]
fn the_delivery_count_finds_losses_duplicates_and_disorder() {
    let sent: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
    let got = |texts: &[&str]| -> Vec<ReceivedMessage> {
        texts
            .iter()
            .map(|t| ReceivedMessage {
                conversation: "c-1".into(),
                client_message_id: warmline_core::MessageId::new(),
                text: (*t).into(),
            })
            .collect()
    };
    assert!(DeliveryCount::of(&sent, &got(&["a", "b", "c", "d"])).is_perfect());
    let count = DeliveryCount::of(&sent, &got(&["a", "c", "b", "b"]));
    assert_eq!(
        (count.lost, count.duplicated, count.out_of_order),
        (1, 1, 1)
    );
}
