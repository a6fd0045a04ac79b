//! [`Session::apply`]: the one place commands take effect.

use crate::annotation::{Edit, Origin, Proposal, Rejected, Span, Status};

use super::bulk::accept_edit;
use super::bulk_job::{AcceptWhich, JobKind};
use super::command::{Command, Outcome, WorkflowError};
use super::corpus_search::{FIRST_DOCS, SearchJob, hits_in};
use super::focus::{self, Focus, Items};
use super::search::Scope;
use super::session::Session;
use super::words::{Direction, Edge};
use crate::arabic::name_key;
use crate::bidi::paragraph_at_is_rtl;

impl Session {
    /// Applies one command. On error nothing changed. Background results
    /// are taken in first, so the command sees the latest proposals.
    /// Commands that decide something on the open document are timed
    /// ([`super::timing`]): their records go to the timing file.
    pub fn apply(&mut self, cmd: Command) -> Result<Outcome, WorkflowError> {
        self.poll();
        let before = self.timing_before(&cmd);
        let out = self.apply_inner(cmd);
        self.free_dropped_views();
        let out = out?;
        if let (Some(b), Outcome::Edited { .. }) = (before, &out) {
            self.timing_after(b);
        }
        Ok(out)
    }

    fn apply_inner(&mut self, cmd: Command) -> Result<Outcome, WorkflowError> {
        match cmd {
            Command::Open(id) => {
                let i = self
                    .index_of(&id)
                    .ok_or(WorkflowError::NoSuchDocument(id))?;
                self.open_index(i);
                Ok(Outcome::Moved)
            }
            Command::NextDocument => self.step_document(true),
            Command::PreviousDocument => self.step_document(false),
            Command::MarkDoneAndNext => self.done_and_next(),
            Command::SetStatus(s) => self.set_status(s),
            Command::RejectPendingAndMarkDone { pending, next } => {
                self.reject_pending_and_done(pending, next)
            }
            Command::FocusFirstPending => {
                let i = self.current.ok_or(WorkflowError::NoDocument)?;
                let ann = &self.states[i].annotations;
                match focus::next(ann, None, Items::ProposalsOnly) {
                    Some(f) => {
                        self.focus = Some(f);
                        self.selection = None;
                        Ok(Outcome::Moved)
                    }
                    None => Ok(Outcome::Nothing("no proposal is pending here".into())),
                }
            }
            Command::Select { start, end } => self.select(start, end),
            Command::ClearSelection => {
                self.selection = None;
                self.focus = None;
                self.caret = None;
                Ok(Outcome::Moved)
            }
            Command::MoveCaret { side } => self.move_caret(side, false),
            Command::CaretAt(c) => self.caret_at(c),
            Command::Focus(f) => {
                let i = self.current.ok_or(WorkflowError::NoDocument)?;
                if !f.exists(&self.states[i].annotations) {
                    return Ok(Outcome::Nothing("that item is gone".into()));
                }
                self.focus = Some(f);
                self.caret = None;
                Ok(Outcome::Moved)
            }
            Command::FocusNext => self.move_focus(true),
            Command::FocusPrevious => self.move_focus(false),
            Command::AcceptFocused { label } => self.accept_focused(label),
            Command::RejectFocused => self.reject_focused(),
            Command::RelabelFocused(label) => self.relabel_focused(label),
            Command::DeleteFocused => self.delete_focused(),
            Command::CreateFromSelection(label) => self.create(label),
            Command::ApplyLabel(label) => {
                if self.selection.is_some() {
                    return self.create(label);
                }
                match &self.focus {
                    Some(f) if f.kind == focus::FocusKind::Proposal => {
                        self.accept_focused(Some(label))
                    }
                    Some(_) => self.relabel_focused(label),
                    None => Err(WorkflowError::NoSelection),
                }
            }
            Command::Resize { start, end } => {
                self.give_focused_edges(start.min(end), start.max(end))
            }
            Command::MoveEdge { edge, direction } => self.move_edge(edge, direction),
            Command::MoveEdgeVisual { edge, side } => {
                let i = self.current.ok_or(WorkflowError::NoDocument)?;
                match &self.focus {
                    Some(f) => {
                        let rtl = paragraph_at_is_rtl(&self.docs[i].text, f.start);
                        self.move_edge(edge, side.logical(rtl))
                    }
                    // Nothing focused: Shift+arrows extend the selection
                    // word by word from the caret (placed here if need be).
                    None if edge == Edge::End => self.move_caret(side, true),
                    None => Err(WorkflowError::NoFocus),
                }
            }
            Command::AcceptAllOfLabel(label) => {
                self.check_label(&label)?;
                if self.in_background() {
                    return self.start_accept(AcceptWhich::Label(label));
                }
                self.accept_all(|p| p.label == label)
            }
            Command::AcceptAllAbove(t) => {
                if self.in_background() {
                    return self.start_accept(AcceptWhich::Above(t));
                }
                self.accept_all(|p| p.confidence >= t)
            }
            Command::CancelJob => Ok(Outcome::Nothing(
                self.cancel_job()
                    .unwrap_or_else(|| "nothing is running".into()),
            )),
            Command::CancelRetraining => Ok(Outcome::Nothing(self.cancel_retraining())),
            Command::AnnotateAll { text, label, scope } => {
                self.check_label(&label)?;
                if scope == Scope::Document {
                    let i = self.current.ok_or(WorkflowError::NoDocument)?;
                    self.writable(i)?;
                }
                if self.in_background() {
                    let mut input = self.job_input();
                    match scope {
                        Scope::Corpus => match self.found_for(&text) {
                            Some(found) => input.found = Some(found),
                            None => input.find = Some((text.clone(), None)),
                        },
                        Scope::Document => {
                            input.find = Some((text.clone(), Some(self.scope_docs(scope))))
                        }
                    }
                    input.land = Some(self.land_input(&label));
                    let kind = JobKind::AnnotateAll { text, label, scope };
                    return Ok(self.start_job(kind, input));
                }
                let plan = self.plan_annotate_all(&text, &label, scope);
                if plan.edits.is_empty() {
                    return Ok(Outcome::Nothing(format!("no new occurrence of {text:?}")));
                }
                let items = plan.preview.new;
                let edits = plan
                    .edits
                    .into_iter()
                    .flat_map(|(i, e)| self.starting(i, e))
                    .collect();
                self.commit(edits, items)
            }
            Command::Undo => self.undo_step(false),
            Command::Redo => self.undo_step(true),
            Command::Search { query, scope } => {
                self.hits = self.search(&query, scope);
                Ok(Outcome::Found(self.hits.len()))
            }
            Command::StepHit(forward) => {
                let n = self.hits.len();
                if n == 0 {
                    return Ok(Outcome::Nothing("no search results".into()));
                }
                let shown = self.current.zip(self.selection).and_then(|(i, sel)| {
                    let id = &self.docs[i].id;
                    self.hits
                        .iter()
                        .position(|h| &h.doc_id == id && (h.start, h.end) == sel)
                });
                let next = match (shown, forward) {
                    (Some(k), true) => (k + 1) % n,
                    (Some(k), false) => (k + n - 1) % n,
                    (None, true) => 0,
                    (None, false) => n - 1,
                };
                self.apply(Command::OpenHit(next))
            }
            Command::OpenHit(n) => {
                let h = self.hits.get(n).ok_or(WorkflowError::NoSuchHit(n))?;
                let (id, start, end) = (h.doc_id.clone(), h.start, h.end);
                let i = self
                    .index_of(&id)
                    .ok_or(WorkflowError::NoSuchDocument(id))?;
                self.open_index(i);
                self.focus = None;
                self.selection = Some((start, end));
                self.caret_for_selection();
                Ok(Outcome::Moved)
            }
            Command::SetNote { at, text } => self.set_note(at, text),
        }
    }

