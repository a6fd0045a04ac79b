//! Committing edits as one undo step, and undoing/redoing steps, across
//! documents. Every change is handed to autosave.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::annotation::{DocAnnotations, Edit, Status};

use super::bulk_job::{JobOutput, candidates_for_keys};
use super::command::{Outcome, WorkflowError};
use super::doc_settle::{self, DocParts, Recheck};
use super::focus::Focus;
use super::proposals::Proposer;
use super::session::Session;
use super::settle::{AdmitMemo, Knowledge, Places};
use super::undo::{Change, Step, describe};
use rayon::prelude::*;

/// One document's new pending list after a decision followed into it.
pub(super) struct Settled {
    pub doc: usize,
    /// The document's whole state with its new pending list (what replaces
    /// it in the session, and what autosave writes).
    pub annotations: Arc<DocAnnotations>,
    /// From the old pending list to the new one.
    pub edits: Vec<Edit>,
}

/// From how many documents reached by a decided name, holding no token forms
/// their text, the follow-up is settled after their views are built on a
/// thread of their own ([`Session::land_follow`]): about 0.15 ms a
/// document on two cores, so below this it fits a frame.
pub const FOLLOW_BACKGROUND_FROM: usize = 64;

/// A follow-up being settled on a thread of its own.
pub(super) struct PendingFollow {
    keys: Vec<String>,
    /// The knowledge and name proposer it is settled with: when either is
    /// another by the time it lands, it is settled again here.
    know: Arc<Knowledge>,
    names: Option<Arc<dyn Proposer>>,
    done: std::sync::mpsc::Receiver<FollowedOff>,
}

/// What a follow-up's thread hands back: every document found holding one
/// of its names, with the annotations it was settled from, and the new
/// pending lists of those that change.
struct FollowedOff {
    held: Vec<(usize, Arc<DocAnnotations>)>,
    settled: Vec<Settled>,
}

impl Session {
    /// Applies `edits` (document, edit) in order as one undo step: all or
    /// nothing. Refuses read-only documents before touching anything.
    /// `items` is the count reported to the user.
    pub(super) fn commit(
        &mut self,
        edits: Vec<(usize, Edit)>,
        items: usize,
    ) -> Result<Outcome, WorkflowError> {
        self.commit_prepared(edits, items, None)
    }

    /// As [`Session::commit`], with what a background job prepared for it
    /// ([`super::bulk_job`]): the documents that may hold the names it
    /// decides, and the views of the text of those documents, so what
    /// follows from the step reads no document on this thread. Names or
    /// documents the job did not prepare for are looked up here as usual.
    pub(super) fn commit_prepared(
        &mut self,
        edits: Vec<(usize, Edit)>,
        items: usize,
        prepared: Option<&mut JobOutput>,
    ) -> Result<Outcome, WorkflowError> {
        // The last step's follow-up lands first: it joins that step.
        self.land_follow(true);
        if let Some(&(i, _)) = edits
            .iter()
            .find(|(i, _)| self.states[*i].read_only.is_some())
        {
            return Err(self.read_only_error(i));
        }
        let mut step = Step {
            items,
            ..Step::default()
        };
        self.touched_keys.clear();
        for (doc, edit) in edits {
            if let Some(parts) = prepared.as_deref().and_then(|p| p.parts.get(&doc)) {
                self.seed_views(doc, parts);
            }
            match self.edit_doc(doc, edit) {
                Ok(inverse) => step.changes.push(Change {
                    doc,
                    inverse,
                    follows: false,
                }),
                Err(e) => {
                    for c in step.changes.into_iter().rev() {
                        // Inverses of edits just applied always apply.
                        let _ = self.edit_doc(c.doc, c.inverse);
                    }
                    self.touched_keys.clear();
                    return Err(e.into());
                }
            }
        }
        // What the user changed (named for undo); what follows elsewhere is
        // in `message`.
        let decided = step.documents().len();
        step.name = describe(&step.changes, |d| {
            self.states[d].annotations.status.as_str().to_string()
        });
        let saved = self.follow(&mut step, prepared);
        self.save_many(step.documents().into_iter().filter(|d| !saved.contains(d)));
        step.outside_at = self.outside_changes;
        self.undo.push(step);
        Ok(Outcome::Edited {
            documents: decided,
            changes: items,
        })
    }

