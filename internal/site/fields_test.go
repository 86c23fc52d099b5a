package site

import (
	"strings"
	"testing"
)

// The breakdowns page shows the report's rows: every win rate beside its
// count, "—" where there is none, the small-sample mark, the values in
// the order pipeline.yaml lists them and (none) last. A pipeline without
// an enumerated field has no such page and no link to it.
func TestFieldsPage(t *testing.T) {
	const p = `name: Fields
currency: USD
stages: [{id: lead, probability: 0.5}, {id: won, type: won}, {id: lost, type: lost}]
fields:
  - {id: industry, title: Industry, values: [retail, health, finance]}
  - {id: seats, type: number}
`
	deals := map[string]string{
		"a": "title: A\nowner: ann\nvalue: 1000\nfields: {industry: retail, seats: 12}\nhistory:\n  - {stage: lead, date: 2026-11-01}\n",
		"b": "title: B\nowner: ann\nvalue: 500.55\nfields: {industry: retail}\nhistory:\n  - {stage: lead, date: 2026-11-02}\n  - {stage: won, date: 2026-11-22}\n",
		"c": "title: C\nowner: ann\nvalue: 2000\nfields: {industry: health}\nhistory:\n  - {stage: lead, date: 2026-11-03}\n  - {stage: lost, date: 2026-11-25}\n",
		"d": "title: D\nowner: ann\nvalue: 300\nhistory:\n  - {stage: lead, date: 2026-11-21}\n",
	}
	files, in := build(t, p, deals, Options{})
	page := string(files[FieldsPage])
	if page == "" {
		t.Fatalf("no %s among %v", FieldsPage, files.Paths())
	}
	rows := strings.Split(page, "<tr>")[2:] // after the head's row
	want := []string{
		`<th scope="row">retail</th><td class="num">1</td><td class="num" data-value="1000">$1,000</td><td class="num" data-value="500">$500</td><td class="num">1</td><td class="num" data-value="500.55">$501</td><td class="num">0</td><td class="num" data-value="1">100.0%`,
		`<th scope="row">health</th><td class="num">0</td>`,
		`<th scope="row">finance</th><td class="num">0</td>`,
		`<th scope="row">(none)</th><td class="num">1</td><td class="num" data-value="300">$300</td>`,
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), page)
	}
	for i, w := range want {
		if !strings.HasPrefix(rows[i], w) {
			t.Errorf("row %d = %s\nwant it to start %s", i, rows[i], w)
		}
	}
	// retail: 1 of 1 closed, a small sample; finance: no closed deal, no rate.
	if !strings.Contains(rows[0], `100.0% <span class="badge small" title="Fewer than 10 closed deals">small</span></td><td class="num">1</td><td class="num" data-value="500.55">$501</td>`) {
		t.Errorf("retail's win rate, count and average: %s", rows[0])
	}
	if !strings.Contains(rows[2], `<td class="num" data-value="">—`) {
		t.Errorf("finance's win rate is not —: %s", rows[2])
	}
	if !strings.Contains(page, `<h2 id="field-0-h"><a class="def" href="metrics.html#fields">Industry</a></h2>`) ||
		!strings.Contains(page, `<caption class="visually-hidden">Deals by Industry</caption>`) {
		t.Errorf("the table's heading and caption")
	}
	// A chart of each field's open and won value, drawn from the same rows.
	if !strings.Contains(page, `data-chart="chart_field_0"`) || !strings.Contains(page, `data-charts="assets/echarts.min.js"`) ||
		!strings.Contains(page, `"data":[{"value":1000,"label":{"show":true,"position":"right","formatter":"$1,000"`) {
		t.Errorf("the breakdowns page lacks its chart, or the chart its values:\n%s", page)
	}
	if got := len(in.Report.Fields["industry"]); got != 4 {
		t.Errorf("the report has %d industry rows, want 4", got)
	}
	if !strings.Contains(string(files["index.html"]), `<a href="fields.html">Breakdowns</a>`) {
		t.Errorf("the overview does not link to the breakdowns")
	}
	// The deal page shows the deal's fields.
	if !strings.Contains(string(files[dealPath("a")]), `<p class="sub">Industry: retail · seats: 12</p>`) {
		t.Errorf("deal a's page lacks its fields")
	}

	plain, _ := build(t, strings.Split(p, "fields:")[0]+"fields:\n  - {id: seats, type: number}\n", map[string]string{"d": deals["d"]}, Options{})
	if _, ok := plain[FieldsPage]; ok || strings.Contains(string(plain["index.html"]), "fields.html") {
		t.Errorf("a pipeline without an enumerated field has a breakdowns page or a link to it")
	}
}

// deals.csv keeps what a deal in another currency says, its amount as
// written with the rate and day it was converted at, beside the converted
// value; and a column for each custom field.
func TestDealsCSVCurrencyAndFields(t *testing.T) {
	const p = `name: Fields
currency: USD
rates:
  - {currency: EUR, rate: 1.1, from: 2026-01-01}
  - {currency: EUR, rate: 1.2, from: 2026-11-24}
stages: [{id: lead, probability: 0.5}, {id: won, type: won}]
fields:
  - {id: industry, values: [retail, health]}
  - {id: seats, type: number}
`
	deals := map[string]string{
		"a": "title: A\nowner: ann\nvalue: 1000\ncurrency: EUR\nfields: {industry: retail, seats: 12}\nhistory:\n  - {stage: lead, date: 2026-11-01}\n",
		"b": "title: B\nowner: ann\nvalue: 500.55\ncurrency: EUR\nhistory:\n  - {stage: lead, date: 2026-11-02}\n  - {stage: won, date: 2026-11-22}\n",
		"c": "title: C\nowner: ann\nvalue: 300\nfields: {seats: 3}\nhistory:\n  - {stage: lead, date: 2026-11-21}\n",
	}
	files, _ := build(t, p, deals, Options{})
	lines := strings.Split(strings.TrimSpace(string(files["deals.csv"])), "\n")
	if !strings.HasSuffix(lines[0], ",next_step_overdue,currency,amount,rate,rate_day,field:industry,field:seats") {
		t.Errorf("deals.csv header: %s", lines[0])
	}
	want := map[string]string{
		// open: at T's rate; won: at its close date's.
		"a": ",open,1200,0.5,600,", "b": ",won,550.61,,,",
	}
	tails := map[string]string{
		"a": ",EUR,1000,1.2,2026-11-27,retail,12",
		"b": ",EUR,500.55,1.1,2026-11-22,,",
		"c": ",,,,,,3",
	}
	for _, line := range lines[1:] {
		id, _, _ := strings.Cut(line, ",")
		if w, ok := want[id]; ok && !strings.Contains(line, w) {
			t.Errorf("deals.csv row %s lacks %q: %s", id, w, line)
		}
		if !strings.HasSuffix(line, tails[id]) {
			t.Errorf("deals.csv row %s does not end %q: %s", id, tails[id], line)
		}
	}
	if len(lines) != 4 {
		t.Errorf("deals.csv has %d rows, want 3 deals", len(lines)-1)
	}
}
