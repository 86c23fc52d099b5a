package check

import (
	"fmt"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/suggest"
)

// deal checks one deal. stagesOK is false when pipeline.yaml gave no stages,
// in which case no stage can be judged.
func (c *checker) deal(d *model.Deal, stagesOK bool) {
	f := d.File
	if d.Owner != "" {
		c.knownOwner(f, d.Owner, d.Pos.Owner, "deal")
	}
	if d.Source != "" {
		c.knownSource(f, d.Source, d.Pos.Source, "deal")
	}
	if d.HasValue && d.Value < 0 {
		c.errorf(f, d.Pos.Value, "negative-value", "a deal's value is 0 or more; a lost deal goes to a lost stage instead",
			"value %s is negative", d.Value)
	}
	if d.HasProb && (d.Probability < 0 || d.Probability > 1) {
		c.errorf(f, d.Pos.Probability, "bad-probability", "write a probability between 0 and 1, like 0.6 for 60%",
			"probability %v is outside 0..1", d.Probability)
	}
	if e := d.Emails; e.Set && e.OpenedPos.Line > 0 && e.SentPos.Line > 0 && e.Opened > e.Sent {
		c.errorf(f, e.OpenedPos, "bad-emails", fmt.Sprintf("opened counts emails that were opened, so it is at most sent (%d)", e.Sent),
			"emails.opened (%d) is more than emails.sent (%d)", e.Opened, e.Sent)
	} else if e.Set && e.OpenedPos.Line > 0 && e.SentPos.Line == 0 && e.Opened > 0 {
		// Without sent, the open rate would count opens of emails never
		// counted as sent (550 % on the dashboard).
		c.errorf(f, e.OpenedPos, "bad-emails", "add sent: with the number of emails sent, which opened is part of",
			"emails.opened (%d) is given without emails.sent", e.Opened)
	}
	if len(d.Notes) > model.MaxText {
		c.report(diag.Warning, f, d.Pos.Notes, "long-text", "keep notes to a few paragraphs; link to longer documents",
			"notes are %d KiB; the dashboard shows the first %d KiB", len(d.Notes)>>10, model.MaxText>>10)
	}
	c.dates(d)
	c.currency(d)
	c.fields(d)
	if !stagesOK {
		return
	}
	historyOK := c.history(d)
	c.afterWin(d)
	if historyOK {
		c.requires(d)
		c.nextStep(d)
	}
}

// nextStep warns about an open deal whose next step was due before the
// day of the review: the step was done and not recorded, or never done.
func (c *checker) nextStep(d *model.Deal) {
	if c.opt.Day.IsZero() || d.NextStepDate.IsZero() || d.NextStepDate >= c.opt.Day || len(d.History) == 0 {
		return
	}
	last := d.History[len(d.History)-1]
	if s := c.p.Stage(last.Stage); s == nil || s.Type != model.Open || last.Date > c.opt.Day {
		return
	}
	c.report(diag.Warning, d.File, d.Pos.NextStepDate, "overdue-next-step",
		"record what happened and set the next step and its date, or move the deal",
		"the next step was due on %s, before %s", d.NextStepDate, c.opt.Day)
}

// latest is the last date that is not in the future.
func (c *checker) latest() model.Date {
	return max(c.opt.Today, c.opt.AsOf)
}

func (c *checker) future(file string, date model.Date, pos model.Pos, what string) {
	if date.IsZero() || c.opt.Today.IsZero() || date <= c.latest() {
		return
	}
	c.errorf(file, pos, "future-date", "record it once it has happened; to check as of a later date, pass --as-of",
		"%s %s is in the future", what, date)
}

func (c *checker) dates(d *model.Deal) {
	for _, m := range d.History {
		c.future(d.File, m.Date, m.DatePos, "move date")
	}
	if d.Onboarding != nil {
		c.future(d.File, d.Onboarding.Date, d.Onboarding.DatePos, "onboarding date")
	}
	c.future(d.File, d.Churned, d.Pos.Churned, "churned date")
}

