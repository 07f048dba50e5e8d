//! The installable app and sharing: the manifest, icons and service worker
//! are served with the right types and the CSP lets the worker run; with
//! the worker in control, a second load with the relay stopped still shows
//! the app (Chromium and Firefox); a file shared to the app (the share
//! target) is offered in the room and arrives verified; the share panel's
//! QR code is exactly the room link and *Copy link* copies it.

use std::net::SocketAddr;
use std::time::Duration;

use peerlink_core::qr::{QrCode, QrEcc};
use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, page_errors, quit_after, Browser, Harness};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A plain HTTP/1.0 GET: status, lower-cased headers, body.
async fn http_get(addr: SocketAddr, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("reads");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

#[tokio::test]
async fn manifest_icons_and_worker_are_served_for_installing() {
    let harness = Harness::start().await;
    let addr = harness.relay_addr;
    let (status, headers, body) = http_get(addr, "/manifest.webmanifest").await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        "application/manifest+json"
    );
    let manifest: serde_json::Value = serde_json::from_slice(&body).expect("the manifest is JSON");
    assert_eq!(manifest["name"], "peerlink");
    assert_eq!(manifest["display"], "standalone");
    assert!(manifest["start_url"].is_string() && manifest["theme_color"].is_string());
    let share = &manifest["share_target"];
    assert_eq!(share["method"], "POST");
    assert_eq!(share["enctype"], "multipart/form-data");
    assert_eq!(share["params"]["files"][0]["name"], "files");
    let icons = manifest["icons"].as_array().expect("icons");
    let mut maskable_512 = false;
    for icon in icons {
        let src = icon["src"].as_str().expect("src");
        let (status, headers, body) = http_get(addr, &format!("/{src}")).await;
        assert_eq!(status, 200, "{src}");
        let kind = header(&headers, "content-type");
        assert_eq!(kind, icon["type"].as_str().expect("type"), "{src}");
        if kind == "image/png" {
            // The IHDR chunk's width and height are the declared size.
            let width = u32::from_be_bytes(body[16..20].try_into().expect("width"));
            let height = u32::from_be_bytes(body[20..24].try_into().expect("height"));
            assert_eq!(
                format!("{width}x{height}"),
                icon["sizes"].as_str().expect("sizes"),
                "{src}"
            );
            maskable_512 |= icon["purpose"] == "maskable" && width == 512;
        }
    }
    assert!(maskable_512, "a 512 px maskable icon");

    let (status, headers, body) = http_get(addr, "/sw.js").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "text/javascript");
    assert!(String::from_utf8_lossy(&body).contains("addEventListener('fetch'"));
    // No worker-src: workers fall back to script-src, which admits 'self'.
    let csp = header(&headers, "content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("worker-src") || csp.contains("worker-src 'self'"),
        "{csp}"
    );

    let (_, _, index) = http_get(addr, "/").await;
    let index = String::from_utf8_lossy(&index);
    assert!(index.contains(r#"rel="manifest" href="manifest.webmanifest""#));
}

/// Loads the app and waits until the service worker controls the page.
async fn load_under_the_worker(driver: &WebDriver, url: &str) {
    page::goto(driver, url).await.expect("loads the app");
    eventually(
        "the service worker controls the page",
        Duration::from_secs(30),
        || async {
            let js = "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);";
            page::script(driver, js).await.as_bool().filter(|c| *c)
        },
    )
    .await;
}

async fn app_shell_opens_offline(kind: Browser) {
    let mut harness = Harness::start().await;
    let driver = harness.session(kind).await;
    let base = harness.base_url();
    load_under_the_worker(&driver, &base).await;
    harness.stop_relay().await;
    let outcome = async {
        // A different address, so nothing comes from the back/forward cache.
        page::goto(&driver, &format!("{base}?offline=1")).await?;
        eventually(
            "the lobby, from the cache",
            Duration::from_secs(20),
            || async { driver.find(By::Css("[data-testid=room-input]")).await.ok() },
        )
        .await;
        driver.find(By::Css("[data-testid=join]")).await?;
        assert!(
            driver.current_url().await?.as_str().ends_with("?offline=1"),
            "the new load, not the old page"
        );
        page_errors::assert_none(&driver).await;
        WebDriverResult::Ok(())
    }
    .await;
    let _ = driver.quit().await;
    outcome.expect("the offline load ran");
}

#[tokio::test]
async fn chromium_opens_the_app_shell_with_the_relay_stopped() {
    app_shell_opens_offline(Browser::Chromium).await;
}

#[tokio::test]
async fn firefox_opens_the_app_shell_with_the_relay_stopped() {
    app_shell_opens_offline(Browser::Firefox).await;
}

const SHARED_TEXT: &str = "from the phone's share sheet\n";

/// What the OS does for a share: a multipart POST to the share target,
/// sent here from the page so it passes through the service worker.
const SHARE_JS: &str = r#"
const form = new FormData();
form.append('files', new File([arguments[0]], 'shared note.txt', { type: 'text/plain' }));
window.__shareResult = 'pending';
fetch('share-target', { method: 'POST', body: form })
  .then((r) => { window.__shareResult = r.url; }, (e) => { window.__shareResult = 'failed: ' + e; });
return true;
"#;

#[tokio::test]
async fn a_file_shared_to_the_app_is_sent_from_the_room() {
    let harness = Harness::start().await;
    let alice = harness.browser().await;
    let bob = harness.browser().await;
    let alice_url = harness.room_url("shared", "name=alice&media=none");
    let bob_url = harness.room_url("shared", "name=bob&media=none");
    let base = harness.base_url();
    quit_after(vec![alice, bob], |browsers| async move {
        let (a, b) = (browsers[0].clone(), browsers[1].clone());
        load_under_the_worker(&a, &base).await;
        a.execute(SHARE_JS, vec![serde_json::json!(SHARED_TEXT)]).await.expect("shares");
        let landed = eventually("the share target answers", Duration::from_secs(20), || async {
            let r = page::script(&a, "return window.__shareResult;").await;
            r.as_str().filter(|s| *s != "pending").map(str::to_string)
        })
        .await;
        assert!(landed.ends_with("?shared=1"), "redirected into the app: {landed}");
        page::open_room(&a, &alice_url).await.expect("alice joins");
        let offered = eventually("the shared file is offered in the room", Duration::from_secs(20), || async {
            let js = "const e = document.querySelector('[data-testid=shared-files] .names'); return e && e.textContent;";
            page::script(&a, js).await.as_str().map(str::to_string)
        })
        .await;
        assert_eq!(offered, "shared note.txt");
        page::open_room(&b, &bob_url).await.expect("bob joins");
        wait_connected(&a, 1, "alice sees bob").await;
        wait_connected(&b, 1, "bob sees alice").await;
        a.find(By::Css("[data-testid=send-shared]")).await.expect("send button").click().await.expect("sends");
        let accept = eventually("bob is offered the shared file", Duration::from_secs(20), || async {
            b.find(By::Css("[data-testid=transfer] [data-testid=transfer-accept]")).await.ok()
        })
        .await;
        accept.click().await.expect("bob accepts");
        let expected: String = Sha256::digest(SHARED_TEXT.as_bytes()).iter().map(|x| format!("{x:02x}")).collect();
        let sha = eventually("bob verifies it", Duration::from_secs(30), || async {
            let js = "const t = document.querySelector('[data-testid=transfer][data-state=verified]'); return t && t.dataset.sha256;";
            page::script(&b, js).await.as_str().map(str::to_string)
        })
        .await;
        assert_eq!(sha, expected);
        assert!(a.find(By::Css("[data-testid=shared-files]")).await.is_err(), "sent, so no longer offered");
        page_errors::assert_none(&a).await;
        page_errors::assert_none(&b).await;
    })
    .await;
}

/// Opens the *People* panel (where the invite card is) unless it is open.
async fn open_people(driver: &WebDriver) {
    let hidden = page::script(
        driver,
        "const p = document.getElementById('panel-people'); return !p || p.hidden;",
    )
    .await;
    if hidden.as_bool() != Some(false) {
        driver
            .find(By::Css("button[aria-controls=panel-people]"))
            .await
            .expect("the People bar button")
            .click()
            .await
            .expect("People opens");
    }
}

#[tokio::test]
async fn the_qr_code_is_the_room_link_and_copy_link_copies_it() {
    let harness = Harness::start().await;
    let driver = harness.browser().await;
    let url = harness.room_url("qr-room", "name=alice&media=none");
    let outcome = async {
        page::open_room(&driver, &url).await?;
        let link = page::room_link(&driver).await;
        let path = eventually("the QR code", Duration::from_secs(20), || async {
            let js = "const p = document.querySelector('[data-testid=share-qr] path'); return p && p.getAttribute('d');";
            page::script(&driver, js).await.as_str().map(str::to_string)
        })
        .await;
        let code = QrCode::encode(link.as_bytes(), QrEcc::Medium).expect("the link fits");
        assert_eq!(path, code.svg_path(4), "the QR code encodes {link}");
        let view_box = page::script(&driver, "return document.querySelector('[data-testid=share-qr]').getAttribute('viewBox');").await;
        let side = code.size() + 8;
        assert_eq!(view_box.as_str(), Some(format!("0 0 {side} {side}").as_str()));
        let native = page::script(&driver, "return !!navigator.share === !!document.querySelector('[data-testid=share-native]');").await;
        assert_eq!(native.as_bool(), Some(true), "Share… shown exactly where navigator.share exists");

        driver
            .cdp()
            .send_raw(
                "Browser.grantPermissions",
                serde_json::json!({ "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
            )
            .await?;
        open_people(&driver).await;
        driver.find(By::Css("[data-testid=share-copy]")).await?.click().await?;
        let copied = eventually("the clipboard holds the link", Duration::from_secs(10), || async {
            let js = "window.__clip = window.__clip || navigator.clipboard.readText().then((t) => { window.__clipText = t; }, () => { window.__clip = null; }); return window.__clipText || null;";
            page::script(&driver, js).await.as_str().map(str::to_string)
        })
        .await;
        assert_eq!(copied, link);
        // Kept as an artifact: the share panel as a person sees it.
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&shots);
        let _ = driver.screenshot(&shots.join("share.png")).await;
        page_errors::assert_none(&driver).await;
        WebDriverResult::Ok(())
    }
    .await;
    let _ = driver.quit().await;
    outcome.expect("the share panel test ran");
}

/// The title of bob's tab at `url_part`, read from the browser (DevTools
/// `Target.getTargets`), so it can be read while another tab is in front.
async fn tab_title(driver: &WebDriver, url_part: &str) -> Option<String> {
    let targets = driver
        .cdp()
        .send_raw("Target.getTargets", serde_json::json!({}))
        .await
        .ok()?;
    targets["targetInfos"].as_array()?.iter().find_map(|t| {
        (t["type"] == "page" && t["url"].as_str()?.contains(url_part))
            .then(|| t["title"].as_str().map(str::to_string))?
    })
}

#[tokio::test]
async fn unread_messages_count_in_the_title_while_the_tab_is_hidden() {
    attention(false).await;
}

/// Where a page cannot make a notification (Chrome on Android: "Illegal
/// constructor"), the service worker shows it.
#[tokio::test]
async fn the_service_worker_notifies_where_the_page_cannot() {
    attention(true).await;
}

/// Bob hides the call tab and alice writes twice: bob's title counts, and
/// clears when he is back. `page_cannot_notify`: bob's `Notification`
/// constructor throws, and the notification must come from the worker.
async fn attention(page_cannot_notify: bool) {
    let harness = Harness::start().await;
    let alice = harness.browser().await;
    let bob = harness.browser().await;
    let alice_url = harness.room_url("attention", "name=alice&media=none");
    let bob_url = harness.room_url("attention", "name=bob&media=none");
    quit_after(vec![alice, bob], |browsers| async move {
        let (a, b) = (browsers[0].clone(), browsers[1].clone());
        b.cdp()
            .send_raw(
                "Browser.grantPermissions",
                serde_json::json!({ "permissions": ["notifications"] }),
            )
            .await
            .expect("grants notifications");
        page::open_room(&a, &alice_url).await.expect("alice joins");
        page::open_room(&b, &bob_url).await.expect("bob joins");
        wait_connected(&a, 1, "alice sees bob").await;
        wait_connected(&b, 1, "bob sees alice").await;
        assert!(
            b.find(By::Css("[data-testid=notify-state]")).await.is_ok(),
            "bob allowed notifications"
        );
        assert!(
            a.find(By::Css("[data-testid=notify-me]")).await.is_ok(),
            "alice may be asked"
        );
        assert_eq!(b.title().await.expect("title"), "peerlink · attention");
        if page_cannot_notify {
            let js = "const Real = window.Notification; \
                      window.Notification = class extends Real { constructor() { throw new TypeError('Illegal constructor'); } }; \
                      return Notification.permission;";
            assert_eq!(page::script(&b, js).await.as_str(), Some("granted"));
        }
        let call_tab = b.window().await.expect("bob's tab");
        let other = b.new_tab().await.expect("a new tab");
        b.switch_to_window(other)
            .await
            .expect("bob looks elsewhere");
        let hidden = page::script(&b, "return true;").await; // the call tab is now in the background
        assert_eq!(hidden.as_bool(), Some(true));
        page::send_chat(&a, "are you there?")
            .await
            .expect("alice types");
        eventually(
            "bob's title counts one",
            Duration::from_secs(20),
            || async {
                (tab_title(&b, "attention").await.as_deref() == Some("(1) peerlink · attention"))
                    .then_some(())
            },
        )
        .await;
        page::send_chat(&a, "hello?")
            .await
            .expect("alice types again");
        eventually(
            "bob's title counts two",
            Duration::from_secs(20),
            || async {
                (tab_title(&b, "attention").await.as_deref() == Some("(2) peerlink · attention"))
                    .then_some(())
            },
        )
        .await;
        b.close_window().await.expect("closes the other tab");
        b.switch_to_window(call_tab).await.expect("bob comes back");
        b.cdp()
            .send_raw("Page.bringToFront", serde_json::json!({}))
            .await
            .expect("to the front");
        eventually("the count clears", Duration::from_secs(20), || async {
            (b.title().await.ok()?.as_str() == "peerlink · attention").then_some(())
        })
        .await;
        page::wait_chat(&b, "hello?", "bob reads the messages").await;
        if page_cannot_notify {
            let js = "navigator.serviceWorker.ready.then((r) => r.getNotifications({ tag: 'peerlink' })) \
                      .then((list) => { window.__shown = list.map((n) => n.body); }); return true;";
            page::script(&b, js).await;
            let shown = eventually("the worker's notification", Duration::from_secs(20), || async {
                let list = page::script(&b, "return window.__shown || null;").await;
                list.as_array().filter(|l| !l.is_empty()).cloned()
            })
            .await;
            assert!(
                shown.iter().any(|body| body.as_str().is_some_and(|b| b.contains("are you there?"))),
                "the notification tells the message: {shown:?}"
            );
        }
        page_errors::assert_none(&a).await;
        page_errors::assert_none(&b).await;
    })
    .await;
}