    fn set_note(
        &mut self,
        at: Option<(usize, usize)>,
        text: String,
    ) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        let text = text.trim().to_string();
        let old = self.states[i].annotations.note(at).unwrap_or_default();
        if old == text {
            return Ok(Outcome::Nothing("the note is unchanged".into()));
        }
        if let Some((s, e)) = at
            && !self.states[i]
                .annotations
                .entities
                .iter()
                .any(|x| (x.start, x.end) == (s, e))
        {
            return Err(WorkflowError::NotAnEntity);
        }
        let text = (!text.is_empty()).then_some(text);
        let edits = vec![(i, Edit::SetNote { at, text })];
        self.commit(edits, 1)
    }

    fn check_label(&self, label: &str) -> Result<(), WorkflowError> {
        if self.schema.contains(label) {
            Ok(())
        } else {
            Err(WorkflowError::UnknownLabel(label.to_string()))
        }
    }

    fn writable(&self, i: usize) -> Result<(), WorkflowError> {
        match self.states[i].read_only {
            Some(_) => Err(self.read_only_error(i)),
            None => Ok(()),
        }
    }

    /// The open document, checked to be editable.
    fn editable(&self) -> Result<usize, WorkflowError> {
        let i = self.current.ok_or(WorkflowError::NoDocument)?;
        self.writable(i)?;
        Ok(i)
    }

    fn focused_entity(&self) -> Result<(usize, Span), WorkflowError> {
        let i = self.current.ok_or(WorkflowError::NoDocument)?;
        let f = self.focus.as_ref().ok_or(WorkflowError::NoFocus)?;
        let s = f
            .find_entity(&self.states[i].annotations)
            .ok_or(WorkflowError::NotAnEntity)?;
        Ok((i, s.clone()))
    }

    /// The editable current document, the focus and the proposal it is on
    /// (accepting and rejecting both act on it).
    fn focused_proposal(&self) -> Result<(usize, Focus, Proposal), WorkflowError> {
        let i = self.editable()?;
        let f = self.focus.clone().ok_or(WorkflowError::NoFocus)?;
        let p = f
            .find_proposal(&self.states[i].annotations)
            .ok_or(WorkflowError::NotAProposal)?
            .clone();
        Ok((i, f, p))
    }

    fn step_document(&mut self, forward: bool) -> Result<Outcome, WorkflowError> {
        let n = self.docs.len();
        let next = match (self.current, forward) {
            (None, _) if n > 0 => 0,
            (Some(c), true) if c + 1 < n => c + 1,
            (Some(c), false) if c > 0 => c - 1,
            _ => {
                let end = if forward { "last" } else { "first" };
                return Ok(Outcome::Nothing(format!("this is the {end} document")));
            }
        };
        self.open_index(next);
        Ok(Outcome::Moved)
    }

    /// The gate into "done" for document `i` ([`super::gate::check_done`]).
    fn gate(&self, i: usize) -> Result<(), WorkflowError> {
        super::gate::check_done(&self.states[i].annotations).map_err(|p| {
            WorkflowError::PendingProposals {
                doc_id: self.docs[i].id.clone(),
                pending: p.pending,
            }
        })
    }

    fn set_status(&mut self, s: Status) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        if s == Status::Done {
            // Before "already done": a done file holding pending proposals
            // (written elsewhere) asks too.
            self.gate(i)?;
        }
        let was = self.states[i].annotations.status;
        if was == s {
            return Ok(Outcome::Nothing(format!("already {}", s.as_str())));
        }
        let out = self.commit(vec![(i, Edit::SetStatus(s))], 0)?;
        self.status_changed(i, was);
        Ok(out)
    }

    /// After document `i`'s status left `was`: done teaches the learner; a
    /// document no longer done may take the machine's proposals again.
    fn status_changed(&mut self, i: usize, was: Status) {
        let now = self.states[i].annotations.status;
        if now == Status::Done {
            self.learn(i);
        } else if was == Status::Done {
            self.states[i].proposed = false;
            if self.current == Some(i) {
                self.request_proposals(i);
            }
        }
    }

    fn done_and_next(&mut self) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        let out = match self.set_status(Status::Done)? {
            Outcome::Nothing(_) => Outcome::Moved,
            o => o,
        };
        self.open_next_not_done(i);
        Ok(out)
    }

    /// Opens the next document after `i` (wrapping) that is neither done nor
    /// read-only, or says every document is done.
    fn open_next_not_done(&mut self, i: usize) {
        let n = self.docs.len();
        let next = (i + 1..n).chain(0..i).find(|&j| {
            self.states[j].annotations.status != Status::Done && self.states[j].read_only.is_none()
        });
        match next {
            Some(j) => self.open_index(j),
            None => self.message = Some("Every document is done.".into()),
        }
    }

    /// The gate's "reject them": every pending proposal rejected and the
    /// document marked done in one step, if exactly `pending` are pending.
    fn reject_pending_and_done(
        &mut self,
        pending: usize,
        next: bool,
    ) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        let ann = &self.states[i].annotations;
        if ann.proposals.len() != pending {
            return Err(WorkflowError::PendingProposals {
                doc_id: self.docs[i].id.clone(),
                pending: ann.proposals.len(),
            });
        }
        let was = ann.status;
        let mut edits: Vec<(usize, Edit)> =
            ann.proposals.iter().map(|p| (i, Edit::reject(p))).collect();
        if was != Status::Done {
            edits.push((i, Edit::SetStatus(Status::Done)));
        }
        let out = if edits.is_empty() {
            Outcome::Nothing(format!("already {}", Status::Done.as_str()))
        } else {
            let out = self.commit(edits, pending)?;
            self.status_changed(i, was);
            out
        };
        if next {
            self.open_next_not_done(i);
        }
        Ok(out)
    }

    /// Teaches the learner document `i` (just marked done).
    fn learn(&mut self, i: usize) {
        let Some(l) = &self.learner else { return };
        let doc = &self.docs[i];
        l.learner
            .remember(&doc.id, &doc.text, &self.states[i].annotations.entities);
        l.retrain();
        // The memory changed: documents are proposed for again when opened.
        for s in &mut self.states {
            s.proposed = false;
        }
    }

    fn select(&mut self, a: usize, b: usize) -> Result<Outcome, WorkflowError> {
        let i = self.current.ok_or(WorkflowError::NoDocument)?;
        let doc = self.docs[i].clone();
        self.note_views(i);
        let idx = self.states[i].index(&doc.text);
        let len = idx.char_len();
        let (mut s, mut e) = (a.min(b).min(len), a.max(b).min(len));
        // Spaces at the edges are never part of an entity.
        let chars = |x: usize| {
            idx.slice(&doc.text, x, x + 1)
                .and_then(|c| c.chars().next())
        };
        while s < e && chars(s).is_some_and(char::is_whitespace) {
            s += 1;
        }
        while e > s && chars(e - 1).is_some_and(char::is_whitespace) {
            e -= 1;
        }
        self.selection = (s < e).then_some((s, e));
        self.caret_for_selection();
        Ok(Outcome::Moved)
    }

    fn move_focus(&mut self, forward: bool) -> Result<Outcome, WorkflowError> {
        let i = self.current.ok_or(WorkflowError::NoDocument)?;
        let ann = &self.states[i].annotations;
        let f = if forward {
            focus::next(ann, self.focus.as_ref(), Items::All)
        } else {
            focus::previous(ann, self.focus.as_ref(), Items::All)
        };
        match f {
            Some(f) => {
                self.focus = Some(f);
                self.selection = None;
                self.caret = None;
                Ok(Outcome::Moved)
            }
            None => Ok(Outcome::Nothing("no proposals or entities here".into())),
        }
    }

    /// After deciding on the proposal at `from`: the next pending proposal
    /// in reading order (wrapping), else `fallback`.
    fn focus_next_proposal(&mut self, i: usize, from: &Focus, fallback: Option<Focus>) {
        let ann = &self.states[i].annotations;
        self.focus = focus::next(ann, Some(from), Items::ProposalsOnly).or(fallback);
    }

    fn accept_focused(&mut self, label: Option<String>) -> Result<Outcome, WorkflowError> {
        let (i, f, p) = self.focused_proposal()?;
        if let Some(l) = &label {
            self.check_label(l)?;
        }
        let span = p.accepted(label.as_deref());
        let edit = accept_edit(&self.states[i].annotations, &p, label.as_deref(), false);
        let edits = self.starting(i, vec![edit]);
        let out = self.commit(edits, 1)?;
        self.focus_next_proposal(i, &f, Some(Focus::entity(&span)));
        Ok(out)
    }

    fn reject_focused(&mut self) -> Result<Outcome, WorkflowError> {
        let (i, f, p) = self.focused_proposal()?;
        let edits = self.starting(i, vec![Edit::reject(&p)]);
        let out = self.commit(edits, 1)?;
        self.focus_next_proposal(i, &f, None);
        Ok(out)
    }

    fn relabel_focused(&mut self, label: String) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        self.check_label(&label)?;
        let (_, span) = self.focused_entity()?;
        if span.label == label {
            return Ok(Outcome::Nothing(format!("already {label}")));
        }
        let mut new = span.clone();
        new.label = label.clone();
        let edits = self.starting(i, vec![Edit::Relabel { span, label }]);
        let out = self.commit(edits, 1)?;
        self.focus = Some(Focus::entity(&new));
        Ok(out)
    }

    fn delete_focused(&mut self) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        let (_, span) = self.focused_entity()?;
        let f = Focus::entity(&span);
        // Deleting says "not this label here": remembered like a rejection,
        // so the proposal does not come back and other occurrences follow.
        let no = Rejected {
            start: span.start,
            end: span.end,
            label: span.label.clone(),
            text: span.text.clone(),
        };
        let edits = self.starting(
            i,
            vec![Edit::Batch(vec![Edit::Remove(span), Edit::Reject(no)])],
        );
        let out = self.commit(edits, 1)?;
        let ann = &self.states[i].annotations;
        self.focus = focus::next(ann, Some(&f), Items::All);
        Ok(out)
    }

    fn create(&mut self, label: String) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        self.check_label(&label)?;
        let (start, end) = self.selection.ok_or(WorkflowError::NoSelection)?;
        let span = Span {
            start,
            end,
            label,
            origin: Origin::Manual,
            text: String::new(),
            proposed: None,
        };
        let edits = self.starting(i, vec![Edit::Add(span.clone())]);
        let out = self.commit(edits, 1)?;
        self.selection = None;
        self.caret = None;
        self.focus = Some(Focus::entity(&span));
        Ok(out)
    }

    /// Moves one edge of the focused entity or proposal by one word.
    fn move_edge(&mut self, edge: Edge, direction: Direction) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        let f = self.focus.clone().ok_or(WorkflowError::NoFocus)?;
        let doc = self.docs[i].clone();
        self.note_views(i);
        let words = self.states[i].words(&doc.text);
        let (start, end) = words
            .move_edge(f.start, f.end, edge, direction)
            .ok_or(WorkflowError::CannotMove)?;
        self.give_focused_edges(start, end)
    }

    /// Gives the focused item the range `start..end`: an entity is resized;
    /// a proposal is fixed before it is accepted, becoming an entity of its
    /// label recorded as corrected (`Origin::Corrected(source)`), the
    /// guidelines' order (fix the boundaries, then confirm).
    fn give_focused_edges(&mut self, start: usize, end: usize) -> Result<Outcome, WorkflowError> {
        let i = self.current.ok_or(WorkflowError::NoDocument)?;
        let f = self.focus.as_ref().ok_or(WorkflowError::NoFocus)?;
        if f.kind == focus::FocusKind::Proposal {
            let (i, _, p) = self.focused_proposal()?;
            return self.correct_proposal(i, p, start, end);
        }
        let span = f
            .find_entity(&self.states[i].annotations)
            .ok_or(WorkflowError::NotAnEntity)?
            .clone();
        self.resize(span, start, end)
    }

    /// Proposal `p` of document `i` becomes the entity `start..end` of its
    /// label, recorded as a corrected proposal; the focus moves to it.
    fn correct_proposal(
        &mut self,
        i: usize,
        p: Proposal,
        start: usize,
        end: usize,
    ) -> Result<Outcome, WorkflowError> {
        if start >= end {
            return Err(WorkflowError::CannotMove);
        }
        let span = Span::new(start, end, p.label.clone(), Origin::Corrected(p.source));
        let ann = &self.states[i].annotations;
        let edit = if ann.find(&span).is_some() {
            // That entity exists already: the proposal just leaves the list.
            Edit::Unpropose(p)
        } else {
            Edit::Batch(vec![Edit::Unpropose(p), Edit::Add(span.clone())])
        };
        let edits = self.starting(i, vec![edit]);
        let out = self.commit(edits, 1)?;
        self.focus = Some(Focus::entity(&span));
        Ok(out)
    }

    /// Gives entity `span` of the open document the range `start..end`.
    fn resize(&mut self, span: Span, start: usize, end: usize) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        if (span.start, span.end) == (start, end) {
            return Ok(Outcome::Nothing(
                "the entity already has these edges".into(),
            ));
        }
        let mut moved = span.clone();
        (moved.start, moved.end) = (start, end);
        let edits = self.starting(i, vec![Edit::Resize { span, start, end }]);
        let out = self.commit(edits, 1)?;
        self.focus = Some(Focus::entity(&moved));
        Ok(out)
    }

    /// Starts accepting all of the open document's proposals passing
    /// `which` in the background: the job finds the other documents that
    /// mention the names and reads them; what is accepted is decided when it
    /// is applied, from the document as it is then.
    fn start_accept(&mut self, which: AcceptWhich) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        let keep = |p: &Proposal| match &which {
            AcceptWhich::Label(l) => &p.label == l,
            AcceptWhich::Above(t) => p.confidence >= *t,
        };
        let keys: Vec<String> = self.states[i]
            .annotations
            .proposals
            .iter()
            .filter(|p| keep(p))
            .map(|p| name_key(&p.text))
            .collect();
        if self.accept_where(i, keep).is_empty() {
            return Ok(Outcome::Nothing("no such proposals".into()));
        }
        let mut input = self.job_input();
        input.keys = keys;
        input.edited = vec![i];
        Ok(self.start_job(JobKind::Accept { doc: i, which }, input))
    }

    fn accept_all(
        &mut self,
        keep: impl Fn(&crate::annotation::Proposal) -> bool,
    ) -> Result<Outcome, WorkflowError> {
        let i = self.editable()?;
        let edits = self.accept_where(i, keep);
        if edits.is_empty() {
            return Ok(Outcome::Nothing("no such proposals".into()));
        }
        let n = edits.len();
        let out = self.commit(self.starting(i, edits), n)?;
        if let Some(f) = self.focus.clone()
            && !f.exists(&self.states[i].annotations)
        {
            self.focus_next_proposal(i, &f, None);
        }
        Ok(out)
    }

    /// Hits of `query` in the open document or the whole corpus. A corpus
    /// search looks in the documents the search index names (all of them
    /// while it is being built), answers the first [`FIRST_DOCS`] of them
    /// here and streams the rest in from a background thread (taken in by
    /// [`Session::poll`]; [`Session::searching`] says whether it runs).
    /// Hits come in corpus order either way, the same as a scan's.
    pub fn search(&mut self, query: &str, scope: Scope) -> Vec<super::search::Hit> {
        self.search_job = None;
        let docs: Vec<usize> = match scope {
            Scope::Document => self.current.into_iter().collect(),
            Scope::Corpus => {
                self.take_search_index();
                match &self.search_index {
                    Some(ix) => ix.candidates(query),
                    None => (0..self.docs.len()).collect(),
                }
            }
        };
        let (now, later) = docs.split_at(docs.len().min(FIRST_DOCS));
        let mut hits = Vec::new();
        for &i in now {
            hits.extend(hits_in(&self.docs[i], query));
        }
        if !later.is_empty() {
            let rest = later.iter().map(|&i| self.docs[i].clone()).collect();
            self.search_job = Some(SearchJob::start(
                rest,
                query.to_string(),
                self.waker.clone(),
            ));
        }
        hits
    }
}
