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