    /// A decision reaches every occurrence: the documents the step touched,
    /// and every document mentioning a name whose decisions changed, get
    /// their pending proposals settled again (relabelled to the annotator's
    /// label, dropped where rejected or now clashing) and, where not done,
    /// memory proposals on the confirmed name's other occurrences. The
    /// changes join `step`, so one undo takes the decision and what followed
    /// from it back.
    fn follow(&mut self, step: &mut Step, prepared: Option<&mut JobOutput>) -> BTreeSet<usize> {
        let keys = self.take_touched_keys();
        let edited = changed_places(&step.changes);
        let mut elsewhere = 0;
        let defer = prepared.is_none();
        let settled = self.settle_many_deferring(&edited, &keys, prepared, defer);
        let mut saved = BTreeSet::new();
        for (i, edits) in self.put_settled(settled) {
            // The inverse of the settled list's edits (proposals only:
            // nothing the knowledge counts) puts the old one back as one
            // change.
            if self.current != Some(i) {
                elsewhere += edits.len();
            }
            step.changes.push(Change {
                doc: i,
                inverse: follow_inverse(edits),
                follows: true,
            });
            saved.insert(i);
        }
        self.touched_keys.clear();
        self.say_elsewhere(elsewhere);
        saved
    }

    /// Says how many pending proposals a decision changed in documents
    /// other than the open one (nothing when none).
    pub(super) fn say_elsewhere(&mut self, changed: usize) {
        if changed > 0 {
            self.message = Some(format!(
                "{} in other documents",
                crate::text::count(changed, "proposal changed", "proposals changed")
            ));
        }
    }

    /// Puts settled lists in place at once, hands their autosave copies over
    /// in one batch and frees the old lists off this thread; the documents
    /// and their edits from old to new, in the order given.
    pub(super) fn put_settled(&mut self, settled: Vec<Settled>) -> Vec<(usize, Vec<Edit>)> {
        let mut snapshots = Vec::with_capacity(settled.len());
        let mut olds = Vec::with_capacity(settled.len());
        let mut out = Vec::with_capacity(settled.len());
        for s in settled {
            snapshots.push((self.docs[s.doc].clone(), s.annotations.clone()));
            olds.push(std::mem::replace(
                &mut self.states[s.doc].annotations,
                s.annotations,
            ));
            self.states[s.doc].edited = true;
            self.touch(s.doc);
            out.push((s.doc, s.edits));
        }
        self.saver.enqueue_many(snapshots);
        doc_settle::drop_elsewhere(olds);
        out
    }

    /// Settles the follow-up of a decision in `docs` on a thread of its
    /// own: builds their views, keeps those holding one of `keys`, and
    /// settles them with the knowledge as it is now; [`Session::land_follow`]
    /// takes the new lists in. Landing did the settling on the frame's
    /// thread before: 17-33 ms frames at 20,000 documents (perf, issue 26).
    ///
    /// Each document comes with `None` when it is known to hold a name of
    /// `keys`, or `Some(pending)` when that is still to be found out there
    /// (from its normalised text: the names that spread always, the others
    /// only where proposals are `pending`, as [`Session::holding`] does).
    fn defer_follow(&mut self, keys: &[String], docs: Vec<(usize, Option<bool>)>) {
        let texts: Vec<(usize, Arc<crate::corpus::Document>, Option<bool>)> = docs
            .iter()
            .map(|&(i, check)| (i, self.docs[i].clone(), check))
            .collect();
        let anns: HashMap<usize, Arc<DocAnnotations>> = docs
            .iter()
            .map(|&(i, _)| (i, self.states[i].annotations.clone()))
            .collect();
        let (spreading, quiet): (Vec<String>, Vec<String>) = keys
            .iter()
            .cloned()
            .partition(|k| self.knowledge.spread(k).is_some());
        let (tx, rx) = std::sync::mpsc::channel();
        let waker = self.waker.clone();
        let know = self.knowledge.clone();
        let names = self.names.clone();
        let all_keys = keys.to_vec();
        let build = move || {
            super::priority::lower_this_thread();
            let holds = |text: &str, pending: bool| {
                let folded = crate::arabic::normalize(text).into_string();
                spreading.iter().any(|k| doc_settle::may_hold(&folded, k))
                    || (pending && quiet.iter().any(|k| doc_settle::may_hold(&folded, k)))
            };
            let pool = super::priority::background_pool();
            let run = || -> Vec<(usize, DocParts)> {
                texts
                    .into_par_iter()
                    .filter(|(_, d, check)| check.is_none_or(|pending| holds(&d.text, pending)))
                    .map(|(i, d, _)| (i, DocParts::new(d)))
                    .collect()
            };
            let work = super::priority::on_pool(pool, run);
            let held: Vec<(usize, Arc<DocAnnotations>)> = work
                .iter()
                .filter_map(|(i, _)| Some((*i, anns.get(i)?.clone())))
                .collect();
            let none = BTreeMap::new();
            let settled = settle_docs_in(
                pool,
                &work,
                &|i| anns.get(&i).map_or(&EMPTY, |a| &**a),
                SettleWith {
                    keys: &all_keys,
                    edited: &none,
                    know: &know,
                    names: names.as_ref(),
                },
            );
            // The session's knowledge is copied on its next edit while
            // this thread holds it: let go first.
            drop((know, names, anns, work));
            let _ = tx.send(FollowedOff { held, settled });
            waker.wake();
        };
        // No thread: the sender goes with the closure, and landing finds
        // the channel closed and settles the follow-up itself.
        let _ = std::thread::Builder::new()
            .name("kashif-follow".into())
            .spawn(build);
        self.pending_follow = Some(PendingFollow {
            keys: keys.to_vec(),
            know: self.knowledge.clone(),
            names: self.names.clone(),
            done: rx,
        });
    }

