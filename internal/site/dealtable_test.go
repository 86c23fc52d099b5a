package site

import (
	"maps"
	"strings"
	"testing"
)

// The deals table's sort keys: the stage column sorts in pipeline order
// (lead, qual, won, lost), not by the stages' names (Closed lost, Closed
// won, Prospecting, Qualified); a blank cell shows None and has an empty
// key, which the page sorts last.
func TestDealTableSortKeys(t *testing.T) {
	all := maps.Clone(deals)
	all["eve"] = `{title: Eve, owner: ann, history: [{stage: lead, date: 2026-11-26}]}`
	_, in := build(t, pipeline, all, Options{})
	table := newRenderer(in, Options{}).dealTable("deals.html", in.Details.Deals)
	type keys struct {
		Stage                          int
		Value, Prob, Days              string
		Company, ExpectedClose, Source string
	}
	want := map[string]keys{
		"Acme — analytics": {1, "1200.50", "0.3", "53", "Acme", "2026-11-20", "web"},
		"Bolt":             {2, "800", "", "", "—", "—", "ref"},
		"Cora":             {3, "300", "", "", "—", "—", "—"},
		"Eve":              {0, "", "0.1", "1", "—", "—", "—"},
		"Dune":             {0, "5000", "0.1", "2", "—", "—", "web"},
	}
	if len(table.Rows) != len(want) {
		t.Fatalf("dealTable has %d rows, want %d", len(table.Rows), len(want))
	}
	for _, r := range table.Rows {
		got := keys{r.StageSort, r.ValueSort, r.ProbSort, r.DaysSort, r.Company, r.ExpectedClose, r.Source}
		if got != want[r.Title] {
			t.Errorf("dealTable row %q = %+v, want %+v", r.Title, got, want[r.Title])
		}
	}
}

// The page carries the keys: the stage cell's data-value, and an empty
// data-value on a blank number.
func TestDealTableHTMLSortKeys(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	page := string(files["deals.html"])
	for _, frag := range []string{
		`<th scope="col" data-type="number" data-key="stage">Stage</th>`,
		`<td data-label="Stage" data-value="3"><span class="pill lost">Closed lost</span></td>`,
		`<td data-label="Stage" data-value="0"><span class="pill open">Prospecting</span></td>`,
		`data-value="">—</td>`,
	} {
		if !strings.Contains(page, frag) {
			t.Errorf("deals.html lacks %s", frag)
		}
	}
}