// history checks the stage moves: known stages, a valid first stage, dates in
// order, moves that the transition rules allow, reasons on lost moves. It
// reports whether the stages of the history are sound enough to judge which
// stages the deal has reached.
func (c *checker) history(d *model.Deal) bool {
	f := d.File
	ok := !d.Broken["history"]
	var prev *model.Move // the last entry with a known stage
	var prevDate model.Date
	for i := range d.History {
		m := &d.History[i]
		if !m.Date.IsZero() {
			if !prevDate.IsZero() && m.Date < prevDate {
				c.errorf(f, m.DatePos, "date-order", "moves are listed oldest first, and each is dated on or after the one before",
					"move date %s is before the previous move's date %s", m.Date, prevDate)
			}
			prevDate = max(prevDate, m.Date)
		}
		if m.Stage == "" {
			prev, ok = nil, false
			continue
		}
		s := c.knownStage(f, m.Stage, m.StagePos, "history names")
		if s == nil {
			prev, ok = nil, false
			continue
		}
		c.reason(d, m, s)
		if i == 0 {
			if !c.p.IsEntry(m.Stage) {
				ok = false
				c.errorf(f, m.StagePos, "bad-entry", "a deal starts in "+suggest.Quoted(c.p.EntryStages(), "or")+"; to let deals start here, set entry: true on the stage",
					"a deal cannot start in stage %q", m.Stage)
			}
			prev = m
			continue
		}
		if prev == nil {
			prev = m
			continue
		}
		from := c.p.Stage(prev.Stage)
		allowed := c.p.Allowed(prev.Stage)
		if !contains(allowed, m.Stage) {
			ok = false
			if _, explicit := c.p.Transition(prev.Stage); from.Type != model.Open && !explicit {
				c.errorf(f, m.StagePos, "final-stage", fmt.Sprintf("%q is final; if the customer is back, start a new deal file", prev.Stage),
					"move from %q to %q: a deal cannot leave a %s stage", prev.Stage, m.Stage, from.Type)
			} else {
				hint := fmt.Sprintf("from %q a deal can move to %s", prev.Stage, suggest.Quoted(allowed, "or"))
				if len(allowed) == 0 {
					hint = fmt.Sprintf("transitions allow no move out of %q", prev.Stage)
				}
				c.errorf(f, m.StagePos, "bad-transition", hint, "move from %q to %q is not allowed", prev.Stage, m.Stage)
			}
		}
		prev = m
	}
	return ok
}

// reason checks a move's reason: required by a stage that requires it,
// drawn from lost_reasons on a lost move, and not given elsewhere.
func (c *checker) reason(d *model.Deal, m *model.Move, s *model.Stage) {
	needed := false
	for _, r := range s.Requires {
		needed = needed || r.ID == "reason"
	}
	switch {
	case m.Reason == "" && needed:
		hint := "add reason: to this move"
		if s.Type == model.Lost && c.p.HasLostReasons && len(c.p.LostReasons) > 0 {
			hint = "add reason: with one of " + suggest.Quoted(itemIDs(c.p.LostReasons), "or")
		}
		c.errorf(d.File, m.StagePos, "missing-reason", hint, "move to %q has no reason, which stage %q requires", m.Stage, m.Stage)
	case m.Reason != "" && s.Type == model.Lost && c.p.HasLostReasons && !c.lists.reasons[m.Reason]:
		ids := itemIDs(c.p.LostReasons)
		c.errorf(d.File, m.ReasonPos, "unknown-reason", listHint("reason", "lost_reasons", ids),
			"lost reason %q is not in the lost_reasons of pipeline.yaml%s", m.Reason, didYouMean(m.Reason, ids))
	case m.Reason != "" && s.Type != model.Lost && !needed:
		c.report(diag.Warning, d.File, m.ReasonPos, "unused-reason", "reasons are recorded on moves into a lost stage; remove it or put it in notes",
			"reason on a move to %q is not used", m.Stage)
	}
}

// current returns the deal's current stage (its last history entry) and the
// entry, or nil when it cannot be known.
func (c *checker) current(d *model.Deal) (*model.Stage, *model.Move) {
	if len(d.History) == 0 {
		return nil, nil
	}
	m := &d.History[len(d.History)-1]
	return c.p.Stage(m.Stage), m
}

