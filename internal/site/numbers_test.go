package site

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/docs"
	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
)

// tileHTML is how a KPI's tile starts on a page whose root is root.
func tileHTML(root string, f metrics.Field, currency string) string {
	return fmt.Sprintf(`<div class="tile-label"><a href="%smetrics.html#%s" title="How this number is computed">%s</a></div>
      <div class="tile-value">%s</div>`, root, f.Key, html.EscapeString(f.Label), html.EscapeString(format.Field(f, currency)))
}

// The dashboard shows the report's numbers: every KPI of the report is a
// tile on the overview with its value, the count it rests on and its value
// a review ago, linked to its definition; an owner's and a team's tiles
// are their own reports'; the owners page shows the report's rows.
func TestDashboardAgreesWithReport(t *testing.T) {
	files, in := build(t, pipeline, deals, Options{})
	index := string(files["index.html"])
	prev := in.Report.Previous.Fields()
	for i, f := range in.Report.Current.Fields() {
		if !strings.Contains(index, tileHTML("", f, "EUR")) {
			t.Errorf("index.html lacks the tile of %s = %s", f.Key, format.Field(f, "EUR"))
		}
		if !strings.Contains(index, "a review ago "+html.EscapeString(format.Field(prev[i], "EUR"))) {
			t.Errorf("index.html lacks the previous value of %s", f.Key)
		}
		if f.Counted && !strings.Contains(index, html.EscapeString(format.CountOf(f))) {
			t.Errorf("index.html lacks the count of %s (%s)", f.Key, format.CountOf(f))
		}
	}
	for _, g := range []struct {
		page string
		r    *metrics.Report
	}{{"owners/ann.html", in.Owner("ann")}, {"teams/emea.html", in.Team("EMEA")}} {
		page := string(files[g.page])
		for _, f := range g.r.Current.Fields() {
			if groupKPIs[f.Key] && !strings.Contains(page, tileHTML("../", f, "EUR")) {
				t.Errorf("%s lacks the tile of %s = %s", g.page, f.Key, format.Field(f, "EUR"))
			}
			if !groupKPIs[f.Key] && strings.Contains(page, "metrics.html#"+f.Key+`" title`) {
				t.Errorf("%s shows %s, which has no meaning for one group of owners", g.page, f.Key)
			}
		}
	}
	// A team's numbers pool its owners'.
	ann, emea := in.Report.Owners[0], in.Report.Teams[0]
	if emea.ID != "EMEA" || emea.OpenValue != ann.OpenValue || emea.WonValue != ann.WonValue || in.Team("EMEA").Current.OpenValue != ann.OpenValue {
		t.Errorf("team EMEA (only ann) = %+v, ann = %+v", emea, ann)
	}
	owners := string(files["owners.html"])
	for _, o := range in.Report.Owners {
		row := fmt.Sprintf(`<td class="num">%s</td><td class="num" data-value="%s">%s</td>`, format.Int(o.OpenDeals), o.OpenValue, html.EscapeString(format.Money(o.OpenValue, "EUR")))
		if !strings.Contains(owners, row) {
			t.Errorf("owners.html lacks %s's open deals and value: %s", o.ID, row)
		}
	}
	// Targets show the categories and the overdue value; the team's target
	// is on the overview and on the team's page.
	for _, tg := range in.Report.Targets {
		cells := fmt.Sprintf(`<td class="num" data-label="Commit">%s</td><td class="num" data-label="Best case">%s</td>`, html.EscapeString(format.Money(tg.Commit, "EUR")), html.EscapeString(format.Money(tg.BestCase, "EUR")))
		if tg.Status != metrics.Past && !strings.Contains(index, cells) {
			t.Errorf("index.html lacks the commit and best case of %s: %s", tg.Period, cells)
		}
	}
	if !strings.Contains(string(files["teams/emea.html"]), `<th scope="row" class="nowrap">2026-Q4</th>`) {
		t.Errorf("teams/emea.html lacks its Q4 target")
	}
}

// The next steps: acme's is overdue (due 11-25, as of 11-27) and is listed
// with its text, escaped; dune has none; both on the overview and on their
// owner's page.
func TestNextStepLists(t *testing.T) {
	files, in := build(t, pipeline, deals, Options{})
	if len(in.Report.OverdueNextStep) != 1 || in.Report.OverdueNextStep[0].ID != "acme" || in.Report.OverdueNextStep[0].DaysOverdue != 2 {
		t.Fatalf("overdue next steps = %+v", in.Report.OverdueNextStep)
	}
	for page, want := range map[string][]string{
		"index.html":      {`<a href="deals/acme.html">Acme — analytics</a></th><td data-label="Next step">Send the &lt;order&gt; form</td><td class="nowrap" data-label="Due">2026-11-25</td><td class="num" data-label="Days late">2</td>`, `<a href="deals/dune.html">Dune</a>`},
		"owners/ann.html": {`<a href="../deals/acme.html">Acme — analytics</a></th><td data-label="Next step">Send the &lt;order&gt; form</td>`, "Every open deal has a next step."},
		"owners/bob.html": {"Every next step is on time.", `<a href="../deals/dune.html">Dune</a>`},
	} {
		for _, frag := range want {
			if !strings.Contains(string(files[page]), frag) {
				t.Errorf("%s lacks %s", page, frag)
			}
		}
	}
}

