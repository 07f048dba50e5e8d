//! Room-view decisions: which grid a call's tiles get, whether a shared
//! screen takes the stage, where the floating self view sits, which side
//! panels are open (one at a time on a phone) and what a key press does.
//! Plain values in and out; the CSS and the UI hooks render them.

/// How the stage is laid out for a number of remote peers and screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StagePlan {
    /// Tiles in the grid, rounded up to the grid size the CSS has a layout
    /// for: 1, 2, 4 (2×2), 9 (3×3) or 16 (4×4).
    pub grid: u8,
    /// Our own video is a grid tile (nobody else is here), not the small
    /// floating one.
    pub self_in_grid: bool,
    /// A shared screen fills the stage and the people go to a strip.
    pub spotlight: bool,
}

/// The plan for `peers` remote people sharing `screens` screens.
pub fn stage_plan(peers: usize, screens: usize) -> StagePlan {
    let self_in_grid = peers == 0;
    let tiles = if self_in_grid { 1 } else { peers };
    StagePlan {
        grid: grid_size(tiles),
        self_in_grid,
        spotlight: screens > 0,
    }
}

/// The smallest grid the CSS lays out that holds `tiles`.
pub fn grid_size(tiles: usize) -> u8 {
    match tiles {
        0 | 1 => 1,
        2 => 2,
        3 | 4 => 4,
        5..=9 => 9,
        _ => 16,
    }
}

/// A corner of the stage for the floating self view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    #[default]
    BottomRight,
}

impl Corner {
    /// The corner nearest to a point `(x, y)` of a `width` × `height` stage
    /// (where a dragged self view was let go).
    pub fn nearest(x: f64, y: f64, width: f64, height: f64) -> Corner {
        let left = x < width / 2.0;
        let top = y < height / 2.0;
        match (top, left) {
            (true, true) => Corner::TopLeft,
            (true, false) => Corner::TopRight,
            (false, true) => Corner::BottomLeft,
            (false, false) => Corner::BottomRight,
        }
    }

    /// The next corner clockwise (the *move* button).
    pub fn next(self) -> Corner {
        match self {
            Corner::TopLeft => Corner::TopRight,
            Corner::TopRight => Corner::BottomRight,
            Corner::BottomRight => Corner::BottomLeft,
            Corner::BottomLeft => Corner::TopLeft,
        }
    }

    /// The corner an arrow key points to from this one; other keys keep it.
    pub fn toward(self, key: &str) -> Corner {
        let (top, left) = self.sides();
        let (top, left) = match key {
            "ArrowUp" => (true, left),
            "ArrowDown" => (false, left),
            "ArrowLeft" => (top, true),
            "ArrowRight" => (top, false),
            _ => (top, left),
        };
        match (top, left) {
            (true, true) => Corner::TopLeft,
            (true, false) => Corner::TopRight,
            (false, true) => Corner::BottomLeft,
            (false, false) => Corner::BottomRight,
        }
    }

    fn sides(self) -> (bool, bool) {
        match self {
            Corner::TopLeft => (true, true),
            Corner::TopRight => (true, false),
            Corner::BottomLeft => (false, true),
            Corner::BottomRight => (false, false),
        }
    }

    /// The value of the self view's `data-corner` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Corner::TopLeft => "top-left",
            Corner::TopRight => "top-right",
            Corner::BottomLeft => "bottom-left",
            Corner::BottomRight => "bottom-right",
        }
    }
}

/// A side panel of the room view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Chat,
    Files,
    People,
    Settings,
}

impl Panel {
    pub const ALL: [Panel; 4] = [Panel::Chat, Panel::Files, Panel::People, Panel::Settings];

    fn bit(self) -> u8 {
        match self {
            Panel::Chat => 1,
            Panel::Files => 2,
            Panel::People => 4,
            Panel::Settings => 8,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Panel::Chat => "chat",
            Panel::Files => "files",
            Panel::People => "people",
            Panel::Settings => "settings",
        }
    }
}

/// The open side panels. On a wide screen several stack in the side
/// column; on a phone they are a bottom sheet, so at most one is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Panels(u8);

impl Panels {
    /// What a call opens with: chat and files beside the grid on a wide
    /// screen, nothing over the video on a phone.
    pub fn initial(narrow: bool) -> Panels {
        if narrow {
            Panels(0)
        } else {
            Panels(Panel::Chat.bit() | Panel::Files.bit())
        }
    }

    pub fn is_open(self, panel: Panel) -> bool {
        self.0 & panel.bit() != 0
    }

    pub fn any(self) -> bool {
        self.0 != 0
    }

    /// Opens or closes `panel`; on a phone opening one closes the others.
    pub fn toggle(self, panel: Panel, narrow: bool) -> Panels {
        if self.is_open(panel) {
            Panels(self.0 & !panel.bit())
        } else {
            self.open(panel, narrow)
        }
    }

    /// Opens `panel` (a shortcut, a file dropped); on a phone, alone.
    pub fn open(self, panel: Panel, narrow: bool) -> Panels {
        if narrow {
            Panels(panel.bit())
        } else {
            Panels(self.0 | panel.bit())
        }
    }

    /// The same panels after the window changed width: a phone keeps only
    /// the first open one.
    pub fn fit(self, narrow: bool) -> Panels {
        if !narrow {
            return self;
        }
        Panel::ALL
            .into_iter()
            .find(|p| self.is_open(*p))
            .map_or(Panels(0), |p| Panels(p.bit()))
    }
}

/// What a keyboard shortcut does in the room view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    ToggleMic,
    ToggleCamera,
    TogglePanel(Panel),
}

/// The shortcut for a key press: `key` is `KeyboardEvent.key`; `modified`
/// when Ctrl, Alt or Meta is held (those belong to the browser); `typing`
/// when the focus is in a text field (the letters are text then).
pub fn shortcut(key: &str, modified: bool, typing: bool) -> Option<Shortcut> {
    if modified || typing {
        return None;
    }
    match key {
        "m" | "M" => Some(Shortcut::ToggleMic),
        "v" | "V" => Some(Shortcut::ToggleCamera),
        "c" | "C" => Some(Shortcut::TogglePanel(Panel::Chat)),
        "f" | "F" => Some(Shortcut::TogglePanel(Panel::Files)),
        "p" | "P" => Some(Shortcut::TogglePanel(Panel::People)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
