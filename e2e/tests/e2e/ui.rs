//! The room view in real browsers: an axe-core accessibility audit of the
//! lobby, pre-join, call, chat and files views; the phone layout (390×844:
//! the bar on screen without scrolling, the chat sheet sends and receives)
//! and the desktop one (1280×800). With `PEERLINK_SCREENSHOTS=1` the tests
//! also write the README's screenshots to docs/screenshots/.

use std::path::PathBuf;
use std::time::Duration;

use peerlink_e2e::page::{self, wait_connected, wait_videos_playing};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, with_browsers, Harness};
use serde_json::{json, Value};

/// The axe-core script `scripts/setup.sh` installs from npm.
fn axe_source() -> String {
    let tools = std::env::var("PEERLINK_TOOLS_DIR").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.local/share/peerlink-tools")
    });
    let path = PathBuf::from(tools).join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read {}: {err} (scripts/setup.sh installs axe-core)",
            path.display()
        )
    })
}

/// Runs axe-core on the page as it is now; returns one line per violation
/// (rule, impact, help and the elements), empty when there is none.
async fn audit(driver: &WebDriver, axe: &str, view: &str) -> Vec<String> {
    let present = page::script(driver, "return typeof window.axe === 'object';").await;
    if present != Value::Bool(true) {
        driver
            .execute(axe, Vec::new())
            .await
            .expect("axe-core loads");
    }
    driver
        .set_script_timeout(Duration::from_secs(90))
        .await
        .expect("script timeout");
    let js = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
          .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
             v.nodes.map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ')).join(' | '))))
          .catch(e => done(['axe failed: ' + e]));
    "#;
    let result = driver
        .execute_async(js, Vec::new())
        .await
        .expect("axe.run answers");
    result
        .json()
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r.as_str())
                .map(|r| format!("[{view}] {r}"))
                .collect()
        })
        .unwrap_or_else(|| vec![format!("[{view}] axe gave no result")])
}

/// Makes the page `width` × `height` CSS px (a phone when `mobile`).
async fn viewport(driver: &WebDriver, width: u32, height: u32, mobile: bool) {
    let scale = if mobile { 2 } else { 1 };
    let metrics =
        json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile });
    if driver
        .cdp()
        .send_raw("Emulation.setDeviceMetricsOverride", metrics)
        .await
        .is_err()
    {
        driver
            .set_window_rect(0, 0, width, height)
            .await
            .expect("window size");
    }
}

/// Switches `prefers-color-scheme` to `scheme` (light or dark).
async fn color_scheme(driver: &WebDriver, scheme: &str) {
    let media = json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
    driver
        .cdp()
        .send_raw("Emulation.setEmulatedMedia", media)
        .await
        .expect("the colour scheme switches");
}

/// Asserts the loaded page is laid out at `width` × `height` CSS px.
async fn assert_viewport(driver: &WebDriver, width: u32, height: u32) {
    let inner = page::script(driver, "return [innerWidth, innerHeight];").await;
    assert_eq!(inner, json!([width, height]), "the viewport took the size");
}

/// Writes a screenshot to docs/screenshots/`name`.png when asked to.
async fn screenshot(driver: &WebDriver, name: &str) {
    if std::env::var("PEERLINK_SCREENSHOTS").as_deref() != Ok("1") {
        return;
    }
    // Let fresh frames and transitions settle.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("docs/screenshots");
    let png = driver.screenshot_as_png().await.expect("a screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
}

/// Every element matching `selector` that is laid out, as `[visible, inside
/// the viewport]` pairs.
async fn on_screen(driver: &WebDriver, selector: &str) -> Vec<(bool, bool)> {
    let js = format!(
        "return [...document.querySelectorAll('{selector}')].map(e => {{ const r = e.getBoundingClientRect();
           return [r.width > 0 && r.height > 0, r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth]; }});"
    );
    page::script(driver, &js)
        .await
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| (r[0] == json!(true), r[1] == json!(true)))
                .collect()
        })
        .unwrap_or_default()
}

