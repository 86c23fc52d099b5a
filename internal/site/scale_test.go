package site

import (
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// TestScale10000 runs the whole data flow on 10,000 generated deals — load,
// check, metrics, every page — and checks that it is right and that big
// pipelines stay usable: no page is huge, charts group small categories,
// every link resolves. It is about correctness, not time.
func TestScale10000(t *testing.T) {
	if testing.Short() {
		t.Skip("the scale test writes 10,000 files")
	}
	dir := t.TempDir()
	end, _ := model.ParseDate("2026-11-27")
	if err := gen.Write(dir, gen.Options{Seed: 42, Deals: 10000, End: end, Months: 36}); err != nil {
		t.Fatal(err)
	}
	repo, diags, err := load.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	diags = append(diags, check.Check(repo, check.Options{Today: end})...)
	if diag.HasErrors(diags) || len(repo.Deals) != 10000 {
		t.Fatalf("%d deals, errors: %v", len(repo.Deals), diags[:min(5, len(diags))])
	}
	in := Prepare(repo, metrics.Options{AsOf: end})
	var open int
	for _, s := range in.Report.Stages {
		open += s.OpenCount
	}
	if open != in.Report.Current.OpenDeals || in.Report.Current.OpenDeals == 0 {
		t.Errorf("open deals by stage %d, total %d", open, in.Report.Current.OpenDeals)
	}
	files, err := Render(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for p, b := range files {
		if strings.HasPrefix(p, "deals/") {
			pages++
		}
		if len(b) > 2<<20 {
			t.Errorf("%s is %d bytes: too big to open comfortably", p, len(b))
		}
	}
	if pages != 10000 {
		t.Errorf("%d deal pages, want 10000", pages)
	}
	if _, ok := files["deals-10.html"]; !ok {
		t.Errorf("the deals table is not split into 10 pages")
	}
	for _, b := range files.BrokenLinks() {
		t.Error(b)
	}
}
