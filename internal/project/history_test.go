package project

import (
	"context"
	"testing"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/history"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// On generated repositories with months of back-dated commits, the
// movement read from git reconciles at every review date: start + added +
// increased − decreased − won − lost = end in value, start + added − won −
// lost = end in deals; the start is the previous open pipeline (with the
// review commit's values) and the end the current one.
func TestMovementFromGitReconciles(t *testing.T) {
	end, _ := model.ParseDate("2026-11-27")
	dir := t.TempDir()
	opt := gen.HistoryOptions{Options: gen.Options{Seed: 7, Deals: 150, End: end, Months: 6}, CommitsPerWeek: 30}
	if err := gen.WriteHistory(context.Background(), dir, opt); err != nil {
		t.Fatal(err)
	}
	proj, err := Load(dir, Options{})
	if err != nil || proj.HasErrors() {
		t.Fatalf("generated repository: %v %v", err, proj.Errors())
	}
	moved := 0
	for _, day := range []string{"2026-08-14", "2026-10-02", "2026-11-27"} {
		asOf, _ := model.ParseDate(day)
		mopt := metrics.Options{AsOf: asOf}
		h, past, err := proj.LastReview(context.Background(), dir, mopt, history.Options{})
		if err != nil || !h.Usable || past == nil {
			t.Fatalf("%s: history %+v, %v", day, h, err)
		}
		mopt.Past = past
		r := metrics.Compute(proj.Repo, mopt)
		m := r.Movement
		if r.History != metrics.HistoryGit || m.Increased == nil {
			t.Fatalf("%s: history %q, movement %+v", day, r.History, m)
		}
		if got := m.Start.Value + m.Added.Value + m.Increased.Value - m.Decreased.Value - m.Won.Value - m.Lost.Value; got != m.End.Value {
			t.Errorf("%s: start + flows = %s, end %s", day, got, m.End.Value)
		}
		if got := m.Start.Deals + m.Added.Deals - m.Won.Deals - m.Lost.Deals; got != m.End.Deals {
			t.Errorf("%s: start + added − won − lost = %d deals, end %d", day, got, m.End.Deals)
		}
		if m.Start.Value != r.Previous.OpenValue || m.End.Value != r.Current.OpenValue {
			t.Errorf("%s: start %s end %s, previous open %s, current open %s", day, m.Start.Value, m.End.Value, r.Previous.OpenValue, r.Current.OpenValue)
		}
		moved += m.Increased.Deals + m.Decreased.Deals + m.PushedOut.Deals + m.PulledIn.Deals
	}
	if moved == 0 {
		t.Errorf("no value or close date moved in any window: the test exercises nothing")
	}
}