/// Clicks the bar button that opens or closes `panel` (chat, files, …).
async fn toggle_panel(driver: &WebDriver, panel: &str) {
    driver
        .find(By::Css(format!("button[aria-controls=panel-{panel}]")))
        .await
        .expect("the panel's bar button")
        .click()
        .await
        .expect("the panel button clicks");
}

async fn panel_open(driver: &WebDriver, panel: &str) -> bool {
    let js = format!("const p = document.getElementById('panel-{panel}'); return !!p && !p.hidden && p.getBoundingClientRect().height > 0;");
    page::script(driver, &js).await == json!(true)
}

/// A small file to send, in the temp directory.
fn small_file() -> PathBuf {
    let path = std::env::temp_dir().join(format!("peerlink-ui-{}-notes.txt", std::process::id()));
    std::fs::write(&path, "meeting notes\n".repeat(2_000)).expect("a temp file");
    path
}

#[tokio::test]
async fn every_view_passes_the_axe_core_audit() {
    let harness = Harness::start().await;
    let axe = axe_source();
    let lobby = harness.base_url();
    let alice_url = harness.room_url("ui-audit", "name=Alice");
    let bob_url = harness.room_url("ui-audit", "name=Bob");
    with_browsers(&harness, 2, |b| async move {
        let mut found = Vec::new();
        viewport(&b[0], 1280, 800, false).await;
        b[0].goto(&lobby).await.expect("the lobby loads");
        eventually("the lobby", Duration::from_secs(20), || async {
            b[0].find(By::Css("[data-testid=join]")).await.ok()
        })
        .await;
        found.extend(audit(&b[0], &axe, "lobby").await);

        b[0].goto(&alice_url).await.expect("the link opens");
        let join = eventually("the pre-join screen", Duration::from_secs(20), || async {
            b[0].find(By::Css("[data-testid=join]")).await.ok()
        })
        .await;
        found.extend(audit(&b[0], &axe, "pre-join").await);
        join.click().await.expect("alice joins");
        page::open_room(&b[1], &bob_url).await.expect("bob joins");
        wait_connected(&b[0], 1, "alice sees bob").await;
        wait_connected(&b[1], 1, "bob sees alice").await;

        for panel in ["chat", "files"] {
            toggle_panel(&b[0], panel).await;
        }
        found.extend(audit(&b[0], &axe, "call").await);

        toggle_panel(&b[0], "chat").await;
        page::send_chat(&b[1], "Hello Alice")
            .await
            .expect("bob writes");
        page::wait_chat(&b[0], "Hello Alice", "alice reads bob").await;
        page::send_chat(&b[0], "Hi Bob, sending the notes")
            .await
            .expect("alice writes");
        found.extend(audit(&b[0], &axe, "chat panel").await);

        toggle_panel(&b[0], "files").await;
        let path = small_file();
        b[1].find(By::Css("[data-testid=file-input]"))
            .await
            .expect("bob's file input")
            .send_keys(path.to_string_lossy())
            .await
            .expect("bob picks a file");
        eventually(
            "alice is offered the file",
            Duration::from_secs(20),
            || async {
                b[0].find(By::Css("[data-testid=transfer-accept]"))
                    .await
                    .ok()
            },
        )
        .await;
        found.extend(audit(&b[0], &axe, "files panel").await);
        b[0].find(By::Css("[data-testid=transfer-accept]"))
            .await
            .expect("accept")
            .click()
            .await
            .expect("alice accepts");
        eventually("the file arrives", Duration::from_secs(30), || async {
            b[0].find(By::Css("[data-testid=transfer][data-state=verified]"))
                .await
                .ok()
        })
        .await;
        wait_videos_playing(&b[0], "bob's video plays at alice").await;
        screenshot(&b[0], "desktop-files").await;

        toggle_panel(&b[0], "people").await;
        toggle_panel(&b[0], "settings").await;
        found.extend(audit(&b[0], &axe, "people and settings panels").await);
        color_scheme(&b[0], "dark").await;
        found.extend(audit(&b[0], &axe, "every panel, dark").await);
        let _ = std::fs::remove_file(&path);

        for line in &found {
            eprintln!("{line}");
        }
        assert!(
            found.is_empty(),
            "{} axe-core violations:\n{}",
            found.len(),
            found.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn on_a_phone_the_bar_fits_and_the_chat_sheet_sends_and_receives() {
    let harness = Harness::start().await;
    let alice_url = harness.room_url("ui-phone", "name=Alice");
    let bob_url = harness.room_url("ui-phone", "name=Bob");
    with_browsers(&harness, 2, |b| async move {
        viewport(&b[0], 390, 844, true).await;
        viewport(&b[1], 1280, 800, false).await;
        page::open_room(&b[0], &alice_url).await.expect("alice joins on a phone");
        page::open_room(&b[1], &bob_url).await.expect("bob joins on a desktop");
        assert_viewport(&b[0], 390, 844).await;
        assert_viewport(&b[1], 1280, 800).await;
        wait_connected(&b[0], 1, "alice sees bob").await;
        wait_connected(&b[1], 1, "bob sees alice").await;
        wait_videos_playing(&b[0], "bob's video plays at alice").await;
        wait_videos_playing(&b[1], "alice's video plays at bob").await;

        // The phone: every bar button on screen, nothing to scroll, no panel
        // over the video until asked.
        let bar = on_screen(&b[0], "nav.bar button").await;
        assert!(bar.len() >= 7, "the bar has its buttons: {bar:?}");
        assert!(bar.iter().all(|(shown, inside)| *shown && *inside), "every bar button is on the phone's screen: {bar:?}");
        let scrolls = page::script(&b[0], "return document.scrollingElement.scrollHeight > innerHeight;").await;
        assert_eq!(scrolls, json!(false), "the phone page does not scroll");
        assert!(!panel_open(&b[0], "chat").await, "the chat sheet starts closed on a phone");
        screenshot(&b[0], "phone-call").await;

        toggle_panel(&b[0], "chat").await;
        assert!(panel_open(&b[0], "chat").await, "the chat sheet opens");
        assert!(!panel_open(&b[0], "files").await, "one sheet at a time");
        let input = on_screen(&b[0], "[data-testid=chat-input], [data-testid=chat-send]").await;
        assert!(input.len() == 2 && input.iter().all(|(s, i)| *s && *i), "the chat form is on screen: {input:?}");
        page::send_chat(&b[0], "Sent from a phone").await.expect("alice writes");
        let from = page::wait_chat(&b[1], "Sent from a phone", "bob reads alice").await;
        assert!(!from.is_empty());
        page::send_chat(&b[1], "Read you on the desktop").await.expect("bob writes");
        page::wait_chat(&b[0], "Read you on the desktop", "alice reads bob").await;
        screenshot(&b[0], "phone-chat").await;

        // The desktop: chat and files beside the stage, the bar on screen.
        let bar = on_screen(&b[1], "nav.bar button").await;
        assert!(bar.iter().all(|(shown, inside)| *shown && *inside), "every bar button is on the desktop's screen: {bar:?}");
        assert!(panel_open(&b[1], "chat").await && panel_open(&b[1], "files").await, "chat and files start open on a desktop");
        let apart = page::script(&b[1], "const s = document.querySelector('.stage').getBoundingClientRect();
            const p = document.getElementById('panel-chat').getBoundingClientRect(); return s.right <= p.left;").await;
        assert_eq!(apart, json!(true), "the side panel is beside the stage, not over it");
        screenshot(&b[1], "desktop-call").await;
        color_scheme(&b[1], "dark").await;
        screenshot(&b[1], "desktop-call-dark").await;
    })
    .await;
}

/// Presses `key` with the focus wherever it is (the page body at first).
async fn press(driver: &WebDriver, key: impl Into<TypingData>) {
    driver
        .action_chain()
        .send_keys(key)
        .perform()
        .await
        .expect("a key press");
}

async fn attr(driver: &WebDriver, selector: &str, name: &str) -> Value {
    let js = format!("const e = document.querySelector('{selector}'); return e ? e.getAttribute('{name}') : null;");
    page::script(driver, &js).await
}

#[tokio::test]
async fn keyboard_shortcuts_tab_focus_and_the_movable_self_view() {
    let harness = Harness::start().await;
    let alice_url = harness.room_url("ui-keys", "name=Alice");
    let bob_url = harness.room_url("ui-keys", "name=Bob");
    with_browsers(&harness, 2, |b| async move {
        viewport(&b[0], 1280, 800, false).await;
        page::open_room(&b[0], &alice_url).await.expect("alice joins");
        page::open_room(&b[1], &bob_url).await.expect("bob joins");
        wait_connected(&b[0], 1, "alice sees bob").await;
        let d = &b[0];
        let mic = "nav.bar [data-control=mic]";
        eventually("the microphone button", Duration::from_secs(20), || async {
            (attr(d, mic, "aria-pressed").await == json!("true")).then_some(())
        })
        .await;
        press(d, "m").await;
        assert_eq!(attr(d, mic, "aria-pressed").await, json!("false"), "M mutes");
        let marked = page::script(d, "return !!document.querySelector('.tile.local .tile-label .mark');").await;
        assert_eq!(marked, json!(true), "our tile marks the muted microphone");
        press(d, "m").await;
        assert_eq!(attr(d, mic, "aria-pressed").await, json!("true"), "M unmutes");
        press(d, "v").await;
        assert_eq!(attr(d, "nav.bar [data-control=camera]", "aria-pressed").await, json!("false"), "V stops the camera");
        press(d, "v").await;
        assert!(panel_open(d, "chat").await);
        press(d, "c").await;
        assert!(!panel_open(d, "chat").await, "C closes the chat");
        press(d, "c").await;
        assert!(panel_open(d, "chat").await, "C opens it again");
        d.find(By::Css("[data-testid=chat-input]")).await.expect("chat input").click().await.expect("focus");
        press(d, "m").await;
        assert_eq!(attr(d, mic, "aria-pressed").await, json!("true"), "typing an m in the chat is text");

        // Tab reaches every control, each with a visible focus ring.
        page::script(d, "document.activeElement.blur(); return null;").await;
        let mut reached = Vec::new();
        for _ in 0..40 {
            press(d, Key::Tab).await;
            let js = "const e = document.activeElement; const ring = x => x && getComputedStyle(x).outlineStyle !== 'none';
                return [e.dataset.testid || e.dataset.control || e.dataset.panel || e.className || e.tagName,
                        ring(e) || ring(e.closest('label'))];";
            let row = page::script(d, js).await;
            reached.push((row[0].as_str().unwrap_or_default().to_string(), row[1] == json!(true)));
        }
        let without_ring: Vec<_> = reached
            .iter()
            .filter(|(name, ring)| !ring && name != "BODY")
            .collect();
        assert!(without_ring.is_empty(), "focus without a ring: {without_ring:?}");
        for wanted in ["mic", "camera", "screen", "chat-input", "file-input", "leave"] {
            assert!(reached.iter().any(|(name, _)| name == wanted), "Tab reaches {wanted}: {reached:?}");
        }

        // Our floating video: dragged to the top left, it snaps there; its
        // button moves it on clockwise.
        let tile = d.find(By::Css(".tile.local.floating")).await.expect("the floating self view");
        assert_eq!(attr(d, ".tile.local", "data-corner").await, json!("bottom-right"));
        d.action_chain()
            .drag_and_drop_element_by_offset(&tile, -700, -500)
            // thirtyfour 0.38's drag and drop leaves the button pressed.
            .release()
            .perform()
            .await
            .expect("a drag");
        eventually("the self view snaps to the top left", Duration::from_secs(5), || async {
            (attr(d, ".tile.local", "data-corner").await == json!("top-left")).then_some(())
        })
        .await;
        d.find(By::Css(".tile.local .move")).await.expect("the move button").click().await.expect("move");
        assert_eq!(attr(d, ".tile.local", "data-corner").await, json!("top-right"));
        press(d, Key::Down).await;
        assert_eq!(attr(d, ".tile.local", "data-corner").await, json!("bottom-right"), "an arrow key on the move button");
    })
    .await;
}
