package check

import (
	"fmt"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
)

// AllowRewriteLabel is the pull request label with which the workflow that
// pipegen init writes runs check --base with --allow-rewrite.
const AllowRewriteLabel = "pipegen:allow-rewrite"

// Base compares the repository with its version at a base revision, as a
// pull request's check does: deals are never deleted or renamed, and a
// history only grows — past moves are not edited or removed. With
// allowRewrite, these become warnings, for the rare legitimate fix.
func Base(head, base *model.Repo, allowRewrite bool) []diag.Diagnostic {
	sev := diag.Error
	if allowRewrite {
		sev = diag.Warning
	}
	var out []diag.Diagnostic
	report := func(file string, p model.Pos, code, hint, format string, args ...any) {
		out = append(out, diag.Diagnostic{File: file, Line: p.Line, Column: p.Col, Severity: sev, Code: code,
			Message: fmt.Sprintf(format, args...), Hint: hint})
	}
	now := make(map[string]*model.Deal, len(head.Deals))
	for _, d := range head.Deals {
		now[d.File] = d
	}
	was := make(map[string]bool, len(base.Deals))
	for _, d := range base.Deals {
		was[d.File] = true
	}
	for _, old := range base.Deals {
		cur, ok := now[old.File]
		if !ok {
			if to := renamedTo(old, head.Deals, was); to != nil {
				report(to.File, model.Pos{Line: 1, Col: 1}, "renamed-deal",
					fmt.Sprintf("a deal's id is its file path and never changes: rename it back to %s", old.File),
					"deal file renamed from %s", old.File)
				continue
			}
			report(old.File, model.Pos{}, "deleted-deal",
				fmt.Sprintf("deals are never deleted: restore %s and move the deal to a lost stage instead", old.File),
				"deal file %s was deleted", old.File)
			continue
		}
		if len(cur.History) > 0 {
			// A deal whose history cannot be read has that error already.
			rewritten(cur, old, report)
		}
	}
	diag.Sort(out)
	return out
}

// renamedTo finds the new file of a deal that disappeared: a file that did
// not exist at the base and starts the same history with the same title.
func renamedTo(old *model.Deal, deals []*model.Deal, was map[string]bool) *model.Deal {
	if len(old.History) == 0 {
		return nil
	}
	for _, d := range deals {
		if was[d.File] || d.Title != old.Title || len(d.History) == 0 {
			continue
		}
		if sameMove(d.History[0], old.History[0]) {
			return d
		}
	}
	return nil
}

func sameMove(a, b model.Move) bool {
	return a.Stage == b.Stage && a.Date == b.Date && a.Reason == b.Reason
}

// rewritten reports a history that does not start with the base's history.
func rewritten(cur, old *model.Deal, report func(string, model.Pos, string, string, string, ...any)) {
	hint := "past moves are never edited or removed: restore them and append a new move; for a real correction, run the check with --allow-rewrite " +
		"(in the pull request workflow of pipegen init, a maintainer adds the label " + AllowRewriteLabel + " to the pull request)"
	for i, m := range old.History {
		if i >= len(cur.History) {
			at := cur.Pos.History
			if len(cur.History) > 0 {
				at = cur.History[len(cur.History)-1].Pos
			}
			report(cur.File, at, "history-rewritten", hint,
				"move %d (%s on %s) was removed from the history", i+1, m.Stage, m.Date)
			return
		}
		if c := cur.History[i]; !sameMove(c, m) {
			report(cur.File, c.Pos, "history-rewritten", hint,
				"move %d was %s on %s%s at the base, and is now %s on %s%s",
				i+1, m.Stage, m.Date, reasonText(m.Reason), c.Stage, c.Date, reasonText(c.Reason))
			return
		}
	}
}

func reasonText(r string) string {
	if r == "" {
		return ""
	}
	return " (" + r + ")"
}

// Deleted warns, in a check without a base, about the deal files of the
// last commit that are gone from the folder (committed lists them). The
// pull request's check refuses a deleted deal; a rep learns it here,
// before pushing, rather than in CI.
func Deleted(head *model.Repo, committed []string) []diag.Diagnostic {
	now := make(map[string]bool, len(head.Deals))
	for _, d := range head.Deals {
		now[d.File] = true
	}
	var out []diag.Diagnostic
	for _, f := range committed {
		if now[f] {
			continue
		}
		out = append(out, diag.Diagnostic{File: f, Severity: diag.Warning, Code: "deleted-deal",
			Message: fmt.Sprintf("deal file %s is in the last commit but no longer here: deleted or renamed", f),
			Hint: fmt.Sprintf("deals are never deleted or renamed: restore it (git checkout HEAD -- %s) and move the deal to a lost stage; "+
				"in a pull request, pipegen check --base refuses the change", f)})
	}
	return out
}