    /// Whether a decision's follow-up is being settled on its own thread
    /// ([`FOLLOW_BACKGROUND_FROM`]); it lands in a later [`Session::poll`],
    /// or before the next step, undo or redo.
    pub fn following(&self) -> bool {
        self.pending_follow.is_some()
    }

    /// Takes in a follow-up settled on its own thread, and adds what
    /// changed to the last undo step (the one that decided the names: every
    /// new step, undo and redo lands it first). Documents whose annotations
    /// changed meanwhile (an accurate answer merged), or all of them when
    /// the knowledge or the name proposer is another now, are settled again
    /// here. `block`: wait for the thread (a step is coming); else only if
    /// it is done (each frame). Whether anything landed.
    pub(super) fn land_follow(&mut self, block: bool) -> bool {
        let Some(pending) = &self.pending_follow else {
            return false;
        };
        let got = if block {
            pending.done.recv().ok()
        } else {
            match pending.done.try_recv() {
                Ok(p) => Some(p),
                Err(std::sync::mpsc::TryRecvError::Empty) => return false,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
            }
        };
        let Some(pending) = self.pending_follow.take() else {
            return false;
        };
        let same_names = match (&pending.names, &self.names) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        let (mut settled, again): (Vec<Settled>, Vec<usize>) = match got {
            Some(off) if same_names && Arc::ptr_eq(&pending.know, &self.knowledge) => {
                let moved: BTreeSet<usize> = off
                    .held
                    .iter()
                    .filter(|(i, a)| !Arc::ptr_eq(a, &self.states[*i].annotations))
                    .map(|(i, _)| *i)
                    .collect();
                let kept = off
                    .settled
                    .into_iter()
                    .filter(|s| !moved.contains(&s.doc))
                    .collect();
                (kept, moved.into_iter().collect())
            }
            // No thread, it died, or what it settled with is stale.
            _ => (Vec::new(), self.holding(&pending.keys)),
        };
        drop(pending.know);
        if !again.is_empty() {
            let again: Vec<usize> = again
                .into_iter()
                .filter(|i| self.states[*i].read_only.is_none())
                .collect();
            let work: Vec<(usize, DocParts)> =
                again.into_iter().map(|i| (i, self.parts(i))).collect();
            let none = BTreeMap::new();
            let (states, know) = (&self.states, &*self.knowledge);
            settled.extend(settle_docs(
                &work,
                &|i| &*states[i].annotations,
                SettleWith {
                    keys: &pending.keys,
                    edited: &none,
                    know,
                    names: self.names.as_ref(),
                },
            ));
            doc_settle::drop_elsewhere(work);
            settled.sort_unstable_by_key(|s| s.doc);
        }
        settled.retain(|s| self.states[s.doc].read_only.is_none());
        let mut elsewhere = 0;
        let mut changes = Vec::new();
        for (i, edits) in self.put_settled(settled) {
            if self.current != Some(i) {
                elsewhere += edits.len();
            }
            changes.push(Change {
                doc: i,
                inverse: follow_inverse(edits),
                follows: true,
            });
        }
        if changes.is_empty() {
            return false;
        }
        match self.undo.undo.last_mut() {
            Some(step) => step.changes.extend(changes),
            None => self.undo.undo.push(Step {
                changes,
                ..Step::default()
            }),
        }
        self.say_elsewhere(elsewhere);
        true
    }

    /// The new pending lists (and the edits from the old ones) of the
    /// documents `edited` and of every
    /// document that may hold one of `keys`, where they change, proposals
    /// checked again only where those names are
    /// ([`super::doc_settle::settled`]); memory proposals for `keys` added
    /// where not done. Settled in parallel on the session's own threads
    /// (the proposer's pool may be busy tagging), in document order.
    /// `prepared`: see [`Session::commit_prepared`].
    fn settle_many(
        &mut self,
        edited: &BTreeMap<usize, Places>,
        keys: &[String],
        prepared: Option<&mut JobOutput>,
    ) -> Vec<Settled> {
        self.settle_many_deferring(edited, keys, prepared, false)
    }

