//! The release build loads in a browser and shows the lobby.

use std::time::Duration;

use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};

#[tokio::test]
async fn release_build_shows_the_lobby() {
    let harness = Harness::start().await;
    let browser = harness.browser().await;
    let result = async {
        browser.goto(harness.base_url()).await?;
        let join = eventually("the join button", Duration::from_secs(20), || async {
            browser.find(By::Css("[data-testid=join]")).await.ok()
        })
        .await;
        let label = join.text().await?;
        assert!(label == "Join" || label == "加入", "join says {label:?}");
        assert!(browser
            .find(By::Css("[data-testid=room-input]"))
            .await
            .is_ok());
        assert!(browser
            .find(By::Css("[data-testid=name-input]"))
            .await
            .is_ok());
        WebDriverResult::Ok(())
    }
    .await;
    let _ = browser.quit().await;
    result.expect("the lobby test ran");
}
