//! A loopback TCP proxy that misbehaves on command, to play a bad network
//! between a client and a server: it cuts every connection, refuses new
//! ones, stalls (holds bytes without closing, as a dead Wi-Fi or a
//! suspended laptop does), slows traffic down, and resumes.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How bytes flow through the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// As fast as they come.
    Normal,
    /// Not at all; held until the flow resumes. Connections stay open.
    Stalled,
    /// In pieces of at most `chunk` bytes, each after `delay`.
    Slow {
        /// Wait before each piece.
        delay: Duration,
        /// Largest piece.
        chunk: usize,
    },
}

struct Control {
    flow: watch::Sender<Flow>,
    /// Bumped by every cut; a connection ends when it changes.
    cuts: watch::Sender<u64>,
    refusing: AtomicBool,
    accepted: AtomicU64,
}

/// The proxy; dropping it stops it and closes its connections.
pub struct FaultProxy {
    addr: SocketAddr,
    control: Arc<Control>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `target`.
    pub async fn start(target: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let control = Arc::new(Control {
            flow: watch::channel(Flow::Normal).0,
            cuts: watch::channel(0).0,
            refusing: AtomicBool::new(false),
            accepted: AtomicU64::new(0),
        });
        let task = tokio::spawn(accept(listener, target, Arc::clone(&control)));
        Ok(Self {
            addr,
            control,
            task,
        })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The proxy's address as a WebSocket URL.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Closes every open connection at once (new ones are still let in
    /// unless [`Self::refuse`] is on).
    pub fn cut(&self) {
        self.control.cuts.send_modify(|n| *n += 1);
    }

    /// Closes new connections as soon as they arrive (the client sees the
    /// connection fail during its handshake).
    pub fn refuse(&self) {
        self.control.refusing.store(true, Ordering::SeqCst);
    }

    /// Stops forwarding bytes on every connection, without closing any.
    pub fn stall(&self) {
        self.control.flow.send_replace(Flow::Stalled);
    }

    /// Forwards in pieces of at most `chunk` bytes, each after `delay`.
    pub fn slow(&self, delay: Duration, chunk: usize) {
        self.control.flow.send_replace(Flow::Slow {
            delay,
            chunk: chunk.max(1),
        });
    }

    /// Back to normal: accepts again and forwards at full speed (held
    /// bytes go through).
    pub fn resume(&self) {
        self.control.refusing.store(false, Ordering::SeqCst);
        self.control.flow.send_replace(Flow::Normal);
    }

    /// The current flow.
    pub fn flow(&self) -> Flow {
        *self.control.flow.borrow()
    }

    /// Connections let through so far.
    pub fn connections_accepted(&self) -> u64 {
        self.control.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, target: SocketAddr, control: Arc<Control>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        if control.refusing.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        control.accepted.fetch_add(1, Ordering::SeqCst);
        let control = Arc::clone(&control);
        tokio::spawn(async move {
            let mut cuts = control.cuts.subscribe();
            let Ok(server) = TcpStream::connect(target).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            let up = pump(client_read, server_write, control.flow.subscribe());
            let down = pump(server_read, client_write, control.flow.subscribe());
            // Either direction ending, or a cut, ends the connection; the
            // sockets close when the halves drop here.
            tokio::select! {
                _ = up => {}
                _ = down => {}
                _ = cuts.changed() => {}
            }
        });
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut flow: watch::Receiver<Flow>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut pending = &buffer[..n];
        while !pending.is_empty() {
            let current = *flow.borrow_and_update();
            match current {
                Flow::Stalled => {
                    // Hold the bytes until the flow changes.
                    if flow.changed().await.is_err() {
                        return;
                    }
                }
                Flow::Normal => {
                    if to.write_all(pending).await.is_err() {
                        return;
                    }
                    pending = &[];
                }
                Flow::Slow { delay, chunk } => {
                    tokio::time::sleep(delay).await;
                    let piece = chunk.min(pending.len());
                    if to.write_all(&pending[..piece]).await.is_err() {
                        return;
                    }
                    pending = &pending[piece..];
                }
            }
        }
    }
}
