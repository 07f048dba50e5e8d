//! Browser entry point: mounts the app, nothing else.

fn main() {
    leptos::mount::mount_to_body(peerlink::App);
}