    /// [`Session::settle_many`]; with `defer`, when at least
    /// [`FOLLOW_BACKGROUND_FROM`] documents reached only through `keys`
    /// hold no token forms ([`super::doc_state::DocState::has_forms`]), their views are built on a thread of
    /// their own and they are settled when it is done
    /// ([`Session::land_follow`]), joining the last undo step: a name
    /// confirmed in 1,700 documents (`سوسة` at 20,000) held the frame
    /// 239-328 ms building them here.
    fn settle_many_deferring(
        &mut self,
        edited: &BTreeMap<usize, Places>,
        keys: &[String],
        prepared: Option<&mut JobOutput>,
        defer: bool,
    ) -> Vec<Settled> {
        let mut docs: BTreeSet<usize> = edited.keys().copied().collect();
        let mut parts = HashMap::new();
        // Reached documents settled when a thread has read them (see
        // `defer_follow`).
        let mut later_docs: Vec<(usize, Option<bool>)> = Vec::new();
        match prepared {
            Some(p) => {
                // The job found the documents holding its names; others
                // (a key it could not foresee) are looked up here.
                let (known, rest): (Vec<String>, Vec<String>) = keys
                    .iter()
                    .cloned()
                    .partition(|k| p.holding.contains_key(k));
                for k in &known {
                    docs.extend(p.holding[k].iter().copied());
                }
                docs.extend(self.holding(&rest));
                parts = std::mem::take(&mut p.parts);
            }
            None if defer && !keys.is_empty() => {
                // Documents whose normalised text is not at hand are
                // looked at off the frame when there are many (making it
                // for 1,700 documents was most of an accept's frame).
                let (now, unread) = self.holding_split(keys, &docs);
                docs.extend(now);
                if unread.len() >= FOLLOW_BACKGROUND_FROM {
                    later_docs = unread.into_iter().map(|(i, p)| (i, Some(p))).collect();
                } else {
                    let rest: Vec<usize> = unread.into_iter().map(|(i, _)| i).collect();
                    docs.extend(self.holding_among(keys, rest));
                }
            }
            None => docs.extend(self.holding(keys)),
        }
        docs.retain(|&i| self.states[i].read_only.is_none());
        // Views held (or prepared) are used; those of documents holding
        // no token forms are built on the settling threads, not kept (a name in
        // thousands of documents would otherwise build them one by one on
        // this thread, and keep them past `VIEWS_KEPT`).
        let mut work: Vec<(usize, DocParts)> = Vec::with_capacity(docs.len());
        let mut fresh: Vec<usize> = Vec::new();
        for i in docs {
            match parts.remove(&i) {
                Some(p) => work.push((i, p)),
                None if self.states[i].has_forms() || Some(i) == self.current => {
                    work.push((i, self.parts(i)))
                }
                None => fresh.push(i),
            }
        }
        // Documents only reached, whose views are to be built, go to the
        // follow-up's thread when they are many, or when it runs anyway:
        // rejecting an article's last proposals at 20,000 documents built
        // 8 such views here in 7.6 ms beside the 1,107 sent there.
        let reached_only = fresh.iter().filter(|i| !edited.contains_key(i)).count();
        let going = !later_docs.is_empty() && reached_only > 0;
        if defer && (reached_only >= FOLLOW_BACKGROUND_FROM || going) && !keys.is_empty() {
            let (later, now): (Vec<usize>, Vec<usize>) =
                fresh.into_iter().partition(|i| !edited.contains_key(i));
            fresh = now;
            later_docs.extend(later.into_iter().map(|i| (i, None)));
        }
        if !later_docs.is_empty() {
            self.defer_follow(keys, std::mem::take(&mut later_docs));
        }
        if !fresh.is_empty() {
            let docs = &self.docs;
            let build = || -> Vec<(usize, DocParts)> {
                fresh
                    .par_iter()
                    .map(|&i| (i, DocParts::new(docs[i].clone())))
                    .collect()
            };
            work.extend(match doc_settle::pool() {
                Some(pool) => pool.install(build),
                None => fresh
                    .iter()
                    .map(|&i| (i, DocParts::new(docs[i].clone())))
                    .collect(),
            });
            work.sort_unstable_by_key(|(i, _)| *i);
        }
        // The rest of what the job read is not needed: freed off this thread.
        doc_settle::drop_elsewhere(vec![parts]);
        let (states, know) = (&self.states, &*self.knowledge);
        let settled = settle_docs(
            &work,
            &|i| &*states[i].annotations,
            SettleWith {
                keys,
                edited,
                know,
                names: self.names.as_ref(),
            },
        );
        // The views read (most of them held by nothing else now: thousands
        // of small allocations per document) are freed off this thread.
        doc_settle::drop_elsewhere(work);
        settled
    }

