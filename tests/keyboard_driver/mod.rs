//! A scripted annotator for the real workbench (issue 24, point 8): drives
//! `KashifApp` in an egui_kittest harness from the keyboard alone to a given
//! gold, planning every key from what the session shows now (what is
//! pending, what is focused, where the caret is) and what the gold wants,
//! as a sensible annotator would: the nearest unfinished task first, Tab /
//! Shift+Tab to reach a box, Enter to accept, a number key to relabel,
//! Alt+Shift+arrows and Shift+arrows to fix boundaries, Backspace to reject,
//! Delete to remove, arrows + Shift+arrows + a number key to draw what the
//! proposer missed, Ctrl+Enter to finish. Shared by `benches/session.rs`
//! and `tests/wire_keyboard_gold.rs`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use kashif::annotation::Status;
use kashif::bidi::paragraph_at_is_rtl;
use kashif::corpus::Corpus;
use kashif::schema::Schema;
use kashif::ui::backend::{Backend, Loaded};
use kashif::ui::dialogs::picker::FolderPicker;
use kashif::ui::{AppModel, Command, KashifApp};
use kashif::workflow::{Direction, Edge, FocusKind, Proposer, SaveTiming, Session, WordEdges};

pub const ANNOTATOR: &str = "driver";

/// One gold entity: chars `start..end` and its label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

struct DriverBackend {
    annotations: PathBuf,
    proposer: Option<Arc<dyn Proposer>>,
}

impl Backend for DriverBackend {
    fn open_folder(&mut self, dir: &Path, _: Option<&str>) -> Result<Loaded, String> {
        Err(format!("{}: the driver only opens sessions", dir.display()))
    }

    fn open_session(&mut self, dir: &Path, annotator: &str) -> Result<Session, String> {
        let corpus = Corpus::load(dir).map_err(|e| e.to_string())?;
        let timing = SaveTiming {
            debounce: Duration::from_millis(50),
            retry: Duration::from_millis(200),
        };
        let mut s = Session::open_with(
            corpus,
            Schema::builtin(),
            &self.annotations,
            annotator,
            timing,
        )
        .map_err(|e| e.to_string())?;
        if let Some(p) = &self.proposer {
            s.set_proposer(p.clone());
        }
        Ok(s)
    }
}

struct NoPicker;
impl FolderPicker for NoPicker {
    fn pick_folder(&mut self) -> Option<PathBuf> {
        None
    }
}

/// The workbench on `corpus` with `proposer`, annotations in `annotations`,
/// in a harness `size` points large, proposals for the first document in.
pub fn workbench(
    corpus: &Path,
    annotations: &Path,
    proposer: Option<Arc<dyn Proposer>>,
    size: (f32, f32),
) -> Harness<'static, KashifApp> {
    let backend = DriverBackend {
        annotations: annotations.to_path_buf(),
        proposer,
    };
    let mut model = AppModel::new(Schema::builtin(), Box::new(backend));
    model.apply(Command::SetAnnotator(ANNOTATOR.into()));
    model.apply(Command::OpenFolder(corpus.to_path_buf()));
    let app = KashifApp::new(model, Box::new(NoPicker));
    let mut h = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .with_max_steps(16)
        .build_ui_state(|ui, app: &mut KashifApp| app.ui(ui), app);
    settle(&mut h);
    h
}

fn session<'a>(h: &'a Harness<'_, KashifApp>) -> &'a Session {
    h.state().model.session.as_ref().expect("a session is open")
}

/// Frames until idle, every proposal request answered.
pub fn settle(h: &mut Harness<'_, KashifApp>) {
    for _ in 0..10 {
        h.step();
        let busy = match h.state_mut().model.session.as_mut() {
            Some(s) if s.proposing() => {
                s.wait_for_proposals();
                true
            }
            _ => false,
        };
        if !busy {
            break;
        }
    }
    h.run();
}

