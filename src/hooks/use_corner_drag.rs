//! `use_corner_drag`: moving a floating tile between the stage's corners —
//! dragged with any pointer (followed by listeners on the window, so the
//! drag survives leaving the tile; it snaps to the nearest corner on
//! release), cycled with a button, or pushed with the arrow keys. Which
//! corner is `peerlink_core::Corner`'s decision; this only reads pointer
//! positions and element boxes. The listeners are removed on cleanup.

use gloo_events::EventListener;
use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::html::{Article, Div};
use leptos::prelude::*;
use peerlink_core::Corner;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// A pointer must move this far (CSS px) before a press becomes a drag.
const DRAG_SLOP_PX: f64 = 4.0;

/// A drag in progress: the pointer and where it went down.
#[derive(Clone, Copy)]
struct Drag {
    pointer: i32,
    x: f64,
    y: f64,
}

#[derive(Clone, Copy)]
pub struct UseCornerDragReturn {
    /// The corner the tile rests in.
    pub corner: RwSignal<Corner>,
    /// How far the tile is dragged from its corner (CSS px), mid-drag.
    pub offset: RwSignal<Option<(i32, i32)>>,
    drag: StoredValue<Option<Drag>>,
    tile: NodeRef<Article>,
    stage: NodeRef<Div>,
    enabled: Signal<bool>,
}

fn on_button(ev: &PointerEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest("button").ok().flatten())
        .is_some()
}

impl UseCornerDragReturn {
    /// `pointerdown` on the tile: a primary press outside its buttons.
    pub fn start(&self, ev: &PointerEvent) {
        if !self.enabled.get_untracked() || ev.button() != 0 || on_button(ev) {
            return;
        }
        if let Some(tile) = self.tile.get_untracked() {
            let _ = tile.set_pointer_capture(ev.pointer_id());
        }
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        self.drag.set_value(Some(Drag {
            pointer: ev.pointer_id(),
            x,
            y,
        }));
    }

    /// `pointermove`: follows the pointer once it moved past the slop.
    pub fn track(&self, ev: &PointerEvent) {
        let Some(d) = self
            .drag
            .try_get_value()
            .flatten()
            .filter(|d| d.pointer == ev.pointer_id())
        else {
            return;
        };
        let dx = f64::from(ev.client_x()) - d.x;
        let dy = f64::from(ev.client_y()) - d.y;
        if self.offset.get_untracked().is_some() || dx.abs() + dy.abs() > DRAG_SLOP_PX {
            self.offset.set(Some((dx as i32, dy as i32)));
        }
    }

    /// `pointerup` (`snap`) or `pointercancel`: rests in the corner nearest
    /// to where the tile's centre was let go, or goes back.
    pub fn end(&self, snap: bool) {
        if self.drag.try_get_value().flatten().is_none() {
            return;
        }
        self.drag.set_value(None);
        if snap && self.offset.get_untracked().is_some() {
            if let (Some(tile), Some(stage)) =
                (self.tile.get_untracked(), self.stage.get_untracked())
            {
                let t = tile.get_bounding_client_rect();
                let s = stage.get_bounding_client_rect();
                let x = t.left() + t.width() / 2.0 - s.left();
                let y = t.top() + t.height() / 2.0 - s.top();
                self.corner
                    .set(Corner::nearest(x, y, s.width(), s.height()));
            }
        }
        self.offset.set(None);
    }

    /// `keydown` on the move button: arrow keys push toward a corner.
    pub fn key(&self, ev: &KeyboardEvent) {
        let now = self.corner.get_untracked();
        let next = now.toward(&ev.key());
        if next != now {
            ev.prevent_default();
            self.corner.set(next);
        }
    }

    /// The move button: the next corner clockwise.
    pub fn cycle(&self) {
        self.corner.update(|c| *c = c.next());
    }

    /// The tile's inline style mid-drag (empty at rest).
    pub fn style(&self) -> String {
        self.offset
            .get()
            .map(|(x, y)| format!("transform: translate({x}px, {y}px)"))
            .unwrap_or_default()
    }
}

/// Moves `tile` between the corners of `stage` while `enabled`.
pub fn use_corner_drag(
    tile: NodeRef<Article>,
    stage: NodeRef<Div>,
    enabled: Signal<bool>,
) -> UseCornerDragReturn {
    let drag = UseCornerDragReturn {
        corner: RwSignal::new(Corner::default()),
        offset: RwSignal::new(None),
        drag: StoredValue::new(None),
        tile,
        stage,
        enabled,
    };
    let listen = |window: &web_sys::Window, name: &'static str| {
        EventListener::new(window, name, move |event| {
            let Some(event) = event.dyn_ref::<PointerEvent>() else {
                return;
            };
            match name {
                "pointermove" => drag.track(event),
                "pointerup" => drag.end(true),
                _ => drag.end(false),
            }
        })
    };
    let listeners = web_sys::window()
        .map(|w| {
            Vec::from(["pointermove", "pointerup", "pointercancel"].map(|name| listen(&w, name)))
        })
        .unwrap_or_default();
    let listeners = StoredValue::new_local(listeners);
    on_cleanup(move || {
        listeners.try_set_value(Vec::new());
    });
    drag
}
