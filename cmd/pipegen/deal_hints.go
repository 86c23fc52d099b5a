package main

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/suggest"
	"github.com/pipegen/pipegen/internal/term"
)

// flagHints turns the errors of a deal that new or move was about to write
// into errors about the command line. The file was not written, so no line
// of it is shown; each hint names the flag that fixes the error rather than
// a line to edit.
type flagHints struct {
	cmd    string // "new" or "move"
	p      *model.Pipeline
	deal   *model.Deal // the deal as it would have been written
	before *model.Deal // move: the deal as it is on disk
}

// reportFlagErrors prints errs in the voice of a command used wrongly and
// returns errInput.
func reportFlagErrors(e *env, h flagHints, errs []diag.Diagnostic) error {
	var b strings.Builder
	for _, d := range errs {
		fmt.Fprintf(&b, "pipegen: error: %s\n", term.Clean(d.Message))
		if hint := h.hint(d); hint != "" {
			fmt.Fprintf(&b, "pipegen: hint: %s\n", strings.ReplaceAll(term.Lines(hint), "\n", "\n  "))
		}
	}
	b.WriteString("pipegen: nothing was written\n")
	fmt.Fprint(e.stderr, b.String())
	return errInput
}

func (h flagHints) hint(d diag.Diagnostic) string {
	p, deal := h.p, h.deal
	switch d.Code {
	case "unknown-owner":
		if h.cmd != "new" {
			break
		}
		ids, names := make([]string, len(p.Owners)), make([]string, len(p.Owners))
		for i, o := range p.Owners {
			ids[i], names[i] = o.ID, o.Name
		}
		if s := cmp.Or(suggest.Named(deal.Owner, ids, names), suggest.Closest(deal.Owner, ids)); s != "" {
			return fmt.Sprintf("pass --owner %s", s)
		}
		if len(ids) == 0 {
			return fmt.Sprintf("add %q to owners in pipeline.yaml", deal.Owner)
		}
		return fmt.Sprintf("pass --owner with one of %s, or add %q to owners in pipeline.yaml", suggest.Quoted(ids, "or"), deal.Owner)
	case "unknown-currency":
		if h.cmd != "new" {
			break
		}
		var known []string
		for _, r := range p.Rates {
			known = append(known, r.Currency)
		}
		if s := suggest.Closest(deal.Currency, known); s != "" {
			return fmt.Sprintf("pass --currency %s, or %s", s, d.Hint)
		}
	case "unknown-source":
		if h.cmd != "new" {
			break
		}
		ids := itemIDs(p.Sources)
		if s := suggest.Closest(deal.Source, ids); s != "" {
			return fmt.Sprintf("pass --source %s", s)
		}
		return fmt.Sprintf("pass --source with one of %s, or leave --source out", suggest.Quoted(ids, "or"))
	case "unknown-stage":
		ids := make([]string, len(p.Stages))
		for i, s := range p.Stages {
			ids[i] = s.ID
		}
		if h.cmd == "new" {
			return fmt.Sprintf("pass --stage with a stage's id: %s", suggest.Quoted(p.EntryStages(), "or"))
		}
		return fmt.Sprintf("give a stage's id: %s", suggest.Quoted(ids, "or"))
	case "bad-entry":
		if h.cmd == "new" {
			return fmt.Sprintf("pass --stage %s, or leave --stage out to start in %q", suggest.Quoted(p.EntryStages(), "or"), p.Stages[0].ID)
		}
	case "missing-required":
		return h.requiredHint(d)
	case "missing-reason", "unknown-reason":
		if ids := itemIDs(p.LostReasons); p.HasLostReasons && len(ids) > 0 {
			if last := lastMove(deal); d.Code == "unknown-reason" && last != nil {
				if s := suggest.Closest(last.Reason, ids); s != "" {
					return fmt.Sprintf("pass --reason %s", s)
				}
			}
			return fmt.Sprintf("pass --reason with one of %s", suggest.Quoted(ids, "or"))
		}
		return "pass --reason with why the deal was lost"
	case "future-date":
		return "pass --date with today's date or an earlier one, or leave --date out for today"
	case "date-order":
		if last := lastMove(h.before); last != nil {
			return fmt.Sprintf("pass --date with %s or a later day, the date of the deal's last move", last.Date)
		}
	case "final-stage":
		return "the deal's stage is final; if the customer is back, start a new deal with pipegen new"
	case "negative-value":
		return "pass --value with 0 or more; a lost deal moves to a lost stage instead"
	}
	return d.Hint
}

// requiredHint names the flag that sets a field a stage requires.
func (h flagHints) requiredHint(d diag.Diagnostic) string {
	_, field, _ := strings.Cut(d.Message, "which requires ")
	switch field {
	case "value":
		return "pass --value with the expected contract value, like --value 36000"
	case "expected_close":
		example := model.DateOf(time.Now()).AddDays(30)
		if last := lastMove(h.deal); last != nil && !last.Date.IsZero() {
			example = last.Date.AddDays(30)
		}
		return fmt.Sprintf("pass --expected-close with the day the customer should sign, like --expected-close %s", example)
	}
	if h.cmd == "new" {
		return fmt.Sprintf("start the deal in an earlier stage with --stage, then add %s to its file", field)
	}
	return fmt.Sprintf("add %s to %s first: pipegen move does not set it", field, h.deal.File)
}

func lastMove(d *model.Deal) *model.Move {
	if d == nil || len(d.History) == 0 {
		return nil
	}
	return &d.History[len(d.History)-1]
}

func itemIDs(list []model.Item) []string {
	ids := make([]string, len(list))
	for i, it := range list {
		ids[i] = it.ID
	}
	return ids
}