    /// The ids of documents whose pending list settling it again in full
    /// would change. Following a decision settles the other documents only
    /// where the decided names are; this says whether that left every list
    /// as a full settle would (empty: it did). A consistency check for tests
    /// and benches; costs a full settle of every document.
    pub fn unsettled(&mut self) -> Vec<String> {
        self.land_follow(true);
        let memo = AdmitMemo::default();
        let mut out = Vec::new();
        for i in 0..self.docs.len() {
            if self.states[i].read_only.is_none()
                && self
                    .settled(i, Vec::new(), None, &memo)
                    .is_some_and(|new| new != self.states[i].annotations.proposals)
            {
                out.push(self.docs[i].id.clone());
            }
        }
        out
    }

    /// The name keys the edits since the last call touched, deduplicated.
    fn take_touched_keys(&mut self) -> Vec<String> {
        let mut keys = std::mem::take(&mut self.touched_keys);
        keys.sort();
        keys.dedup();
        keys.retain(|k| !k.is_empty());
        keys
    }

    /// Editable documents that may hold one of `keys` (or a variant):
    /// those the search index names for a word of one, once it is built
    /// (every document before), tested with [`doc_settle::may_hold`].
    ///
    /// A key memory does not spread (rejected, or no longer confirmed) adds
    /// no proposal anywhere: it can change only documents with pending
    /// proposals, so only those are looked at for it. Rejecting the 18
    /// proposals of a news article on marking it done reached thousands of
    /// documents at 20,000 (`الأربعاء`, `سوسة`) and built their views on the
    /// frame's thread: 2.5 s and 860 MB (issue 26).
    fn holding(&mut self, keys: &[String]) -> Vec<usize> {
        if keys.is_empty() {
            return Vec::new();
        }
        let look = self.candidates_of(keys);
        self.holding_among(keys, look)
    }

    /// The documents the search index says may hold one of `keys` (every
    /// document before the index is built).
    fn candidates_of(&mut self, keys: &[String]) -> Vec<usize> {
        self.take_search_index();
        match &self.search_index {
            Some(ix) => candidates_for_keys(ix, keys),
            None => (0..self.docs.len()).collect(),
        }
    }

    /// [`Session::holding`] for the candidates whose normalised text is at
    /// hand (not in `skip`); the others, not read-only, with whether their
    /// proposals are pending, to be looked at elsewhere.
    fn holding_split(
        &mut self,
        keys: &[String],
        skip: &BTreeSet<usize>,
    ) -> (Vec<usize>, Vec<(usize, bool)>) {
        let look = self.candidates_of(keys);
        let (at_hand, unread): (Vec<usize>, Vec<usize>) = look
            .into_iter()
            .filter(|i| !skip.contains(i) && self.states[*i].read_only.is_none())
            .partition(|&i| self.states[i].has_folded());
        let unread = unread
            .into_iter()
            .map(|i| (i, !self.states[i].annotations.proposals.is_empty()))
            .collect();
        (self.holding_among(keys, at_hand), unread)
    }

    /// Those of `look` that hold one of `keys` as [`Session::holding`]
    /// counts them. The normalised texts not at hand are made, and all are
    /// tested, on the settling threads: tested one by one on the frame's
    /// thread, the documents at hand took 5-8 ms of an accept's frame at
    /// 20,000 documents (perf, issue 26).
    fn holding_among(&mut self, keys: &[String], look: Vec<usize>) -> Vec<usize> {
        if keys.is_empty() {
            return Vec::new();
        }
        let (spreading, quiet): (Vec<&String>, Vec<&String>) = keys
            .iter()
            .partition(|k| self.knowledge.spread(k).is_some());
        let look: Vec<usize> = look
            .into_iter()
            .filter(|&i| self.states[i].read_only.is_none())
            .collect();
        let missing: Vec<usize> = look
            .iter()
            .copied()
            .filter(|&i| !self.states[i].has_folded())
            .collect();
        let docs = &self.docs;
        let make = || -> Vec<(usize, Arc<str>)> {
            missing
                .par_iter()
                .map(|&i| {
                    (
                        i,
                        Arc::from(crate::arabic::normalize(&docs[i].text).into_string()),
                    )
                })
                .collect()
        };
        let made = super::priority::on_pool(doc_settle::pool(), make);
        let mut made: HashMap<usize, Arc<str>> = made.into_iter().collect();
        let texts: Vec<(usize, Arc<str>, bool)> = look
            .into_iter()
            .filter_map(|i| {
                self.note_views(i);
                let st = &mut self.states[i];
                let folded = match made.remove(&i) {
                    Some(f) => st.keep_folded(f),
                    None => st.folded_at_hand()?,
                };
                Some((i, folded, !st.annotations.proposals.is_empty()))
            })
            .collect();
        let test = || -> Vec<usize> {
            texts
                .par_iter()
                .filter(|(_, folded, pending)| {
                    spreading.iter().any(|k| doc_settle::may_hold(folded, k))
                        || (*pending && quiet.iter().any(|k| doc_settle::may_hold(folded, k)))
                })
                .map(|(i, _, _)| *i)
                .collect()
        };
        let held = super::priority::on_pool(doc_settle::pool(), test);
        doc_settle::drop_elsewhere(texts);
        held
    }

