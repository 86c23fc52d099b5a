package site

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// oddDeals stretch the escaping of a deal page: every character that
// html/template escapes, in every field, emails that need %-encoding, and
// deals in nested folders.
var oddDeals = map[string]string{
	"odd/deep/plus": `{title: "a+b <i>&'\"", company: "C+D & 'E'", owner: ann, source: web, value: 10,
	  contacts: [{name: "<b>N</b>", email: "o'neil+\"x\"é%(y)@ex.example", role: "R&D+"}, {name: Solo}],
	  history: [{stage: lead, date: 2026-10-01}, {stage: lost, date: 2026-10-03, reason: budget}],
	  notes: "plain + <b>bold</b>"}`,
	"odd/nul": "{title: \"nul \\0 byte\", owner: bob, history: [{stage: lead, date: 2026-11-01}]}",
	"odd/emails": `{title: Emails, owner: ann, emails: {sent: 3, opened: 1}, value: 5,
	  history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-02}, {stage: won, date: 2026-11-03}],
	  onboarding: {status: succeeded, date: 2026-11-10}, churned: 2026-11-20}`,
}

// The hand-written deal pages and table rows must be, byte for byte, what
// the templates render, whatever the deals hold and whatever the options.
func TestWrittenByHandMatchesTemplates(t *testing.T) {
	end, _ := model.ParseDate("2026-11-27")
	inputs := map[string]Input{}

	fixture := map[string]string{}
	for id, src := range deals {
		fixture[id] = src
	}
	for id, src := range oddDeals {
		fixture[id] = src
	}
	_, inputs["fixture"] = build(t, pipeline, fixture, Options{})

	hostile := gen.Hostile()
	hostileDeals := map[string]string{}
	for name, content := range hostile {
		if id, ok := strings.CutPrefix(name, "deals/"); ok {
			hostileDeals[strings.TrimSuffix(id, ".yaml")] = content
		}
	}
	_, inputs["hostile"] = build(t, hostile["pipeline.yaml"], hostileDeals, Options{})

	opt := gen.Options{Seed: 3, Deals: 300, End: end, Months: 24}
	files := map[string][]byte{"pipeline.yaml": gen.Pipeline(opt)}
	for rel, src := range gen.Deals(opt) {
		files["deals/"+rel] = src
	}
	repo, _ := load.FromFiles(files)
	inputs["generated"] = Prepare(repo, metrics.Options{AsOf: end})

	options := map[string]Options{
		"plain":      {},
		"addresses":  {BaseURL: "https://pipeline.example/sub/", EditBase: "https://github.com/acme/sales/edit/main/"},
		"local":      {ECharts: []byte("//"), BaseURL: "http://x.example"},
		"bad scheme": {EditBase: "javascript:alert(1)//", BaseURL: "https://x.example/a b+c/"},
	}
	pagesCompared := 0
	for inName, in := range inputs {
		for optName, o := range options {
			s := New(in, o)
			for _, p := range s.Paths() {
				if !strings.HasSuffix(p, ".html") {
					continue
				}
				got, ok, err := s.File(p)
				if err != nil || !ok {
					t.Fatalf("%s/%s: %s: %v, %v", inName, optName, p, ok, err)
				}
				want, ok, err := s.file(p, false)
				if err != nil || !ok {
					t.Fatalf("%s/%s: %s with templates: %v, %v", inName, optName, p, ok, err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Fatalf("%s/%s: %s differs from the templates' (-templates +written):\n%s", inName, optName, p, diff)
				}
				pagesCompared++
			}
		}
	}
	if pagesCompared < 1000 {
		t.Errorf("compared only %d pages", pagesCompared)
	}
}