// Every number links to its definition: each KPI, and every other key the
// pages link to, has its anchor in docs/metrics.md, which the site serves
// as metrics.html; every tile of every page links there.
func TestEveryNumberLinksToItsDefinition(t *testing.T) {
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a id="([^"]+)"></a>`).FindAllStringSubmatch(docs.Metrics, -1) {
		anchors[m[1]] = true
	}
	for _, f := range (metrics.KPIs{}).Fields() {
		if !anchors[f.Key] {
			t.Errorf("docs/metrics.md has no anchor for %s", f.Key)
		}
	}
	files, _ := build(t, pipeline, deals, Options{})
	if !strings.Contains(string(files["metrics.html"]), `<a id="win_rate"></a>`) {
		t.Errorf("metrics.html lacks the definitions' anchors")
	}
	tile := regexp.MustCompile(`(?s)<div class="tile">.*?</div>\s*</div>`)
	for _, p := range []string{"index.html", "owners/ann.html", "teams/emea.html"} {
		tiles := tile.FindAllString(string(files[p]), -1)
		if len(tiles) < 10 {
			t.Errorf("%s has %d tiles", p, len(tiles))
		}
		for _, tl := range tiles {
			if !strings.Contains(tl, `metrics.html#`) {
				t.Errorf("%s: a tile has no link to its definition: %s", p, tl)
			}
		}
	}
	// TestLinksResolve proves each of those links lands on an anchor that
	// exists; here, that the pages link to definitions at all.
	for _, p := range []string{"index.html", "owners.html", "owners/ann.html", "teams/emea.html"} {
		if n := strings.Count(string(files[p]), "metrics.html#"); n < 20 {
			t.Errorf("%s links to %d definitions", p, n)
		}
	}
}

// An owner's page does not repeat the owner in every row of its deals
// table; the deals table and a team's page show it.
func TestOwnerColumn(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	const th = `<th scope="col" data-type="text" data-key="owner">Owner</th>`
	for page, want := range map[string]bool{"deals.html": true, "teams/emea.html": true, "owners/ann.html": false} {
		if got := strings.Contains(string(files[page]), th); got != want {
			t.Errorf("%s shows the owner column: %v, want %v", page, got, want)
		}
	}
	if !strings.Contains(string(files["deals/acme.html"]), `<a href="../deals.html">Deals</a> / Acme — analytics</p>`) {
		t.Errorf("a deal's breadcrumb does not name the deal by its title")
	}
}

// One number style: amounts in whole units on every page — tables, tiles,
// charts — but for a deal's own value on its page, written as the deal
// says, cents and all; a chart writes the numbers its table shows.
func TestOneNumberStyle(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	cents := regexp.MustCompile(`€\d[\d,]*\.\d\d`)
	sawExact := false
	for _, p := range files.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		html := string(files[p])
		for _, m := range cents.FindAllStringIndex(html, -1) {
			around := html[max(0, m[0]-80):m[1]]
			if strings.HasPrefix(p, "deals/") && strings.Contains(around, `<div class="tile-label">Value</div><div class="tile-value">`) {
				sawExact = true
				continue
			}
			t.Errorf("%s: an amount with cents: …%s", p, around)
		}
	}
	if !sawExact {
		t.Errorf("no deal page shows its own value with its cents")
	}
	index := string(files["index.html"])
	funnel := pageCharts(t, index)["chart_funnel"]
	for _, d := range funnel["series"].([]any)[0].(map[string]any)["data"].([]any) {
		label := d.(map[string]any)["label"].(map[string]any)["formatter"].(string)
		count, value, _ := strings.Cut(label, " · ")
		if !strings.Contains(index, `<td class="num">`+count+`</td><td class="num">`+value+`</td>`) {
			t.Errorf("the funnel chart says %q, which its table does not", label)
		}
	}
}

// A closed deal's probability is what its close made it: 100% won, 0%
// lost; an open deal's is its stage's or its own.
func TestClosedDealProbability(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	for page, want := range map[string]string{
		"deals/emea/bolt.html": `100.0%</div><div class="tile-foot">won`,
		"deals/cora.html":      `0.0%</div><div class="tile-foot">lost`,
		"deals/dune.html":      `10.0%</div><div class="tile-foot">the stage&#39;s probability`,
	} {
		if !strings.Contains(string(files[page]), want) {
			t.Errorf("%s lacks %q", page, want)
		}
	}
}

// Every stage card lists the same facts in the same order, each with a
// value ("—" when there is none), so that they line up from card to card.
func TestStageFactsLineUp(t *testing.T) {
	files, _ := build(t, pipeline, deals, Options{})
	cards := strings.Split(string(files["stages.html"]), `<li class="card stage"`)[1:]
	dt := regexp.MustCompile(`<dt>([^<]*)</dt><dd>([^<]*)`)
	var first []string
	for i, c := range cards {
		var names []string
		for _, m := range dt.FindAllStringSubmatch(c, -1) {
			names = append(names, m[1])
		}
		if i == 0 {
			first = names
		} else if strings.Join(names, "|") != strings.Join(first, "|") {
			t.Errorf("card %d lists %v, the first %v", i, names, first)
		}
	}
	if len(cards) != 4 || len(first) != 6 {
		t.Errorf("%d cards, facts %v", len(cards), first)
	}
}
