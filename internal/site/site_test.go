package site

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

const pipeline = `name: Test Sales
currency: EUR
review: weekly
repository: https://github.com/acme/sales
owners: [{id: ann, name: Ann Lee, team: EMEA}, {id: bob, name: Bob Stone, team: APAC}]
sources: [web, ref]
lost_reasons: [budget, timing]
stages:
  - {id: lead, name: Prospecting, probability: 0.1, rot_after: 10, guide: "Find the **budget holder**.\n\n- call\n- email"}
  - {id: qual, name: Qualified, probability: 0.3, rot_after: 10}
  - {id: won, name: Closed won, type: won}
  - {id: lost, name: Closed lost, type: lost, requires: [reason]}
targets:
  - {period: 2026-11, revenue: 10000}
  - {period: 2026-Q4, owner: ann, revenue: 4000}
  - {period: 2026-Q4, team: EMEA, revenue: 4000}
spend:
  - {month: 2026-11, source: web, amount: 3000}
`

var deals = map[string]string{
	"acme": `{title: Acme — analytics, company: Acme, owner: ann, source: web, value: 1200.50, expected_close: 2026-11-20,
	  forecast: commit, next_step: "Send the <order> form", next_step_date: 2026-11-25,
	  notes: "Champion is the **CFO**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
	  contacts: [{name: Maria, email: maria@acme.example, role: CFO}],
	  history: [{stage: lead, date: 2026-10-01}, {stage: qual, date: 2026-10-05}]}`,
	"emea/bolt": `{title: Bolt, owner: bob, source: ref, value: 800,
	  history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-02}, {stage: won, date: 2026-11-24}],
	  onboarding: {status: in_progress}}`,
	"cora": `{title: Cora, owner: ann, value: 300, history: [{stage: lead, date: 2026-11-20}, {stage: lost, date: 2026-11-22, reason: budget}]}`,
	"dune": `{title: Dune, owner: bob, source: web, value: 5000, history: [{stage: lead, date: 2026-11-25}]}`,
}