    pub(super) fn read_only_error(&self, i: usize) -> WorkflowError {
        WorkflowError::ReadOnly {
            doc_id: self.docs[i].id.clone(),
            reason: self.states[i].read_only.clone().unwrap_or_default(),
        }
    }

    /// `edits` for document `i`, plus moving it from todo to in progress:
    /// the first decision on a document starts it (and undo un-starts it).
    pub(super) fn starting(&self, i: usize, edits: Vec<Edit>) -> Vec<(usize, Edit)> {
        edits
            .into_iter()
            .chain(start_edit(self.states[i].annotations.status))
            .map(|e| (i, e))
            .collect()
    }

    /// Applies the inverses of `step` newest first, returning the step that
    /// re-applies it. On failure everything is put back and the step is lost
    /// (only possible if the annotations changed outside the stack).
    /// `edit` without the proposal edits that no longer fit document
    /// `doc` (an `Unpropose` of a proposal not pending, a `Propose` of one
    /// pending already); `None` when none was left out (nothing to retry).
    fn without_stale_proposals(&self, doc: usize, edit: &Edit) -> Option<Edit> {
        let ann = &self.states.get(doc)?.annotations;
        let mut dropped = false;
        fn keep(ann: &DocAnnotations, e: &Edit, dropped: &mut bool) -> Option<Edit> {
            match e {
                Edit::Unpropose(p) if ann.find_proposal(p).is_none() => {
                    *dropped = true;
                    None
                }
                Edit::Propose(p) if ann.find_proposal(p).is_some() => {
                    *dropped = true;
                    None
                }
                Edit::Batch(v) => Some(Edit::Batch(
                    v.iter().filter_map(|x| keep(ann, x, dropped)).collect(),
                )),
                other => Some(other.clone()),
            }
        }
        let out = keep(ann, edit, &mut dropped)?;
        dropped.then_some(out)
    }

