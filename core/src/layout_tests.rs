use super::*;

#[test]
fn grid_sizes_follow_the_people_count() {
    let sizes: Vec<u8> = (0..=20).map(grid_size).collect();
    assert_eq!(
        sizes,
        [1, 1, 2, 4, 4, 9, 9, 9, 9, 9, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16]
    );
}

#[test]
fn alone_our_video_fills_the_grid() {
    let plan = stage_plan(0, 0);
    assert_eq!(
        plan,
        StagePlan {
            grid: 1,
            self_in_grid: true,
            spotlight: false
        }
    );
    let two = stage_plan(1, 0);
    assert!(!two.self_in_grid, "with someone else, we float");
    assert_eq!(two.grid, 1);
    assert_eq!(stage_plan(3, 0).grid, 4);
    assert_eq!(stage_plan(15, 0).grid, 16);
}

#[test]
fn a_shared_screen_takes_the_stage() {
    assert!(stage_plan(2, 1).spotlight);
    assert!(!stage_plan(2, 0).spotlight);
}

#[test]
fn a_dropped_self_view_snaps_to_the_nearest_corner() {
    assert_eq!(Corner::nearest(10.0, 10.0, 800.0, 600.0), Corner::TopLeft);
    assert_eq!(Corner::nearest(790.0, 10.0, 800.0, 600.0), Corner::TopRight);
    assert_eq!(
        Corner::nearest(10.0, 590.0, 800.0, 600.0),
        Corner::BottomLeft
    );
    assert_eq!(
        Corner::nearest(401.0, 301.0, 800.0, 600.0),
        Corner::BottomRight
    );
    // Outside the stage (a drag past its edge) still picks a corner.
    assert_eq!(
        Corner::nearest(-50.0, 900.0, 800.0, 600.0),
        Corner::BottomLeft
    );
}

#[test]
fn the_move_button_cycles_every_corner() {
    let mut corner = Corner::default();
    let mut seen = vec![corner];
    for _ in 0..3 {
        corner = corner.next();
        assert!(!seen.contains(&corner));
        seen.push(corner);
    }
    assert_eq!(corner.next(), Corner::default());
}

#[test]
fn arrow_keys_move_to_the_corner_they_point_at() {
    let c = Corner::BottomRight;
    assert_eq!(c.toward("ArrowUp"), Corner::TopRight);
    assert_eq!(c.toward("ArrowLeft"), Corner::BottomLeft);
    assert_eq!(c.toward("ArrowDown"), c);
    assert_eq!(c.toward("Enter"), c);
    assert_eq!(Corner::TopLeft.toward("ArrowRight"), Corner::TopRight);
}

#[test]
fn wide_screens_stack_panels_phones_show_one() {
    let wide = Panels::initial(false);
    assert!(wide.is_open(Panel::Chat) && wide.is_open(Panel::Files));
    let wide = wide.toggle(Panel::People, false);
    assert!(wide.is_open(Panel::Chat) && wide.is_open(Panel::People));
    let wide = wide.toggle(Panel::Chat, false);
    assert!(!wide.is_open(Panel::Chat) && wide.is_open(Panel::Files));

    let phone = Panels::initial(true);
    assert!(!phone.any(), "nothing covers the video on a phone at first");
    let phone = phone.toggle(Panel::Chat, true);
    assert!(phone.is_open(Panel::Chat));
    let phone = phone.toggle(Panel::Files, true);
    assert!(phone.is_open(Panel::Files) && !phone.is_open(Panel::Chat));
    assert!(!phone.toggle(Panel::Files, true).any());
}

#[test]
fn narrowing_the_window_keeps_one_panel() {
    let wide = Panels::initial(false).open(Panel::Settings, false);
    let phone = wide.fit(true);
    assert!(phone.is_open(Panel::Chat));
    assert!(!phone.is_open(Panel::Files) && !phone.is_open(Panel::Settings));
    assert_eq!(wide.fit(false), wide);
    assert_eq!(Panels::default().fit(true), Panels::default());
}

#[test]
fn shortcuts_only_when_not_typing_and_unmodified() {
    assert_eq!(shortcut("m", false, false), Some(Shortcut::ToggleMic));
    assert_eq!(shortcut("M", false, false), Some(Shortcut::ToggleMic));
    assert_eq!(shortcut("v", false, false), Some(Shortcut::ToggleCamera));
    assert_eq!(
        shortcut("c", false, false),
        Some(Shortcut::TogglePanel(Panel::Chat))
    );
    assert_eq!(shortcut("m", false, true), None, "typing an m in chat");
    assert_eq!(shortcut("c", true, false), None, "Ctrl+C copies");
    assert_eq!(shortcut("x", false, false), None);
    assert_eq!(shortcut("Escape", false, false), None);
}