// build loads a repository from text, checks it and renders its site.
func build(t testing.TB, pipelineSrc string, dealSrc map[string]string, opt Options) (Files, Input) {
	t.Helper()
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(pipelineSrc))
	repo := &model.Repo{Pipeline: p}
	ids := make([]string, 0, len(dealSrc))
	for id := range dealSrc {
		ids = append(ids, id)
	}
	sortStrings(ids)
	for _, id := range ids {
		d, dd := load.ParseDeal("deals/"+id+".yaml", id, []byte(dealSrc[id]))
		repo.Deals = append(repo.Deals, d)
		diags = append(diags, dd...)
	}
	asOf, _ := model.ParseDate("2026-11-27")
	diags = append(diags, check.Check(repo, check.Options{Today: asOf})...)
	if diag.HasErrors(diags) {
		t.Fatalf("fixture has errors: %v", diags)
	}
	in := Prepare(repo, metrics.Options{AsOf: asOf})
	files, err := Render(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return files, in
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func TestPages(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{EditBase: "https://github.com/acme/sales/edit/HEAD/"})
	want := []string{
		"assets/app.js", "assets/echarts.LICENSE.txt", "assets/echarts.min.js", "assets/favicon.svg", "assets/style.css", "deals.csv", "deals.html", "deals/acme.html", "deals/cora.html",
		"deals/dune.html", "deals/emea/bolt.html", "index.html", "metrics.html", "metrics.json",
		"owners.html", "owners/ann.html", "owners/bob.html", "review.html", "stages.html", "teams/apac.html", "teams/emea.html",
	}
	if got := strings.Join(files.Paths(), " "); got != strings.Join(want, " ") {
		t.Errorf("site files:\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
	page := string(files["deals/emea/bolt.html"])
	for _, frag := range []string{
		`<link rel="stylesheet" href="../../assets/style.css">`, // relative to a nested page
		`href="https://github.com/acme/sales/edit/HEAD/deals/emea/bolt.yaml"`,
		`<a href="../../owners/bob.html">Bob Stone</a>`,
	} {
		if !strings.Contains(page, frag) {
			t.Errorf("deals/emea/bolt.html lacks %s", frag)
		}
	}
	acme := string(files["deals/acme.html"])
	for _, frag := range []string{"<strong>CFO</strong>", "<table>", `<a href="mailto:maria@acme.example">`, "overdue"} {
		if !strings.Contains(acme, frag) {
			t.Errorf("deals/acme.html lacks %s", frag)
		}
	}
	stages := string(files["stages.html"])
	if !strings.Contains(stages, "<strong>budget holder</strong>") || !strings.Contains(stages, `<a href="#stage-qual">Qualified</a>`) {
		t.Errorf("stages.html lacks the rendered guide or the allowed moves")
	}
	if !strings.Contains(string(files["review.html"]), "Cora") {
		t.Errorf("review.html lacks the deal lost in the window")
	}
}

// The numbers on the page are the report's: the funnel table shows each
// stage's reached count and value as computed.
func TestNumbersMatchReport(t *testing.T) {
	files, in := build(t, pipeline, deals, Options{})
	index := string(files["index.html"])
	for _, s := range in.Report.Stages {
		row := fmt.Sprintf(`<tr><th scope="row">%s</th><td class="num">%d</td>`, s.Name, s.Reached)
		if !strings.Contains(index, row) {
			t.Errorf("index.html funnel lacks %s", row)
		}
	}
	// Open value tile: 1,200.50 + 5,000 = 6,200.50, shown rounded.
	if !strings.Contains(index, `<div class="tile-value">€6,201</div>`) {
		t.Errorf("index.html lacks the open value tile")
	}
	var metricsJSON bytes.Buffer
	if err := in.Report.WriteJSON(&metricsJSON); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files["metrics.json"], metricsJSON.Bytes()) {
		t.Errorf("metrics.json is not the report's JSON")
	}
	csv := string(files["deals.csv"])
	if !strings.Contains(csv, "acme,Acme — analytics,Acme,ann,web,qual,open,1200.50,0.3,360.15,2026-10-01,,2026-11-20,53,true,true,,commit,Send the <order> form,2026-11-25,true,,,,\n") {
		t.Errorf("deals.csv row for acme is wrong:\n%s", csv)
	}
}

// Every link and asset reference in every page resolves to a file of the
// site (or an anchor on the page), the charting library included; the site
// never links outside itself except to the repository and mail addresses.
func TestLinksResolve(t *testing.T) {
	for _, opt := range []Options{{}, {EditBase: "https://github.com/acme/sales/edit/HEAD/"}} {
		files, _ := build(t, pipeline, deals, opt)
		for _, b := range files.BrokenLinks() {
			t.Error(b)
		}
		// The check does catch a broken link and a missing anchor.
		files["x.html"] = []byte(`<a href="nope.html">a</a> <a href="stages.html#stage-nope">b</a> <a href="https://example.com/">c</a>`)
		if got := files.BrokenLinks(); len(got) != 2 {
			t.Errorf("BrokenLinks on two broken links = %v", got)
		}
	}
}

// The same input gives byte-identical output whatever the scheduling.
func TestDeterministic(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	a, _ := build(t, pipeline, deals, Options{})
	runtime.GOMAXPROCS(8)
	b, _ := build(t, pipeline, deals, Options{})
	runtime.GOMAXPROCS(prev)
	if strings.Join(a.Paths(), " ") != strings.Join(b.Paths(), " ") {
		t.Fatalf("the file lists differ")
	}
	for _, p := range a.Paths() {
		if !bytes.Equal(a[p], b[p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
}

func TestGoldenFragments(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	fragments := []struct {
		file, start, end, golden string
	}{
		{"index.html", `<section aria-labelledby="kpis-h">`, `</section>`, "index-kpis.html"},
		{"index.html", `<section class="card" aria-labelledby="funnel-h">`, `</section>`, "index-funnel.html"},
		{"deals/acme.html", `<div class="page-head">`, `<section class="card notes"`, "deal-acme.html"},
		{"review.html", `<section class="card" aria-labelledby="move-h">`, `</section>`, "review-movement.html"},
		{"review.html", `<section class="card" aria-labelledby="fc-h">`, `</section>`, "review-forecast.html"},
	}
	for _, f := range fragments {
		page := string(files[f.file])
		i := strings.Index(page, f.start)
		j := strings.Index(page[max(i, 0):], f.end)
		if i < 0 || j < 0 {
			t.Errorf("%s: fragment %q not found", f.file, f.start)
			continue
		}
		got := page[i : i+j+len(f.end)]
		golden := filepath.Join("testdata", f.golden)
		if *update {
			os.WriteFile(golden, []byte(got), 0o644)
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (go test -update to accept):\n%s", f.file, golden, got)
		}
	}
}

// A page rendered on demand is the same as in the whole site.
func TestFileOnDemand(t *testing.T) {
	files, in := build(t, pipeline, deals, Options{})
	s := New(in, Options{})
	for _, p := range files.Paths() {
		got, ok, err := s.File(p)
		if err != nil || !ok {
			t.Errorf("File(%s): ok %v, %v", p, ok, err)
			continue
		}
		if !bytes.Equal(got, files[p]) {
			t.Errorf("File(%s) differs from the rendered site", p)
		}
	}
	for _, p := range []string{"nope.html", "deals/nope.html", "owners/nope.html", "assets/nope.js", "../etc/passwd"} {
		if _, ok, err := s.File(p); ok || err != nil {
			t.Errorf("File(%s): ok %v, %v; want not found", p, ok, err)
		}
	}
}

// A big pipeline's deals table is split into pages of DealsPerPage rows,
// linked to each other, and every deal is on exactly one page.
func TestDealsTablePages(t *testing.T) {
	many := map[string]string{}
	for i := range 2*DealsPerPage + 10 {
		many[fmt.Sprintf("d%05d", i)] = fmt.Sprintf("{title: D%d, owner: ann, value: 1, history: [{stage: lead, date: 2026-11-01}]}", i)
	}
	files, _ := build(t, pipeline, many, Options{})
	seen := 0
	for n, p := range []string{"deals.html", "deals-2.html", "deals-3.html"} {
		page := string(files[p])
		rows := strings.Count(page, `<tr data-owner=`)
		seen += rows
		if want := []int{DealsPerPage, DealsPerPage, 10}[n]; rows != want {
			t.Errorf("%s lists %d deals, want %d", p, rows, want)
		}
		if !strings.Contains(page, fmt.Sprintf("Page %d of 3", n+1)) {
			t.Errorf("%s has no pager", p)
		}
	}
	if seen != len(many) {
		t.Errorf("the pages list %d deals, want %d", seen, len(many))
	}
	// A rep with more deals than a page lists the open ones first.
	if rows := strings.Count(string(files["owners/ann.html"]), `<tr data-owner=`); rows != DealsPerPage {
		t.Errorf("owners/ann.html lists %d deals, want %d", rows, DealsPerPage)
	}
	if !strings.Contains(string(files["owners/ann.html"]), "2010 deals; the 1000 listed below") {
		t.Errorf("owners/ann.html does not say that it lists part of the deals")
	}
	if _, ok := files["deals-4.html"]; ok {
		t.Errorf("an empty fourth page was written")
	}
	if !strings.Contains(string(files["deals-2.html"]), `<a href="deals-3.html" rel="next">`) {
		t.Errorf("page 2 does not link to page 3")
	}
	for _, b := range files.BrokenLinks() {
		t.Error(b)
	}
	for _, p := range []string{"deals-1.html", "deals-02.html", "deals-x.html"} {
		if dealsPage(p) != 0 {
			t.Errorf("dealsPage(%q) = %d, want 0", p, dealsPage(p))
		}
	}
}

// Charts draw at most topN categories: the rest are grouped as "other".
func TestChartsGroupSmallCategories(t *testing.T) {
	var sources []metrics.Source
	var reasons []metrics.ReasonCount
	for i := range 12 {
		sources = append(sources, metrics.Source{ID: fmt.Sprintf("s%02d", i), Leads: i, WonDeals: 1})
		reasons = append(reasons, metrics.ReasonCount{Reason: fmt.Sprintf("r%02d", i), Count: 12 - i})
	}
	c := sourceChart("x", sources)
	b, _ := json.Marshal(c.Options)
	if !strings.Contains(string(b), `"other sources"`) || strings.Contains(string(b), `"s00"`) || !strings.Contains(string(b), `"s11"`) {
		t.Errorf("source chart: %s", b)
	}
	// other: leads 0+1+2+3+4 = 10, won 5.
	if !strings.Contains(string(b), `{"value":10,"label":{"show":true,"position":"right","formatter":"10"}}]`) {
		t.Errorf("the other group's leads are not summed: %s", b)
	}
	l, _ := json.Marshal(lostChart("y", reasons).Options)
	if !strings.Contains(string(l), `"data":["r00","r01","r02","r03","r04","r05","r06","other reasons"]`) || !strings.Contains(string(l), `{"value":15,"label":{"show":true,"position":"right","formatter":"15 deals"}}`) {
		t.Errorf("lost reasons chart: %s", l)
	}
}