    fn revert(&mut self, mut step: Step) -> Result<Step, WorkflowError> {
        let mut done: Vec<Change> = Vec::with_capacity(step.changes.len());
        for c in std::mem::take(&mut step.changes).into_iter().rev() {
            // What followed in other documents: the machine's proposals.
            let parts = match &c.inverse {
                Edit::Propose(_) | Edit::Unpropose(_) => Some(Vec::new()),
                Edit::Batch(v)
                    if v.iter()
                        .all(|e| matches!(e, Edit::Propose(_) | Edit::Unpropose(_))) =>
                {
                    Some(v.clone())
                }
                _ => None,
            };
            match self.edit_doc(c.doc, c.inverse.clone()) {
                Ok(again) => done.push(Change {
                    doc: c.doc,
                    inverse: again,
                    follows: c.follows,
                }),
                // Proposals the proposer replaced since: put back what
                // still fits, one by one.
                Err(_) if parts.is_some() => {
                    let again: Vec<Edit> = parts
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|e| self.edit_doc(c.doc, e).ok())
                        .collect();
                    if !again.is_empty() {
                        done.push(Change {
                            doc: c.doc,
                            inverse: Edit::Batch(again.into_iter().rev().collect()),
                            follows: c.follows,
                        });
                    }
                }
                Err(e) => {
                    // A decision together with the machine's proposal it
                    // was made on (accept: the proposal leaves, the entity
                    // comes): the proposal may have changed since (memory
                    // settled it away, the proposer replaced it). The
                    // decision is the annotator's and is redone or undone
                    // all the same, without the stale proposal edits.
                    let fresh = self.without_stale_proposals(c.doc, &c.inverse);
                    match fresh.map(|f| self.edit_doc(c.doc, f)) {
                        Some(Ok(again)) => done.push(Change {
                            doc: c.doc,
                            inverse: again,
                            follows: c.follows,
                        }),
                        _ => {
                            for d in done.into_iter().rev() {
                                let _ = self.edit_doc(d.doc, d.inverse);
                            }
                            return Err(e.into());
                        }
                    }
                }
            }
        }
        Ok(Step {
            changes: done,
            items: step.items,
            name: step.name,
            outside_at: step.outside_at,
        })
    }

    pub(super) fn undo_step(&mut self, redo: bool) -> Result<Outcome, WorkflowError> {
        // A follow-up still landing belongs to the step undone.
        self.land_follow(true);
        let popped = if redo {
            self.undo.redo.pop()
        } else {
            self.undo.undo.pop()
        };
        let Some(step) = popped else {
            let what = if redo { "redo" } else { "undo" };
            return Ok(Outcome::Nothing(format!("nothing to {what}")));
        };
        let mut reverted = self.revert(step)?;
        // Proposals that arrived since the step was recorded were settled
        // with what was known then: settle them with what is known now
        // (outside the step: the machine's suggestions are not undone).
        // When none arrived, every list is as the step found it (or left
        // it, for a redo), settled with what is known again now.
        let keys = self.take_touched_keys();
        let arrived = reverted.outside_at != self.outside_changes;
        let edited = changed_places(&reverted.changes);
        let settled = if arrived {
            self.settle_many(&edited, &keys, None)
        } else {
            Vec::new()
        };
        let resettled: BTreeSet<usize> = self
            .put_settled(settled)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        if !resettled.is_empty() {
            self.outside_changes += 1;
        }
        reverted.outside_at = self.outside_changes;
        let docs = reverted.documents();
        let changes = reverted.items;
        // The place of the user's own decision, not of what followed from
        // it: its first change, which reverting an undo step moved last.
        let range = |c: &super::undo::Change| {
            let (s, e) = edit_range(&c.inverse)?;
            (!c.follows).then_some((c.doc, s, e))
        };
        let place = if redo {
            reverted.changes.iter().find_map(range)
        } else {
            reverted.changes.iter().rev().find_map(range)
        };

        // The document of the user's own decision (not one it spread to).
        let own = |c: &&super::undo::Change| !c.follows;
        let own_doc = if redo {
            reverted.changes.iter().find(own)
        } else {
            reverted.changes.iter().rev().find(own)
        }
        .map(|c| c.doc);

        self.save_many(docs.iter().copied().filter(|d| !resettled.contains(d)));
        if redo {
            self.undo.undo.push(reverted);
        } else {
            self.undo.redo.push(reverted);
        }
        // Show where the change happened: the document of the user's own
        // decision (rejecting a document's pending proposals may take the
        // same names out of other documents).
        match own_doc {
            Some(d) if self.current != Some(d) => self.open_index(d),
            Some(_) => {}
            None => {
                if let Some(&first) = docs.first()
                    && !self.current.is_some_and(|c| docs.contains(&c))
                {
                    self.open_index(first);
                }
            }
        }
        if let (Some(c), Some(f)) = (self.current, &self.focus)
            && !f.exists(&self.states[c].annotations)
        {
            self.focus = None;
        }
        // Show what changed: focus the item now at the changed place, or
        // select the place when nothing is there any more.
        if let Some((d, s, e)) = place
            && self.current == Some(d)
        {
            let ann = &self.states[d].annotations;
            let item = ann
                .entities
                .iter()
                .find(|x| (x.start, x.end) == (s, e))
                .map(Focus::entity)
                .or_else(|| {
                    ann.proposals
                        .iter()
                        .find(|p| (p.start, p.end) == (s, e))
                        .map(Focus::proposal)
                });
            match item {
                Some(f) => {
                    self.focus = Some(f);
                    self.selection = None;
                    self.caret = None;
                }
                None => {
                    self.focus = None;
                    self.selection = Some((s, e));
                    self.caret_for_selection();
                }
            }
        }
        Ok(Outcome::Edited {
            documents: docs.len(),
            changes,
        })
    }
}

/// The inverse of a proposal edit of [`super::settle::diff`].
/// The edit a document of status `status` gets with its first decision:
/// a document still to do is started (and undo un-starts it).
pub(super) fn start_edit(status: Status) -> Option<Edit> {
    (status == Status::Todo).then_some(Edit::SetStatus(Status::InProgress))
}

/// The inverse of a settled list's edits (proposals only: nothing the
/// knowledge counts), as one change that puts the old list back.
pub(super) fn follow_inverse(edits: Vec<Edit>) -> Edit {
    Edit::Batch(
        edits
            .into_iter()
            .rev()
            .map(inverse_of_proposal_edit)
            .collect(),
    )
}

fn inverse_of_proposal_edit(e: Edit) -> Edit {
    match e {
        Edit::Propose(p) => Edit::Unpropose(p),
        Edit::Unpropose(p) => Edit::Propose(p),
        other => other,
    }
}

/// What settling documents after a decision reads besides each document.
#[derive(Clone, Copy)]
pub(super) struct SettleWith<'a> {
    /// The name keys the decision touched.
    pub keys: &'a [String],
    /// Where each edited document changed.
    pub edited: &'a BTreeMap<usize, Places>,
    /// The knowledge after the decision.
    pub know: &'a Knowledge,
    /// The proposer that knows names ([`doc_settle::knows_name`]).
    pub names: Option<&'a Arc<dyn Proposer>>,
}

/// The documents of `work` whose pending list a decision changes, settled
/// in parallel on the session's own threads (the proposer's pool may be
/// busy tagging), in document order: their new state and the edits from
/// the old list. `ann(i)`: document `i`'s annotations before settling.
/// Called on the frame's thread ([`Session::commit_prepared`]) and on a
/// bulk job's (its landing prepared off the frame).
pub(super) fn settle_docs<'a>(
    work: &[(usize, DocParts)],
    ann: &(dyn Fn(usize) -> &'a DocAnnotations + Sync),
    with: SettleWith,
) -> Vec<Settled> {
    settle_docs_in(doc_settle::pool(), work, ann, with)
}

