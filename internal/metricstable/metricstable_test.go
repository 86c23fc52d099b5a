package metricstable

import (
	"bytes"
	"cmp"
	"regexp"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// The terminal prints the report's numbers: every KPI on its own row under
// its section's title, with its value, the count it rests on, its previous
// value and the change; every owner, team and target has its row.
func TestTableAgreesWithReport(t *testing.T) {
	end, _ := model.ParseDate("2026-12-31")
	opt := gen.Options{Seed: 3, Deals: 300, End: end, Months: 18}
	p, diags := load.ParsePipeline("pipeline.yaml", gen.Pipeline(opt))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for i, s := range p.Stages {
		if s.Name == "" {
			p.Stages[i].Name = "The " + s.ID + " stage"
		}
	}
	repo := &model.Repo{Pipeline: p}
	for rel, src := range gen.Deals(opt) {
		d, _ := load.ParseDeal("deals/"+rel, load.DealID("deals/"+rel), src)
		repo.Deals = append(repo.Deals, d)
	}
	asOf, _ := model.ParseDate("2026-11-27")
	r := metrics.Compute(repo, metrics.Options{AsOf: asOf})
	var b bytes.Buffer
	if err := Write(&b, p.Name, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	prev := r.Previous.Fields()
	section := ""
	for i, f := range r.Current.Fields() {
		if title := format.Section(f.Section, r); title != section {
			section = title
			if !strings.Contains(out, "\n"+title+"\n") {
				t.Errorf("no section %q", title)
			}
		}
		row := `(?m)^` + regexp.QuoteMeta(f.Label) + ` +` + regexp.QuoteMeta(format.Field(f, r.Currency)) + ` +`
		if f.Counted {
			row += regexp.QuoteMeta(format.Basis(f)) + ` +`
		}
		row += regexp.QuoteMeta(format.Field(prev[i], r.Currency))
		if !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("no row for %s: %s", f.Key, row)
		}
	}
	for _, g := range append(r.Owners, r.Teams...) {
		row := `(?m)^` + regexp.QuoteMeta(cmp.Or(g.Name, g.ID)) + ` +` + format.Int(g.OpenDeals) + ` +` + regexp.QuoteMeta(format.Money(g.OpenValue, r.Currency))
		if !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("no row for %s: %s", g.ID, row)
		}
	}
	if len(r.Teams) == 0 {
		t.Errorf("the generated pipeline has no teams")
	}
	l := labelsOf(r)
	for _, tg := range r.Targets {
		row := `(?m)^` + regexp.QuoteMeta(tg.Period) + ` +` + regexp.QuoteMeta(l.who(tg)) + ` +` + tg.Status + ` +` + regexp.QuoteMeta(format.Money(tg.Revenue, r.Currency))
		if !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("no row for target %s %s: %s", tg.Period, l.who(tg), row)
		}
	}
	// Owners and stages are shown by their names, not the ids of the files.
	if len(r.Stuck) == 0 {
		t.Fatal("the generated pipeline has no stuck deals")
	}
	for _, s := range r.Stuck {
		row := `(?m)^` + regexp.QuoteMeta(s.ID) + ` +` + regexp.QuoteMeta(l.stage(s.Stage)) + ` +`
		if l.stage(s.Stage) == s.Stage || !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("no row for stuck deal %s with its stage's name: %s", s.ID, row)
		}
	}
	for _, s := range r.NoNextStep {
		row := `(?m)^` + regexp.QuoteMeta(s.ID) + ` +` + regexp.QuoteMeta(l.owner(s.Owner)) + ` +` + regexp.QuoteMeta(l.stage(s.Stage)) + ` +`
		if l.owner(s.Owner) == s.Owner || !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("no row for %s with its owner's and stage's names: %s", s.ID, row)
		}
	}
}