/// A key the driver pressed and why.
#[derive(Debug, Clone)]
pub struct Press {
    pub mods: Modifiers,
    pub key: Key,
    /// The gold entity the key works toward (index into the gold), or
    /// `None` for keys spent on what the gold does not want (rejecting,
    /// deleting) and finishing.
    pub toward: Option<usize>,
    pub wall: Duration,
}

/// How a gold entity was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Way {
    Accepted,
    Relabelled,
    Fixed,
    Drawn,
}

/// What a drive did.
#[derive(Debug, Default)]
pub struct Drive {
    pub presses: Vec<Press>,
    /// Per gold entity (by index), how it was made.
    pub ways: BTreeMap<usize, Way>,
    /// Gold entities missing from the result, and result entities the gold
    /// does not have, `(start, end, label, text)`.
    pub missing: Vec<(usize, usize, String, String)>,
    pub extra: Vec<(usize, usize, String, String)>,
    /// Whether the document ended marked done.
    pub done: bool,
    /// Why the drive stopped early, if it did.
    pub stuck: Option<String>,
}

impl Drive {
    /// The result equals the gold (same entities, exact spans and labels)
    /// and the document is done.
    pub fn reached(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.done && self.stuck.is_none()
    }

    pub fn keys_per_entity(&self, gold: usize) -> f64 {
        self.presses.len() as f64 / gold.max(1) as f64
    }
}

fn chord(mods: Modifiers) -> String {
    let mut s = String::new();
    if mods.ctrl || mods.command {
        s.push_str("Ctrl+");
    }
    if mods.alt {
        s.push_str("Alt+");
    }
    if mods.shift {
        s.push_str("Shift+");
    }
    s
}

impl Press {
    pub fn name(&self) -> String {
        format!("{}{:?}", chord(self.mods), self.key)
    }
}

/// A planned key: the chord and the gold entity it works toward.
#[derive(Debug, Clone, Copy)]
struct Plan {
    mods: Modifiers,
    key: Key,
    toward: Option<usize>,
    cost: usize,
}

/// One item in focus (reading) order: start, longer first, label, entity
/// first, as `workflow::focus` orders them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    start: usize,
    rev_end: std::cmp::Reverse<usize>,
    label: String,
    kind: u8,
}

impl Item {
    fn end(&self) -> usize {
        self.rev_end.0
    }
    fn is_proposal(&self) -> bool {
        self.kind == 1
    }
}

const NONE: Modifiers = Modifiers::NONE;
const SHIFT: Modifiers = Modifiers::SHIFT;

fn alt_shift() -> Modifiers {
    Modifiers {
        alt: true,
        shift: true,
        ..Modifiers::NONE
    }
}

/// The number key of `label` in the schema.
fn label_key(schema: &Schema, label: &str) -> Option<Key> {
    let c = schema.labels.iter().find(|l| l.name == label)?.key;
    Key::from_name(&c.to_string())
}

/// The arrow that moves `dir` (logically) in the paragraph at `at`.
fn arrow(text: &str, at: usize, dir: Direction) -> Key {
    let rtl = paragraph_at_is_rtl(text, at);
    match (dir, rtl) {
        (Direction::Forward, true) | (Direction::Backward, false) => Key::ArrowLeft,
        _ => Key::ArrowRight,
    }
}

