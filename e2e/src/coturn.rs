//! A coturn `turnserver` (Debian's coturn, installed by scripts/setup.sh)
//! for the relay-only tests: loopback only, on a free port, checking TURN
//! REST credentials against a shared secret (`use-auth-secret`), with its
//! config, log, pid file and database in a temp dir of its own. It can be
//! killed and started again on the same port; dropping it kills it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::process::{Child, Command};

/// Which client listeners coturn opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listeners {
    /// UDP and TCP on the same port.
    UdpAndTcp,
    /// TCP only (`no-udp`): as if a firewall dropped UDP to the TURN server.
    TcpOnly,
}

pub struct Coturn {
    /// The port coturn listens on (UDP and/or TCP) on 127.0.0.1.
    pub port: u16,
    /// The `static-auth-secret`; give the relay the same one.
    pub secret: String,
    dir: PathBuf,
    child: Option<Child>,
}

/// A port free for both TCP and UDP on 127.0.0.1.
fn free_udp_and_tcp_port() -> u16 {
    for _ in 0..100 {
        let Ok(tcp) = std::net::TcpListener::bind("127.0.0.1:0") else {
            continue;
        };
        let Ok(port) = tcp.local_addr().map(|a| a.port()) else {
            continue;
        };
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no port free for both TCP and UDP on 127.0.0.1");
}

impl Coturn {
    /// Writes the configuration and starts coturn; returns once it accepts
    /// TCP connections.
    pub async fn start(listeners: Listeners) -> Coturn {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let tag = format!("{}-{nanos}", std::process::id());
        let dir = std::env::temp_dir().join(format!("peerlink-coturn-{tag}"));
        std::fs::create_dir_all(&dir).expect("coturn's temp dir");
        let port = free_udp_and_tcp_port();
        let secret = format!("e2e-secret-{tag}");
        let d = dir.display();
        let mut config = format!(
            "listening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nlistening-port={port}\n\
             use-auth-secret\nstatic-auth-secret={secret}\nrealm=peerlink.test\n\
             no-cli\nno-tls\nno-dtls\nno-multicast-peers\n\
             # The peers' relayed addresses are on loopback too.\nallow-loopback-peers\n\
             pidfile={d}/turnserver.pid\nlog-file={d}/turnserver.log\nsimple-log\n\
             no-stdout-log\nuserdb={d}/turndb\n"
        );
        if listeners == Listeners::TcpOnly {
            config.push_str("no-udp\n");
        }
        std::fs::write(dir.join("turnserver.conf"), config).expect("coturn's config");
        let mut coturn = Coturn {
            port,
            secret,
            dir,
            child: None,
        };
        coturn.run().await;
        coturn
    }

    async fn run(&mut self) {
        let child = Command::new("turnserver")
            .arg("-c")
            .arg(self.dir.join("turnserver.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|err| {
                panic!("cannot start turnserver: {err} (scripts/setup.sh installs coturn)")
            });
        self.child = Some(child);
        super::wait_for_port(self.port, "coturn").await;
    }

    /// The TURN URLs the relay hands out: UDP first, then TCP, as a
    /// deployment offering both would.
    pub fn urls(&self) -> Vec<String> {
        vec![
            format!("turn:127.0.0.1:{}?transport=udp", self.port),
            format!("turn:127.0.0.1:{}?transport=tcp", self.port),
        ]
    }

    /// Kills coturn at once (SIGKILL: every allocation is gone).
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts coturn again with the same port, secret and configuration.
    pub async fn restart(&mut self) {
        self.kill().await;
        // The listening sockets of the killed process are closed by now;
        // a fresh bind may still race the kernel for a moment.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.run().await;
    }

    /// What coturn logged so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("turnserver.log")).unwrap_or_default()
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