// afterWin checks onboarding and churn: only on won deals, never before the win.
func (c *checker) afterWin(d *model.Deal) {
	f := d.File
	if d.Onboarding == nil && d.Churned.IsZero() {
		return
	}
	s, m := c.current(d)
	if s == nil {
		return
	}
	won := s.Type == model.Won
	if o := d.Onboarding; o != nil {
		if !won {
			c.errorf(f, o.Pos, "not-won", "onboarding is recorded after a win: move the deal to a won stage first, or remove onboarding",
				"onboarding on a deal that is not won (its stage is %q)", s.ID)
		} else if !o.Date.IsZero() && !m.Date.IsZero() && o.Date < m.Date {
			c.errorf(f, o.DatePos, "before-win", fmt.Sprintf("onboarding ends on or after the win on %s", m.Date),
				"onboarding date %s is before the deal was won (%s)", o.Date, m.Date)
		}
		if o.Status != "" && o.Status != model.OnboardingInProgress && o.Date.IsZero() && !o.DateInvalid {
			c.errorf(f, o.StatusPos, "missing-field", "add date: with the day onboarding ended",
				"onboarding that %s has no date", o.Status)
		}
	}
	if !d.Churned.IsZero() {
		if !won {
			c.errorf(f, d.Pos.Churned, "not-won", "only a won customer can churn: remove churned, or move the deal to a won stage first",
				"churned on a deal that is not won (its stage is %q)", s.ID)
		} else if !m.Date.IsZero() && d.Churned < m.Date {
			c.errorf(f, d.Pos.Churned, "before-win", fmt.Sprintf("the customer churns on or after the win on %s", m.Date),
				"churned date %s is before the deal was won (%s)", d.Churned, m.Date)
		}
	}
}

// requires checks the fields that the stages a deal has reached require.
// A deal has reached an open or won stage when it is at or before the
// furthest open or won stage in its history (a skipped stage counts as
// passed), and a lost stage when it has been in it.
func (c *checker) requires(d *model.Deal) {
	furthest := -1
	firstAt := map[string]*model.Move{} // the move that first reached each furthest position
	var reachMove []*model.Move         // reachMove[i]: the first move at or beyond stage i
	for i := range d.History {
		m := &d.History[i]
		k, ok := c.p.StageIndex(m.Stage)
		if !ok {
			continue
		}
		if _, seen := firstAt[m.Stage]; !seen {
			firstAt[m.Stage] = m
		}
		if c.p.Stages[k].Type == model.Lost || k <= furthest {
			continue
		}
		for len(reachMove) <= k {
			reachMove = append(reachMove, m)
		}
		furthest = k
	}
	reported := map[string]bool{}
	for k, s := range c.p.Stages {
		var at *model.Move
		if s.Type == model.Lost {
			at = firstAt[s.ID]
		} else if k <= furthest {
			at = reachMove[k]
		}
		if at == nil {
			continue
		}
		for _, r := range s.Requires {
			field := r.ID
			if field == "reason" || reported[field] || !contains(model.RequirableFields, field) || d.Has(field) || d.Broken[field] {
				continue
			}
			reported[field] = true
			c.errorf(d.File, at.StagePos, "missing-required", requiredHint(field),
				"deal has reached stage %q, which requires %s", s.ID, field)
		}
	}
	if s, _ := c.current(d); s != nil && s.Type == model.Open && !d.HasValue && !d.Broken["value"] && !reported["value"] {
		c.report(diag.Warning, d.File, orStart(d.Pos.Title), "no-value", "add value: with the expected contract value",
			"open deal has no value; it counts as 0 in the pipeline")
	}
}

func requiredHint(field string) string {
	switch field {
	case "value":
		return "add value: with the expected contract value, like value: 36000"
	case "expected_close":
		return "add the expected close date, like expected_close: 2026-12-20"
	case "probability":
		return "add probability: between 0 and 1, like probability: 0.6"
	case "contacts":
		return "add contacts: with at least one person (name, email, role)"
	case "emails":
		return "add emails: with sent: and opened: counts"
	}
	return "add " + field + ": to the deal"
}