/// The boundary keys that turn `from` into `to`, simulated on the
/// document's word edges (expanding before shrinking, so the range never
/// empties): `(edge, direction)` per key, or `None` if the word edges
/// cannot reach `to`.
fn edge_moves(
    words: &WordEdges,
    from: (usize, usize),
    to: (usize, usize),
) -> Option<Vec<(Edge, Direction)>> {
    let (mut s, mut e) = from;
    let mut out = Vec::new();
    for _ in 0..64 {
        if (s, e) == to {
            return Some(out);
        }
        let step = if s > to.0 {
            (Edge::Start, Direction::Backward)
        } else if e < to.1 {
            (Edge::End, Direction::Forward)
        } else if s < to.0 {
            (Edge::Start, Direction::Forward)
        } else {
            (Edge::End, Direction::Backward)
        };
        let (ns, ne) = words.move_edge(s, e, step.0, step.1)?;
        // Overshooting the target edge means the word edges do not hold it.
        match step {
            (Edge::Start, Direction::Backward) if ns < to.0 => return None,
            (Edge::Start, Direction::Forward) if ns > to.0 => return None,
            (Edge::End, Direction::Forward) if ne > to.1 => return None,
            (Edge::End, Direction::Backward) if ne < to.1 => return None,
            _ => {}
        }
        (s, e) = (ns, ne);
        out.push(step);
    }
    None
}

/// What the driver needs of the open document, read fresh before each key.
struct View {
    text: String,
    items: Vec<Item>,
    entities: Vec<(usize, usize, String)>,
    proposals: Vec<(usize, usize, String)>,
    focus: Option<usize>,
    caret: Option<((usize, usize), (usize, usize))>,
    selection: Option<(usize, usize)>,
    words: Vec<(usize, usize)>,
    edges: WordEdges,
    done: bool,
}

fn view(h: &Harness<'_, KashifApp>) -> Option<View> {
    let s = session(h);
    let doc = s.current_document()?;
    let ann = s.current_annotations()?;
    let text = doc.text.clone();
    let mut items: Vec<Item> = ann
        .entities
        .iter()
        .map(|e| Item {
            start: e.start,
            rev_end: std::cmp::Reverse(e.end),
            label: e.label.clone(),
            kind: 0,
        })
        .chain(ann.proposals.iter().map(|p| Item {
            start: p.start,
            rev_end: std::cmp::Reverse(p.end),
            label: p.label.clone(),
            kind: 1,
        }))
        .collect();
    items.sort();
    let focus = s.focus().and_then(|f| {
        let kind = u8::from(f.kind == FocusKind::Proposal);
        items.iter().position(|i| {
            (i.start, i.end(), i.label.as_str(), i.kind) == (f.start, f.end, f.label.as_str(), kind)
        })
    });
    let edges = WordEdges::new(&text);
    let chars: Vec<char> = text.chars().collect();
    let words = edges
        .tokens
        .iter()
        .copied()
        .filter(|&(a, b)| chars[a..b].iter().any(|c| c.is_alphanumeric()))
        .collect();
    Some(View {
        items,
        entities: ann
            .entities
            .iter()
            .map(|e| (e.start, e.end, e.label.clone()))
            .collect(),
        proposals: ann
            .proposals
            .iter()
            .map(|p| (p.start, p.end, p.label.clone()))
            .collect(),
        focus,
        caret: s.caret().map(|c| (c.anchor, c.head)),
        selection: s.selection(),
        words,
        edges,
        done: ann.status == Status::Done,
        text,
    })
}

impl View {
    /// Index of the caret word holding char `c`, or the next word.
    fn word_at(&self, c: usize) -> usize {
        self.words.partition_point(|&(_, e)| e <= c)
    }

    /// Tab presses from the focus to item `j` and the chord that goes there.
    fn tabs_to(&self, j: usize) -> (usize, Modifiers) {
        match self.focus {
            Some(i) if j >= i => (j - i, NONE),
            Some(i) => (i - j, SHIFT),
            // From nothing focused Tab starts at the first item shown.
            None => (j + 1, NONE),
        }
    }
}