/// [`settle_docs`] on `pool` (`None`: on this thread alone).
fn settle_docs_in<'a>(
    pool: Option<&rayon::ThreadPool>,
    work: &[(usize, DocParts)],
    ann: &(dyn Fn(usize) -> &'a DocAnnotations + Sync),
    with: SettleWith,
) -> Vec<Settled> {
    let SettleWith {
        keys,
        edited,
        know,
        names,
    } = with;
    let settle_one = |memo: &mut AdmitMemo, (i, parts): &(usize, DocParts)| {
        let ann = ann(*i);
        let candidates = if ann.status == Status::Done || keys.is_empty() {
            Vec::new()
        } else {
            doc_settle::memory_candidates(parts, know, Some(keys))
        };
        // Whether a proposal is admitted (its clitic, its label from
        // memory, a rejection) depends only on what is known about its
        // name: only proposals on the decided names are checked again,
        // in the edited documents too; entities, rejections at a place
        // and done-ness are checked for every proposal below.
        let knows = |k: &str| doc_settle::knows_name(names, k);
        let new = doc_settle::settled(
            parts,
            ann,
            candidates,
            Recheck {
                keys: Some(keys),
                places: edited.get(i).unwrap_or(&UNCHANGED),
            },
            know,
            &knows,
            memo,
        )?;
        let edits = super::settle::diff(&ann.proposals, &new);
        if edits.is_empty() {
            return None;
        }
        // The document's state once `new` replaces its pending list,
        // copied here rather than on the frame's thread.
        let annotations = Arc::new(DocAnnotations {
            status: ann.status,
            entities: ann.entities.clone(),
            proposals: new,
            rejected: ann.rejected.clone(),
            detached: ann.detached.clone(),
            notes: ann.notes.clone(),
        });
        Some(Settled {
            doc: *i,
            annotations,
            edits,
        })
    };
    match pool {
        // A few long runs rather than rayon's fine splits: each run
        // keeps one memo, so a spelling is decided once per run, not
        // once per split.
        Some(pool) => pool.install(|| {
            let runs = 2 * pool.current_num_threads();
            let size = work.len().div_ceil(runs).max(1);
            work.par_chunks(size)
                .flat_map_iter(|run| {
                    let mut memo = AdmitMemo::default();
                    run.iter()
                        .filter_map(|w| settle_one(&mut memo, w))
                        .collect::<Vec<_>>()
                })
                .collect()
        }),
        None => {
            let mut memo = AdmitMemo::default();
            work.iter()
                .filter_map(|w| settle_one(&mut memo, w))
                .collect()
        }
    }
}

/// The annotations of a document a follow-up's thread has none for (it
/// has one for every document it reads).
static EMPTY: std::sync::LazyLock<DocAnnotations> =
    std::sync::LazyLock::new(DocAnnotations::default);

/// A document nobody edited: no place changed.
static UNCHANGED: Places = Places::At(Vec::new());

/// Per edited document, where its entities, rejections, status or pending
/// proposals changed (a status change: everywhere).
pub(super) fn changed_places(changes: &[Change]) -> BTreeMap<usize, Places> {
    fn add(places: &mut Places, e: &Edit) {
        match e {
            Edit::SetStatus(_) => *places = Places::All,
            Edit::Batch(v) => v.iter().for_each(|e| add(places, e)),
            Edit::Resize { span, start, end } => {
                places.add(span.start, span.end);
                places.add(*start, *end);
            }
            e => {
                if let Some((s, t)) = edit_range(e) {
                    places.add(s, t);
                }
            }
        }
    }
    let mut out: BTreeMap<usize, Places> = BTreeMap::new();
    for c in changes {
        add(
            out.entry(c.doc).or_insert_with(|| Places::At(Vec::new())),
            &c.inverse,
        );
    }
    out
}

/// The char range an edit is about (the first one of a batch).
fn edit_range(e: &Edit) -> Option<(usize, usize)> {
    match e {
        Edit::Add(s) | Edit::Remove(s) => Some((s.start, s.end)),
        // The span of an inverse relabel or resize is the entity as it is now.
        Edit::Relabel { span, .. } | Edit::Resize { span, .. } | Edit::SetOrigin { span, .. } => {
            Some((span.start, span.end))
        }
        Edit::Propose(p) | Edit::Unpropose(p) => Some((p.start, p.end)),
        Edit::Reject(r) | Edit::Unreject(r) => Some((r.start, r.end)),
        Edit::SetStatus(_) | Edit::SetNote { .. } => None,
        Edit::Batch(v) => v.iter().find_map(edit_range),
    }
}
