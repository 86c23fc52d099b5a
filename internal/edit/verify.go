package edit

import (
	"errors"
	"reflect"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// errLostMove is an edit whose result does not read back as intended: the
// text around the history has a shape the insertion did not foresee (a
// quoted value running over several lines, line breaks of one kind only).
var errLostMove = errors.New("the move could not be added safely to this file's layout: nothing was changed; add it by hand, or rewrite the last history entry on one line")

// verifyAppend reads src and out as deals and checks that out is src with
// m as one more history entry at the end and the fields m sets, and
// nothing else changed.
func verifyAppend(src, out []byte, m Move) error {
	before, bd := load.ParseDeal("deal.yaml", "deal", src)
	after, ad := load.ParseDeal("deal.yaml", "deal", out)
	if parseErrors(ad) > parseErrors(bd) {
		return errLostMove
	}
	want := values(before)
	if m.HasValue {
		want.Value, want.HasValue = m.Value, true
	}
	if !m.ExpectedClose.IsZero() {
		want.ExpectedClose = m.ExpectedClose
	}
	want.History = append(want.History, model.Move{Stage: m.Stage, Date: m.Date, Reason: m.Reason})
	if !reflect.DeepEqual(want, values(after)) {
		return errLostMove
	}
	return nil
}

// parseErrors counts the errors of reading a file (not of the rules).
func parseErrors(ds []diag.Diagnostic) int {
	n := 0
	for _, d := range ds {
		if d.Severity == diag.Error {
			n++
		}
	}
	return n
}

// values returns a deal's values without the positions they were read at.
func values(d *model.Deal) model.Deal {
	v := *d
	v.Pos, v.Broken = model.DealPos{}, nil
	v.Contacts = make([]model.Contact, len(d.Contacts))
	for i, c := range d.Contacts {
		v.Contacts[i] = model.Contact{Name: c.Name, Email: c.Email, Role: c.Role}
	}
	v.History = make([]model.Move, len(d.History))
	for i, h := range d.History {
		v.History[i] = model.Move{Stage: h.Stage, Date: h.Date, Reason: h.Reason}
	}
	v.Emails.SentPos, v.Emails.OpenedPos = model.Pos{}, model.Pos{}
	if d.Onboarding != nil {
		v.Onboarding = &model.Onboarding{Status: d.Onboarding.Status, Date: d.Onboarding.Date, DateInvalid: d.Onboarding.DateInvalid}
	}
	return v
}