/// What the gold still wants done, with its plan's cost and first key.
fn plan(
    v: &View,
    gold: &[GoldSpan],
    schema: &Schema,
    stuck_fixes: &[(usize, usize)],
) -> Option<Plan> {
    let key_of = |g: &GoldSpan| (g.start, g.end, g.label.clone());
    let has_entity = |g: &GoldSpan| v.entities.contains(&key_of(g));
    let gold_at = |s: usize, e: usize| gold.iter().position(|g| (g.start, g.end) == (s, e));
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    // Tasks are taken in reading order, as an annotator reads the text;
    // each by its cheapest way from where the keyboard is now.
    let mut best: Option<(usize, Plan)> = None;
    let mut consider = |pos: usize, p: Plan| {
        if best.is_none_or(|(bpos, b)| (pos, p.cost) < (bpos, b.cost)) {
            best = Some((pos, p));
        }
    };
    // Gold entities some box will become (a pending proposal or an entity
    // that is fixed): not drawn.
    let mut claimed = vec![false; gold.len()];
    for (j, it) in v.items.iter().enumerate() {
        let span = (it.start, it.end());
        let is_gold_entity = !it.is_proposal()
            && gold
                .iter()
                .any(|g| key_of(g) == (span.0, span.1, it.label.clone()));
        if is_gold_entity {
            continue;
        }
        // What this box should become: the gold at its place, else the
        // unmade gold it overlaps that its boundary keys can reach.
        let target = gold_at(span.0, span.1)
            .filter(|&k| !has_entity(&gold[k]))
            .map(|k| (k, Vec::new()))
            .or_else(|| {
                gold.iter().enumerate().find_map(|(k, g)| {
                    if has_entity(g) || claimed[k] || !overlaps(span, (g.start, g.end)) {
                        return None;
                    }
                    if stuck_fixes.contains(&span) {
                        return None;
                    }
                    edge_moves(&v.edges, span, (g.start, g.end)).map(|m| (k, m))
                })
            });
        let (tabs, tab_mods) = v.tabs_to(j);
        let focused = v.focus == Some(j);
        let nav = |cost: usize, toward: Option<usize>| Plan {
            mods: tab_mods,
            key: Key::Tab,
            toward,
            cost,
        };
        match target {
            Some((k, moves)) => {
                claimed[k] = true;
                let g = &gold[k];
                let relabel = usize::from(g.label != it.label);
                let cost = tabs
                    + moves.len()
                    + relabel
                    + usize::from(it.is_proposal() && moves.is_empty() && relabel == 0);
                if !focused {
                    consider(it.start, nav(cost, Some(k)));
                    continue;
                }
                let first = if let Some(&(edge, dir)) = moves.first() {
                    let mods = if edge == Edge::Start {
                        alt_shift()
                    } else {
                        SHIFT
                    };
                    Plan {
                        mods,
                        key: arrow(&v.text, it.start, dir),
                        toward: Some(k),
                        cost,
                    }
                } else if relabel == 1 {
                    Plan {
                        mods: NONE,
                        key: label_key(schema, &g.label)?,
                        toward: Some(k),
                        cost,
                    }
                } else {
                    Plan {
                        mods: NONE,
                        key: Key::Enter,
                        toward: Some(k),
                        cost,
                    }
                };
                consider(it.start, first);
            }
            None => {
                // Not wanted: reject the proposal, delete the entity.
                let cost = tabs + 1;
                if !focused {
                    consider(it.start, nav(cost, None));
                    continue;
                }
                let key = if it.is_proposal() {
                    Key::Backspace
                } else {
                    Key::Delete
                };
                consider(
                    it.start,
                    Plan {
                        mods: NONE,
                        key,
                        toward: None,
                        cost,
                    },
                );
            }
        }
    }
    // Gold entities nothing will become: drawn with the caret, which
    // selects from the word it starts on (anchor) to the word it reaches
    // with Shift (head), either way.
    for (k, g) in gold.iter().enumerate() {
        if has_entity(g) || claimed[k] {
            continue;
        }
        let first = v.word_at(g.start);
        let last = v.word_at(g.end.saturating_sub(1));
        let extend = last - first.min(last);
        let Some(label_key) = label_key(schema, &g.label) else {
            continue;
        };
        let go = |dir: Direction, at: usize| arrow(&v.text, at, dir);
        let mut add = |mods: Modifiers, key: Key, cost: usize| {
            consider(
                g.start,
                Plan {
                    mods,
                    key,
                    toward: Some(k),
                    cost,
                },
            )
        };
        // From the caret.
        if let (Some((anchor, head)), None) = (v.caret, v.focus) {
            let h = v.word_at(head.0);
            let a = v.word_at(anchor.0);
            let at = v.words.get(h).map_or(0, |w| w.0);
            if (a.min(h), a.max(h)) == (first, last) {
                // The words are selected: label them. When the guidelines'
                // trim gives another span (a first letter taken for a
                // proclitic), the boundary keys fix the entity after.
                match v.selection {
                    Some(sel) if sel == (g.start, g.end) => add(NONE, label_key, 1),
                    Some(sel) => {
                        if let Some(m) = edge_moves(&v.edges, sel, (g.start, g.end)) {
                            add(NONE, label_key, 1 + m.len());
                        }
                    }
                    None => {}
                }
            } else if a == first && (first..last).contains(&h) {
                add(SHIFT, go(Direction::Forward, at), last - h + 1);
            } else if a == last && h > first && h <= last {
                add(SHIFT, go(Direction::Backward, at), h - first + 1);
            } else if h < first {
                add(NONE, go(Direction::Forward, at), first - h + extend + 1);
            } else if h > last {
                add(NONE, go(Direction::Backward, at), h - last + extend + 1);
            } else if h > first {
                add(NONE, go(Direction::Backward, at), h - first + extend + 1);
            } else {
                add(NONE, go(Direction::Forward, at), 2 + extend + 1);
            }
        }
        // From a box: the first arrow steps off it onto the next word
        // (forward: the gold's first word is reached and Shift grows it
        // forward; backward: its last word, grown backward).
        for (j, it) in v.items.iter().enumerate() {
            let (a, b) = (v.word_at(it.start), v.word_at(it.end().saturating_sub(1)));
            let (steps, dir) = if first > b {
                (first - b, Direction::Forward)
            } else if last < a {
                (a - last, Direction::Backward)
            } else {
                continue;
            };
            let (tabs, tab_mods) = v.tabs_to(j);
            let cost = tabs + steps + extend + 1;
            if v.focus == Some(j) {
                add(NONE, go(dir, it.start), cost);
            } else {
                add(tab_mods, Key::Tab, cost);
            }
        }
        // From nothing placed: the first arrow lands on the first word.
        if v.caret.is_none() && v.focus.is_none() {
            add(NONE, go(Direction::Forward, 0), first + 1 + extend + 1);
        }
    }
    best.map(|(_, p)| p)
}

