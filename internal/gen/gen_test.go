package gen

import (
	"testing"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// Generated repositories pass check: they are valid input for metrics and
// the site, and deterministic for a seed.
func TestGeneratedRepoIsValid(t *testing.T) {
	end, _ := model.ParseDate("2026-11-27")
	opt := Options{Seed: 1, Deals: 500, End: end, Months: 18}
	dir := t.TempDir()
	if err := Write(dir, opt); err != nil {
		t.Fatal(err)
	}
	repo, diags, err := load.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	diags = append(diags, check.Check(repo, check.Options{Today: end})...)
	if diag.HasErrors(diags) {
		for _, d := range diags[:min(len(diags), 10)] {
			t.Errorf("%s", d)
		}
	}
	if len(repo.Deals) != 500 {
		t.Errorf("%d deals, want 500", len(repo.Deals))
	}
	a, b := Deals(opt), Deals(opt)
	for k, v := range a {
		if string(b[k]) != string(v) {
			t.Fatalf("generation is not deterministic for %s", k)
		}
	}
	var won, lost, open int
	for _, d := range repo.Deals {
		switch d.History[len(d.History)-1].Stage {
		case "won":
			won++
		case "lost":
			lost++
		default:
			open++
		}
	}
	if won < 25 || lost < 25 || open < 25 {
		t.Errorf("unrealistic mix: %d won, %d lost, %d open", won, lost, open)
	}
}