/// The boxes, the focus and the caret (anchor, head) at one moment: a
/// state seen three times means the plan goes round in circles.
type Seen = (
    Vec<Item>,
    Option<usize>,
    Option<((usize, usize), (usize, usize))>,
);

/// Drives the open document to `gold` from the keyboard, at most
/// `max_keys` keys, then Ctrl+Enter. Returns every key pressed and what
/// the result is against the gold.
pub fn drive(h: &mut Harness<'_, KashifApp>, gold: &[GoldSpan], max_keys: usize) -> Drive {
    let schema = Schema::builtin();
    let mut out = Drive::default();
    let mut stuck_fixes: Vec<(usize, usize)> = Vec::new();
    let mut seen: Vec<Seen> = Vec::new();
    let doc_id = session(h)
        .current_document()
        .map(|d| d.id.clone())
        .unwrap_or_default();
    loop {
        let Some(v) = view(h) else {
            out.stuck = Some("no document open".into());
            break;
        };
        if out.presses.len() >= max_keys {
            out.stuck = Some(format!("more than {max_keys} keys"));
            break;
        }
        let state = (v.items.clone(), v.focus, v.caret);
        if seen.iter().filter(|s| **s == state).count() > 2 {
            out.stuck = Some(format!(
                "going round in circles at {:?}",
                v.focus.map(|f| &v.items[f])
            ));
            break;
        }
        seen.push(state);
        let plan = match plan(&v, gold, &schema, &stuck_fixes) {
            Some(p) => p,
            None => {
                let all = gold
                    .iter()
                    .all(|g| v.entities.contains(&(g.start, g.end, g.label.clone())));
                if all && v.proposals.is_empty() && v.entities.len() == gold.len() {
                    // Finished: Ctrl+Enter marks it done.
                    Plan {
                        mods: Modifiers::COMMAND,
                        key: Key::Enter,
                        toward: None,
                        cost: 1,
                    }
                } else {
                    out.stuck = Some("no key plan reaches the gold from here".into());
                    break;
                }
            }
        };
        if std::env::var_os("KASHIF_DRIVER_DEBUG").is_some() {
            eprintln!(
                "{}{:?} toward {:?} (cost {}); focus {:?} caret {:?} selection {:?}",
                chord(plan.mods),
                plan.key,
                plan.toward.map(|k| &gold[k]),
                plan.cost,
                v.focus.map(|f| &v.items[f]),
                v.caret,
                v.selection
            );
        }
        let focus_before = v.focus.map(|f| v.items[f].clone());
        let t = Instant::now();
        h.key_press_modifiers(plan.mods, plan.key);
        settle(h);
        let wall = t.elapsed();
        out.presses.push(Press {
            mods: plan.mods,
            key: plan.key,
            toward: plan.toward,
            wall,
        });
        // A boundary key that changed nothing marks that fix as stuck.
        if plan.mods.shift
            && plan.key != Key::Tab
            && let (Some(f), Some(after)) = (focus_before, view(h))
            && after.focus.map(|j| after.items[j].clone()) == Some(f.clone())
        {
            stuck_fixes.push((f.start, f.end()));
        }
        if plan.mods.command && plan.key == Key::Enter {
            break;
        }
    }
    // The document marked done (Ctrl+Enter opened the next one).
    let s = session(h);
    let i = s.index_of(&doc_id);
    let ann = i.and_then(|i| s.annotations(i));
    let text: Vec<char> = i
        .and_then(|i| s.documents().get(i))
        .map(|d| d.text.chars().collect())
        .unwrap_or_default();
    let slice = |a: usize, b: usize| {
        text.get(a..b)
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    if let Some(ann) = ann {
        out.done = ann.status == Status::Done;
        let got: Vec<(usize, usize, String)> = ann
            .entities
            .iter()
            .map(|e| (e.start, e.end, e.label.clone()))
            .collect();
        for g in gold {
            if !got.contains(&(g.start, g.end, g.label.clone())) {
                out.missing
                    .push((g.start, g.end, g.label.clone(), slice(g.start, g.end)));
            }
        }
        for (a, b, l) in &got {
            if !gold
                .iter()
                .any(|g| (g.start, g.end, &g.label) == (*a, *b, l))
            {
                out.extra.push((*a, *b, l.clone(), slice(*a, *b)));
            }
        }
        for (k, g) in gold.iter().enumerate() {
            let Some(e) = ann
                .entities
                .iter()
                .find(|e| (e.start, e.end, &e.label) == (g.start, g.end, &g.label))
            else {
                continue;
            };
            use kashif::annotation::Decision as D;
            let way = match e.decision() {
                D::Accepted | D::AcceptedInBulk => Way::Accepted,
                D::CorrectedLabel => Way::Relabelled,
                D::CorrectedBoundaries | D::CorrectedBoth | D::Corrected => Way::Fixed,
                D::Manual | D::Imported => Way::Drawn,
            };
            out.ways.insert(k, way);
        }
    }
    out
}
