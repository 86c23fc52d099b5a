package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

func date(t testing.TB, s string) model.Date {
	t.Helper()
	d, err := model.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// repo builds a repository from text and fails the test unless it passes
// check: metrics are only ever computed on a valid repository.
func repo(t testing.TB, pipeline string, deals map[string]string) *model.Repo {
	t.Helper()
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(pipeline))
	r := &model.Repo{Pipeline: p}
	for id, src := range deals {
		d, dd := load.ParseDeal("deals/"+id+".yaml", id, []byte(src))
		r.Deals = append(r.Deals, d)
		diags = append(diags, dd...)
	}
	diags = append(diags, check.Check(r, check.Options{Today: date(t, "2026-12-31")})...)
	if diag.HasErrors(diags) {
		t.Fatalf("fixture does not pass check: %v", diags)
	}
	return r
}

func ok(v float64) Ratio                { return Ratio{V: v, Valid: true} }
func cents(units float64) model.Money   { return model.Money(math.Round(units * 100)) }
func okMoney(units float64) MoneyOrNull { return MoneyOrNull{V: cents(units), Valid: true} }
func strp(s string) *string             { return &s }
func intp(n int) *int                   { return &n }

func sameRatio(a, b Ratio) bool {
	return a.Valid == b.Valid && (!a.Valid || math.Abs(a.V-b.V) <= 1e-12*math.Max(1, math.Abs(b.V)))
}

// checkFields compares two structs field by field (Ratios to rounding
// error, everything else exactly) and names each differing field by its
// JSON key: every field of want is asserted, so a field left out of want
// asserts zero, or null.
func checkFields[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	typ := gv.Type()
	for i := range typ.NumField() {
		name := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
		if name == "" || name == "-" {
			name = typ.Field(i).Name
		}
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		same := reflect.DeepEqual(g, w)
		if gr, isRatio := g.(Ratio); isRatio {
			same = sameRatio(gr, w.(Ratio))
		}
		if !same {
			t.Errorf("%s %s = %v, want %v", what, name, show(g), show(w))
		}
	}
}

func show(v any) string {
	switch x := v.(type) {
	case *string:
		if x == nil {
			return "nil"
		}
		return *x
	case *int:
		if x == nil {
			return "nil"
		}
		return fmt.Sprint(*x)
	}
	return fmt.Sprint(v)
}

// The fixture of version 1, as of T = 2026-11-27. detail_test.go derives
// its numbers from it; here it is the pipeline without rate_days or
// timezone (the defaults).
const fixturePipeline = `name: Fixture
currency: USD
review: weekly
funnel_days: 60
owners: [{id: ann}, {id: bob}]
sources: [web, ref]
lost_reasons: [budget]
stages:
  - {id: lead, probability: 0.1, rot_after: 10}
  - {id: qual, probability: 0.25, rot_after: 10, entry: true}
  - {id: prop, probability: 0.5, rot_after: 5}
  - {id: nego, probability: 0.8}
  - {id: won, type: won}
  - {id: lost, type: lost, requires: [reason]}
transitions:
  qual: [prop, nego, lost]
  nego: [prop, won, lost]
targets:
  - {period: 2026-11, revenue: 10000}
  - {period: 2026-Q4, owner: ann, revenue: 5000}
  - {period: 2026-10, revenue: 1000}
spend:
  - {month: 2026-11, source: web, amount: 3000}
  - {month: 2026-10, amount: 3100}
`

// Spend: web 3000 in November = 100 a day; 3100 without source in October =
// 100 a day.
var fixtureDeals = map[string]string{
	"a": `{title: A, owner: ann, source: web, value: 1000, emails: {sent: 10, opened: 5},
	  onboarding: {status: in_progress},
	  history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-05}, {stage: prop, date: 2026-11-10},
	            {stage: nego, date: 2026-11-15}, {stage: won, date: 2026-11-22}]}`,
	"b": `{title: B, owner: ann, source: ref, value: 2000, probability: 0.5, expected_close: 2026-11-30,
	  history: [{stage: qual, date: 2026-11-20}, {stage: nego, date: 2026-11-21}, {stage: prop, date: 2026-11-23},
	            {stage: nego, date: 2026-11-25}]}`,
	"c": `{title: C, owner: bob, source: web, value: 500, history: [{stage: lead, date: 2026-11-24}]}`,
	"d": `{title: D, owner: bob, value: 3000, emails: {sent: 4, opened: 4},
	  history: [{stage: lead, date: 2026-10-01}, {stage: lost, date: 2026-11-21, reason: budget}]}`,
	"e": `{title: E, owner: bob, source: web, value: 4000, emails: {sent: 6, opened: 3},
	  history: [{stage: lead, date: 2026-10-01}, {stage: qual, date: 2026-10-05}, {stage: lost, date: 2026-11-16, reason: budget}]}`,
	"f": `{title: F, owner: ann, source: ref, value: 1500, onboarding: {status: succeeded, date: 2026-11-21}, churned: 2026-11-21,
	  history: [{stage: lead, date: 2026-09-01}, {stage: qual, date: 2026-09-10}, {stage: prop, date: 2026-09-20},
	            {stage: nego, date: 2026-10-01}, {stage: won, date: 2026-10-15}]}`,
	"g": `{title: G, owner: ann, source: web, value: 800,
	  history: [{stage: lead, date: 2026-11-26}, {stage: qual, date: 2026-11-28}]}`,
	"h": `{title: H, owner: bob, source: ref, value: 600, history: [{stage: lead, date: 2026-12-01}]}`,
	"i": `{title: I, owner: bob, source: web, value: 2500, expected_close: 2026-11-20,
	  history: [{stage: lead, date: 2026-10-10}, {stage: qual, date: 2026-10-12}, {stage: prop, date: 2026-10-15}]}`,
	"j": `{title: J, owner: ann, source: web, value: 700, onboarding: {status: failed, date: 2026-11-25},
	  history: [{stage: lead, date: 2026-11-10}, {stage: qual, date: 2026-11-12}, {stage: prop, date: 2026-11-14},
	            {stage: nego, date: 2026-11-18}, {stage: won, date: 2026-11-19}]}`,
	"k": `{title: K, owner: bob, source: ref, value: 900, churned: 2026-11-20, emails: {sent: 100, opened: 0},
	  history: [{stage: qual, date: 2026-08-01}, {stage: prop, date: 2026-08-02}, {stage: nego, date: 2026-08-03},
	            {stage: won, date: 2026-08-10}]}`,
	"l": `{title: L, owner: bob, source: ref, value: 1200,
	  history: [{stage: lead, date: 2026-11-02}, {stage: qual, date: 2026-11-03}, {stage: nego, date: 2026-11-05},
	            {stage: lost, date: 2026-11-27, reason: budget}]}`,
}

// Without rate_days the rate window is the 90 days ending on T (METRICS.md:
// "rate_days, default 90"), and without timezone the report says UTC.
func TestDefaultRateWindowAndTimezone(t *testing.T) {
	r := Compute(repo(t, fixturePipeline, fixtureDeals), Options{AsOf: date(t, "2026-11-27")})
	// 11-27 − 89 days = 08-30, as in METRICS.md's example.
	if r.RateWindow != (Window{From: date(t, "2026-08-30"), To: date(t, "2026-11-27")}) {
		t.Errorf("default rate window = %v..%v, want 2026-08-30..2026-11-27", r.RateWindow.From, r.RateWindow.To)
	}
	if r.Timezone != "UTC" {
		t.Errorf("timezone = %q, want UTC when pipeline.yaml has none", r.Timezone)
	}
	// Closed in 08-30..11-27: won a (11-22), f (10-15), j (11-19) — k was
	// won 08-10, before R; lost d (11-21), e (11-16), l (11-27).
	if k := r.Current; k.ClosedDeals != 6 || k.WonDealsRated != 3 || !sameRatio(k.WinRate, ok(0.5)) {
		t.Errorf("90-day rates: closed %d, won %d, win rate %v; want 6, 3, 0.5", k.ClosedDeals, k.WonDealsRated, k.WinRate)
	}
}

// ---------------------------------------------------------------------------
// The fixture of version 2. Every expected number below is derived by hand
// from METRICS.md (version 2), never pasted from the code's output.
//
// T = 2026-11-27, weekly: review window [F, T] = 11-21..11-27.
// rate_days 30: R = T − 29 = 10-29; rate window 10-29..11-27 (3 + 27 days).
// funnel_days 60: funnel cohort created in 09-29..11-27 (2 + 31 + 27 days).
// Previous, as of F − 1 = 11-20: review 11-14..11-20, rate 10-22..11-20,
// funnel 09-22..11-20.
//
// Stage positions: lead 0, qual 1, prop 2, nego 3, won 4 (lost 5).
// Forecast categories of the stages: lead and qual none (so pipeline), prop
// best_case, nego commit.
// Owners, in the order declared: cy (Nordics), bob (DACH), ann (Nordics),
// dee (no team). Teams in the order they first appear: Nordics [cy ann],
// DACH [bob].
//
// Spend per day: ref September 900/30 = 30; web October 3100/31 = 100; web
// November 6000/30 = 200; no source November 1500/30 = 50.
//
// The deals (created = first entry; the cycle of a won deal is won date −
// created; "stays" are the ones that ended, with their length in days):
//
//	id       owner src   value  created  history (stage date)                                   at T         at F−1 (11-20)
//	alpha    ann   web    1000  10-01    lead 10-01 qual 10-05 prop 10-10 nego 10-15 won 11-22  won (c. 52)  open nego since 10-15
//	bravo    bob   ref    2000  10-20    qual 10-20 nego 10-25 won 10-29 (on R)                 won (c. 9)   won
//	charlie  cy    web    3000  11-01    lead 11-01 qual 11-03 prop 11-05 nego 11-08 won 11-16  won (c. 15)  won (11-16)
//	delta    dee   -      4000  09-30    lead 09-30 qual 10-10 prop 10-20 nego 10-29 won 11-24  won (c. 55)  open nego since 10-29
//	echo     ann   ref    1500  09-01    qual 09-01 prop 09-10 nego 09-20 won 10-28 (R − 1)     won (c. 57)  won
//	foxtrot  bob   web    5000  06-01    lead 06-01 qual 06-05 prop 06-10 nego 06-15 won 07-01  won          won
//	golf     cy    ref    2500  05-01    qual 05-01 nego 05-10 won 06-01                        won          won
//	hotel    ann   event   800  08-01    lead 08-01 qual 08-05 prop 08-10 nego 08-15 won 09-15  won          won
//	india    bob   web    1200  10-28    lead 10-28 lost 11-25                                  lost         open lead since 10-28
//	juliet   ann   ref     600  10-10    lead 10-10 qual 10-15 lost 10-29 (on R)                lost         lost
//	kilo     dee   web     900  10-01    lead 10-01 lost 10-28 (R − 1)                          lost         lost
//	lima     ann   -       700  11-10    qual 11-10 lost 11-18                                  lost         lost (11-18)
//	mike     ann   web    2000  11-22    lead 11-22                                             open lead    —
//	november bob   ref    3000  10-29    qual 10-29 prop 11-01 nego 11-10 prop 11-23 (back)     open prop    open nego since 11-10
//	oscar    cy    web    4000  10-05    lead 10-05 qual 10-12 prop 10-20 nego 11-01            open nego    open nego since 11-17
//	                                     prop 11-14 (back) nego 11-17
//	papa     dee   event  1500  10-01    qual 10-01 prop 10-10                                  open prop    open prop
//	quebec   ann   ref    2500  09-20    lead 09-20 qual 09-25 prop 10-01 nego 10-20            open nego    open nego
//	romeo    bob   web    1000  11-12    lead 11-12 qual 11-14                                  open qual    open qual
//	sierra   cy    -       500  11-25    lead 11-25                                             open lead    —
//	tango    dee   ref    1800  11-14    qual 11-14                                             open qual    open qual
//	uniform  ann   event     —  11-27    lead 11-27 (no value: counts 0)                        open lead    —
//	victor   bob   ref    2200  11-26    qual 11-26 (prop 11-30 is after T)                     open qual    —
//	whiskey  cy    web     700  12-01    lead 12-01                                             —            —
//
// The open deals as of T (probability: the deal's own, else its stage's;
// category: the deal's own, else its stage's, else pipeline; days in stage
// against rot_after; overdue: expected_close < T; next step overdue:
// next_step_date < T):
//
//	id        stage value  p     weighted  category   expected  in stage       next step, date
//	mike      lead   2000  0.1     200     pipeline   12-15      5 ≤ 10        none
//	sierra    lead    500  0.3*    150     pipeline   2027-01-15 2 ≤ 10        "Intro call", no date
//	uniform   lead      0  0.1       0     pipeline   none       0 ≤ 10        none
//	romeo     qual   1000  0.25    250     pipeline   10-31 (overdue 27) 13 > 10 stuck (3 over)   none
//	tango     qual   1800  0.25    450     best_case* 12-20     13 > 10 stuck (3 over)  "Demo", 11-20: overdue 7
//	victor    qual   2200  0.25    550     pipeline   12-05      1 ≤ 10        "Proposal", no date
//	november  prop   3000  0.6*   1800     best_case  11-30      4 ≤ 5         "Send the revised quote", 11-27 = T: not overdue
//	papa      prop   1500  0.5     750     commit*    11-20 (overdue 7) 48 > 5 stuck (43 over)  "Call the CFO", 11-13: overdue 14
//	oscar     nego   4000  0.8    3200     omitted*   12-10     10 ≤ 20        "Legal review", 11-20: overdue 7
//	quebec    nego   2500  0.8    2000     commit     11-27 = T: not overdue   38 > 20 stuck (18 over)  "Signature", 12-01
//	(* the deal's own probability or forecast)
//
// india (lost) has a next step dated 11-01 and alpha (won) none: closed
// deals count in neither next-step key.
// ---------------------------------------------------------------------------

const v2Pipeline = `name: Fixture v2
currency: USD
review: weekly
timezone: Europe/Kyiv
rate_days: 30
funnel_days: 60
owners:
  - {id: cy, name: Cy Dunn, team: Nordics}
  - {id: bob, name: Bob Roy, team: DACH}
  - {id: ann, name: Ann Lee, team: Nordics}
  - {id: dee, name: Dee Fox}
sources: [web, ref, event]
lost_reasons: [budget]
stages:
  - {id: lead, name: Prospecting, probability: 0.1, rot_after: 10}
  - {id: qual, probability: 0.25, rot_after: 10, entry: true}
  - {id: prop, probability: 0.5, rot_after: 5, forecast: best_case}
  - {id: nego, probability: 0.8, rot_after: 20, forecast: commit}
  - {id: won, type: won}
  - {id: lost, type: lost, requires: [reason]}
transitions:
  qual: [prop, nego, lost]
  nego: [prop, won, lost]
targets:
  - {period: 2026-Q4, revenue: 50000}
  - {period: 2026-11, owner: ann, revenue: 8000}
  - {period: 2026-Q4, team: Nordics, revenue: 30000}
  - {period: 2026-10, revenue: 10000}
  - {period: 2026-12, revenue: 20000}
  - {period: 2026-11, owner: dee, revenue: 3000}
spend:
  - {month: 2026-09, source: ref, amount: 900}
  - {month: 2026-10, source: web, amount: 3100}
  - {month: 2026-11, source: web, amount: 6000}
  - {month: 2026-11, amount: 1500}
`

var v2Deals = map[string]string{
	"alpha": `{title: Alpha, owner: ann, source: web, value: 1000, expected_close: 2026-11-25,
	  emails: {sent: 10, opened: 6}, onboarding: {status: in_progress},
	  history: [{stage: lead, date: 2026-10-01}, {stage: qual, date: 2026-10-05}, {stage: prop, date: 2026-10-10},
	            {stage: nego, date: 2026-10-15}, {stage: won, date: 2026-11-22}]}`,
	"bravo": `{title: Bravo, owner: bob, source: ref, value: 2000, emails: {sent: 4, opened: 4},
	  onboarding: {status: succeeded, date: 2026-11-10},
	  history: [{stage: qual, date: 2026-10-20}, {stage: nego, date: 2026-10-25}, {stage: won, date: 2026-10-29}]}`,
	"charlie": `{title: Charlie, owner: cy, source: web, value: 3000, onboarding: {status: failed, date: 2026-11-25},
	  history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-03}, {stage: prop, date: 2026-11-05},
	            {stage: nego, date: 2026-11-08}, {stage: won, date: 2026-11-16}]}`,
	"delta": `{title: Delta, owner: dee, value: 4000, expected_close: 2026-11-15,
	  onboarding: {status: succeeded, date: 2026-11-27},
	  history: [{stage: lead, date: 2026-09-30}, {stage: qual, date: 2026-10-10}, {stage: prop, date: 2026-10-20},
	            {stage: nego, date: 2026-10-29}, {stage: won, date: 2026-11-24}]}`,
	"echo": `{title: Echo, owner: ann, source: ref, value: 1500, emails: {sent: 20, opened: 20},
	  onboarding: {status: failed, date: 2026-10-28}, churned: 2026-10-29,
	  history: [{stage: qual, date: 2026-09-01}, {stage: prop, date: 2026-09-10}, {stage: nego, date: 2026-09-20},
	            {stage: won, date: 2026-10-28}]}`,
	"foxtrot": `{title: Foxtrot, owner: bob, source: web, value: 5000,
	  onboarding: {status: succeeded, date: 2026-07-20}, churned: 2026-10-28,
	  history: [{stage: lead, date: 2026-06-01}, {stage: qual, date: 2026-06-05}, {stage: prop, date: 2026-06-10},
	            {stage: nego, date: 2026-06-15}, {stage: won, date: 2026-07-01}]}`,
	"golf": `{title: Golf, owner: cy, source: ref, value: 2500, emails: {sent: 50, opened: 10},
	  onboarding: {status: succeeded, date: 2026-06-20},
	  history: [{stage: qual, date: 2026-05-01}, {stage: nego, date: 2026-05-10}, {stage: won, date: 2026-06-01}]}`,
	"hotel": `{title: Hotel, owner: ann, source: event, value: 800,
	  onboarding: {status: succeeded, date: 2026-10-29}, churned: 2026-12-05,
	  history: [{stage: lead, date: 2026-08-01}, {stage: qual, date: 2026-08-05}, {stage: prop, date: 2026-08-10},
	            {stage: nego, date: 2026-08-15}, {stage: won, date: 2026-09-15}]}`,
	"india": `{title: India, owner: bob, source: web, value: 1200, emails: {sent: 10, opened: 2},
	  next_step: Follow up, next_step_date: 2026-11-01,
	  history: [{stage: lead, date: 2026-10-28}, {stage: lost, date: 2026-11-25, reason: budget}]}`,
	"juliet": `{title: Juliet, owner: ann, source: ref, value: 600,
	  history: [{stage: lead, date: 2026-10-10}, {stage: qual, date: 2026-10-15}, {stage: lost, date: 2026-10-29, reason: budget}]}`,
	"kilo": `{title: Kilo, owner: dee, source: web, value: 900, emails: {sent: 5, opened: 5},
	  history: [{stage: lead, date: 2026-10-01}, {stage: lost, date: 2026-10-28, reason: budget}]}`,
	"lima": `{title: Lima, owner: ann, value: 700,
	  history: [{stage: qual, date: 2026-11-10}, {stage: lost, date: 2026-11-18, reason: budget}]}`,
	"mike": `{title: Mike, owner: ann, source: web, value: 2000, expected_close: 2026-12-15,
	  history: [{stage: lead, date: 2026-11-22}]}`,
	"november": `{title: November, owner: bob, source: ref, value: 3000, probability: 0.6, expected_close: 2026-11-30,
	  next_step: Send the revised quote, next_step_date: 2026-11-27, emails: {sent: 8, opened: 3},
	  history: [{stage: qual, date: 2026-10-29}, {stage: prop, date: 2026-11-01}, {stage: nego, date: 2026-11-10},
	            {stage: prop, date: 2026-11-23}]}`,
	"oscar": `{title: Oscar, owner: cy, source: web, value: 4000, forecast: omitted, expected_close: 2026-12-10,
	  next_step: Legal review, next_step_date: 2026-11-20,
	  history: [{stage: lead, date: 2026-10-05}, {stage: qual, date: 2026-10-12}, {stage: prop, date: 2026-10-20},
	            {stage: nego, date: 2026-11-01}, {stage: prop, date: 2026-11-14}, {stage: nego, date: 2026-11-17}]}`,
	"papa": `{title: Papa, owner: dee, source: event, value: 1500, forecast: commit, expected_close: 2026-11-20,
	  next_step: Call the CFO, next_step_date: 2026-11-13, emails: {sent: 6, opened: 0},
	  history: [{stage: qual, date: 2026-10-01}, {stage: prop, date: 2026-10-10}]}`,
	"quebec": `{title: Quebec, owner: ann, source: ref, value: 2500, expected_close: 2026-11-27,
	  next_step: Signature, next_step_date: 2026-12-01,
	  history: [{stage: lead, date: 2026-09-20}, {stage: qual, date: 2026-09-25}, {stage: prop, date: 2026-10-01},
	            {stage: nego, date: 2026-10-20}]}`,
	"romeo": `{title: Romeo, owner: bob, source: web, value: 1000, expected_close: 2026-10-31,
	  history: [{stage: lead, date: 2026-11-12}, {stage: qual, date: 2026-11-14}]}`,
	"sierra": `{title: Sierra, owner: cy, value: 500, probability: 0.3, expected_close: 2027-01-15, next_step: Intro call,
	  history: [{stage: lead, date: 2026-11-25}]}`,
	"tango": `{title: Tango, owner: dee, source: ref, value: 1800, forecast: best_case, expected_close: 2026-12-20,
	  next_step: Demo, next_step_date: 2026-11-20,
	  history: [{stage: qual, date: 2026-11-14}]}`,
	"uniform": `{title: Uniform, owner: ann, source: event,
	  history: [{stage: lead, date: 2026-11-27}]}`,
	"victor": `{title: Victor, owner: bob, source: ref, value: 2200, expected_close: 2026-12-05, next_step: Proposal,
	  emails: {sent: 2, opened: 1},
	  history: [{stage: qual, date: 2026-11-26}, {stage: prop, date: 2026-11-30}]}`,
	"whiskey": `{title: Whiskey, owner: cy, source: web, value: 700, emails: {sent: 7, opened: 7},
	  history: [{stage: lead, date: 2026-12-01}]}`,
}

func v2Repo(t testing.TB) *model.Repo { return repo(t, v2Pipeline, v2Deals) }

func v2(t testing.TB) *Report {
	t.Helper()
	return Compute(v2Repo(t), Options{AsOf: date(t, "2026-11-27")})
}

func window(t testing.TB, from, to string) Window {
	return Window{From: date(t, from), To: date(t, to)}
}

func TestWindows(t *testing.T) {
	r := v2(t)
	for _, tt := range []struct {
		name     string
		got      Window
		from, to string
	}{
		{"review", r.Window, "2026-11-21", "2026-11-27"},           // T − 6 .. T
		{"previous", r.PreviousWindow, "2026-11-14", "2026-11-20"}, // the 7 days ending on F − 1
		{"rate", r.RateWindow, "2026-10-29", "2026-11-27"},         // rate_days 30: T − 29 .. T
		{"funnel", r.FunnelWindow, "2026-09-29", "2026-11-27"},     // funnel_days 60: T − 59 .. T
	} {
		if tt.got != window(t, tt.from, tt.to) {
			t.Errorf("%s window = %s..%s, want %s..%s", tt.name, tt.got.From, tt.got.To, tt.from, tt.to)
		}
	}
	if r.AsOf != date(t, "2026-11-27") || r.Timezone != "Europe/Kyiv" || r.Currency != "USD" || r.History != HistoryFiles {
		t.Errorf("as_of %s, timezone %q, currency %q, history %q", r.AsOf, r.Timezone, r.Currency, r.History)
	}
	for review, days := range map[string]int{"weekly": 7, "biweekly": 14, "monthly": 30, "": 7} {
		if got := ReviewDays(review); got != days {
			t.Errorf("ReviewDays(%q) = %d, want %d", review, got, days)
		}
	}
}

// --from with a window longer than rate_days: the rate window is that
// window. --rate-days overrides pipeline.yaml.
func TestRateWindowOptions(t *testing.T) {
	rp := v2Repo(t)

	// From 10-19 to 11-27 is 40 days (13 of October, 27 of November), more
	// than rate_days 30: review and rate window are both 10-19..11-27.
	r := Compute(rp, Options{AsOf: date(t, "2026-11-27"), From: date(t, "2026-10-19")})
	if r.Window != window(t, "2026-10-19", "2026-11-27") || r.RateWindow != r.Window {
		t.Errorf("40-day window %v..%v, rate window %v..%v; want both 2026-10-19..2026-11-27",
			r.Window.From, r.Window.To, r.RateWindow.From, r.RateWindow.To)
	}
	// Previous: the 40 days ending on 10-18, 09-09..10-18 (22 + 18 days);
	// its rate window is the same.
	if r.PreviousWindow != window(t, "2026-09-09", "2026-10-18") {
		t.Errorf("previous window %v..%v, want 2026-09-09..2026-10-18", r.PreviousWindow.From, r.PreviousWindow.To)
	}
	// Closed in 10-19..11-27: won alpha 11-22, bravo 10-29, charlie 11-16,
	// delta 11-24, echo 10-28; lost india 11-25, juliet 10-29, kilo 10-28,
	// lima 11-18. Created in it: bravo 10-20, india 10-28, november 10-29,
	// charlie 11-01, lima 11-10, romeo 11-12, tango 11-14, mike 11-22,
	// sierra 11-25, victor 11-26, uniform 11-27.
	if k := r.Current; k.ClosedDeals != 9 || k.WonDealsRated != 5 || !sameRatio(k.WinRate, ok(5.0/9)) ||
		k.WonDeals != 5 || k.LostDeals != 4 || k.Leads != 11 || k.LeadsRated != 11 {
		t.Errorf("40-day window: closed %d won %d win rate %v, activity won %d lost %d leads %d, leads rated %d; want 9 5 5/9, 5 4 11, 11",
			k.ClosedDeals, k.WonDealsRated, k.WinRate, k.WonDeals, k.LostDeals, k.Leads, k.LeadsRated)
	}
	// Previous as of 10-18 over 09-09..10-18: nothing was won or lost in it
	// (echo 10-28, kilo 10-28 are later; hotel won 09-15 is in it).
	if k := r.Previous; k.ClosedDeals != 1 || k.WonDealsRated != 1 || k.WonDeals != 1 {
		t.Errorf("previous of the 40-day window: closed %d, won rated %d, won %d; want 1 (hotel 09-15), 1, 1",
			k.ClosedDeals, k.WonDealsRated, k.WonDeals)
	}

	// RateDays 45 overrides rate_days 30: R = 11-27 − 44 = 10-14. Closed in
	// 10-14..11-27 as in the 40-day window above (nothing closed 10-14..10-18):
	// 5 won, 4 lost. Created in it: the 11 above (juliet 10-10 and oscar
	// 10-05 are earlier).
	r = Compute(rp, Options{AsOf: date(t, "2026-11-27"), RateDays: 45})
	if r.RateWindow != window(t, "2026-10-14", "2026-11-27") || r.Window != window(t, "2026-11-21", "2026-11-27") {
		t.Errorf("--rate-days 45: rate window %v..%v, window %v..%v", r.RateWindow.From, r.RateWindow.To, r.Window.From, r.Window.To)
	}
	if k := r.Current; k.ClosedDeals != 9 || k.WonDealsRated != 5 || k.LeadsRated != 11 {
		t.Errorf("--rate-days 45: closed %d, won %d, leads %d; want 9, 5, 11", k.ClosedDeals, k.WonDealsRated, k.LeadsRated)
	}
	// Its previous rate window is the 45 days ending on 11-20: 10-07..11-20.
	// Closed in it: won bravo 10-29, charlie 11-16, echo 10-28; lost juliet
	// 10-29, kilo 10-28, lima 11-18. Created in it (and by 11-20): juliet
	// 10-10, bravo 10-20, india 10-28, november 10-29, charlie 11-01, lima
	// 11-10, romeo 11-12, tango 11-14 (oscar 10-05 is earlier).
	if k := r.Previous; k.ClosedDeals != 6 || k.WonDealsRated != 3 || k.LeadsRated != 8 {
		t.Errorf("--rate-days 45, previous: closed %d, won %d, leads %d; want 6, 3, 8", k.ClosedDeals, k.WonDealsRated, k.LeadsRated)
	}
}

// METRICS.md: "Rate window [R, T]: the rate_days days ending on T … When
// --from/--to give a window longer than rate_days, the rate window is that
// window." Only an explicit --from/--to widens it: a monthly review with
// rate_days 14 keeps the 14-day rate window.
func TestRateWindowOfCadence(t *testing.T) {
	p := strings.Replace(v2Pipeline, "review: weekly", "review: monthly", 1)
	p = strings.Replace(p, "rate_days: 30", "rate_days: 14", 1)
	r := Compute(repo(t, p, v2Deals), Options{AsOf: date(t, "2026-11-27")})
	// Review: 30 days, 10-29..11-27. Rate: 14 days, 11-14..11-27.
	if r.Window != window(t, "2026-10-29", "2026-11-27") {
		t.Errorf("monthly window = %v..%v, want 2026-10-29..2026-11-27", r.Window.From, r.Window.To)
	}
	if r.RateWindow != window(t, "2026-11-14", "2026-11-27") {
		t.Errorf("rate window with rate_days 14 and a monthly review = %v..%v, want 2026-11-14..2026-11-27 (rate_days, as no --from widens it)",
			r.RateWindow.From, r.RateWindow.To)
	}
}

func TestCurrentKPIs(t *testing.T) {
	checkFields(t, "current", v2(t).Current, KPIs{
		// Snapshot as of 11-27: open mike sierra uniform (lead), romeo tango
		// victor (qual), november papa (prop), oscar quebec (nego).
		OpenDeals: 10,
		// 2000 + 500 + 0 + 1000 + 1800 + 2200 + 3000 + 1500 + 4000 + 2500
		OpenValue: cents(18500),
		// 200 + 150 + 0 + 250 + 450 + 550 + 1800 + 750 + 3200 + 2000
		WeightedValue: cents(9350),
		// papa (48 days in prop > 5), quebec (38 in nego > 20), romeo and
		// tango (13 in qual > 10)
		StuckDeals: 4,
		// romeo (expected 10-31), papa (11-20); quebec's 11-27 is T: not
		// overdue
		OverdueDeals: 2,
		OverdueValue: cents(2500), // 1000 + 1500
		// mike, romeo, uniform (alpha, won, has none too: not open)
		NoNextStep: 3,
		// papa 11-13, oscar 11-20, tango 11-20; november's 11-27 is T: not
		// overdue; india's 11-01 is on a lost deal
		OverdueNextStep: 3,

		// Activity in 11-21..11-27.
		Leads:     4,           // mike 11-22, sierra 11-25, victor 11-26, uniform 11-27 (whiskey 12-01 does not exist)
		NewValue:  cents(4700), // 2000 + 500 + 2200 + 0
		WonDeals:  2,           // alpha 11-22, delta 11-24
		WonValue:  cents(5000), // 1000 + 4000
		LostDeals: 1,           // india 11-25
		LostValue: cents(1200),
		// November: web 200 + none 50 a day, × 7 days
		Spend: cents(1750),
		// november nego → prop on 11-23; oscar's nego → prop on 11-14 is
		// before F
		BackwardMoves: 1,

		// Rates over 10-29..11-27. Won: alpha 11-22 (1000, cycle 10-01 →
		// 11-22 = 52), bravo 10-29 on R (2000, 10-20 → 10-29 = 9), charlie
		// 11-16 (3000, 11-01 → 11-16 = 15), delta 11-24 (4000, 09-30 → 11-24
		// = 55); echo won 10-28 = R − 1 is out. Lost: india 11-25 (1200),
		// juliet 10-29 on R (600), lima 11-18 (700); kilo lost 10-28 is out.
		WinRate:        ok(4.0 / 7),
		WinRateByValue: ok(10000.0 / 12500), // 10000 ÷ (10000 + 2500)
		ClosedDeals:    7,
		AvgDealSize:    okMoney(2500), // 10000 ÷ 4
		// Cycles sorted 9 15 52 55: an even count, the mean of the two middle
		// values (15 + 52) ÷ 2.
		SalesCycleDays:     ok(33.5),
		SalesCycleMeanDays: ok(131.0 / 4), // (52 + 9 + 15 + 55) ÷ 4 = 32.75
		WonDealsRated:      4,
		// open_deals × win_rate × avg ÷ mean cycle = 10 × 4/7 × 2500 ÷ 32.75
		// = 100000 ÷ 229.25 = 436.2050… (with the median 33.5 it would be
		// 426.44)
		SalesVelocity: okMoney(436.21),
		// Spend in 10-29..11-27: web October 3 days × 100 = 300, web November
		// 27 × 200 = 5400, no source November 27 × 50 = 1350: 7050. Created
		// in the rate window: november 10-29 (on R), charlie 11-01, lima
		// 11-10, romeo 11-12, tango 11-14, mike 11-22, sierra 11-25, victor
		// 11-26, uniform 11-27 — 9 (india 10-28 = R − 1 is out).
		CostPerLead: okMoney(783.33), // 7050 ÷ 9 = 783.333…
		LeadsRated:  9,
		CAC:         okMoney(1762.50), // 7050 ÷ 4
		// Active in the rate window (created ≤ T, not closed before R): alpha
		// 6/10, bravo (won on R) 4/4, india 2/10, november 3/8, papa 0/6,
		// victor 1/2. Out: echo 20/20 (won R − 1), kilo 5/5 (lost R − 1),
		// golf 10/50 (won in June), whiskey 7/7 (created after T).
		EmailOpenRate: ok(16.0 / 40),
		EmailsSent:    40,
		// Customers at R = won before 10-29 and not churned before it: echo
		// (won 10-28, churned 10-29 on R), golf, hotel (its churn 12-05 is
		// after T). Not: foxtrot (churned 10-28 = R − 1), bravo (won on R).
		// Churned in [R, T]: echo.
		ChurnRate:        ok(1.0 / 3),
		RevenueChurnRate: ok(1500.0 / 4800), // 1500 ÷ (1500 + 2500 + 800)
		CustomersAtStart: 3,
		// Onboardings ended in [R, T]: bravo succeeded 11-10, hotel succeeded
		// 10-29 (on R), delta succeeded 11-27 (on T), charlie failed 11-25.
		// Out: echo failed 10-28 (R − 1), golf and foxtrot long ago, alpha in
		// progress.
		OnboardingSuccessRate: ok(3.0 / 4),
		OnboardingsEnded:      4,

		// Funnel cohort, created 09-29..11-27: alpha bravo charlie delta
		// india juliet kilo lima mike november oscar papa romeo sierra tango
		// uniform victor (17; echo foxtrot golf hotel quebec are older).
		// Reached qual: all but india, kilo, mike, sierra, uniform (their
		// furthest stage is lead) = 12. Won: alpha bravo charlie delta.
		QualificationRate:  ok(12.0 / 17),
		LeadConversionRate: ok(4.0 / 17),
		CohortDeals:        17,
	})
}

func TestPreviousKPIs(t *testing.T) {
	// As of 11-20 (review 11-14..11-20, rate 10-22..11-20, funnel
	// 09-22..11-20): mike, sierra, uniform, victor and whiskey do not exist;
	// alpha and delta are open in nego, india open in lead (their closes are
	// later); november is open in nego (since 11-10), oscar in nego (since
	// 11-17); hotel's churn 12-05 and charlie's failed onboarding 11-25 are
	// not visible.
	checkFields(t, "previous", v2(t).Previous, KPIs{
		// alpha delta india november oscar papa quebec romeo tango
		OpenDeals: 9,
		// 1000 + 4000 + 1200 + 3000 + 4000 + 1500 + 2500 + 1000 + 1800
		OpenValue: cents(20000),
		// 1000×0.8 + 4000×0.8 + 1200×0.1 + 3000×0.6 (own) + 4000×0.8 +
		// 1500×0.5 + 2500×0.8 + 1000×0.25 + 1800×0.25
		// = 800 + 3200 + 120 + 1800 + 3200 + 750 + 2000 + 250 + 450
		WeightedValue: cents(12570),
		// alpha (nego since 10-15: 36 > 20), delta (nego since 10-29: 22 >
		// 20), india (lead since 10-28: 23 > 10), papa (prop since 10-10: 41 >
		// 5), quebec (nego since 10-20: 31 > 20). Not: november 10, oscar 3,
		// romeo and tango 6.
		StuckDeals: 5,
		// delta (expected 11-15) and romeo (10-31) are before 11-20; papa's
		// 11-20 is the day itself: not overdue
		OverdueDeals: 2,
		OverdueValue: cents(5000), // 4000 + 1000
		// alpha, delta, romeo
		NoNextStep: 3,
		// india 11-01, papa 11-13; oscar's and tango's 11-20 are the day
		// itself
		OverdueNextStep: 2,

		Leads:         1,           // tango 11-14 (on F − 6; romeo 11-12 is before)
		NewValue:      cents(1800), // tango
		WonDeals:      1,           // charlie 11-16
		WonValue:      cents(3000),
		LostDeals:     1, // lima 11-18
		LostValue:     cents(700),
		Spend:         cents(1750), // 7 November days × (200 + 50)
		BackwardMoves: 1,           // oscar nego → prop on 11-14

		// Rates over 10-22..11-20. Won: bravo 10-29 (2000, cycle 9), echo
		// 10-28 (1500, 09-01 → 10-28 = 57), charlie 11-16 (3000, 15). Lost:
		// kilo 10-28 (900), juliet 10-29 (600), lima 11-18 (700).
		WinRate:            ok(3.0 / 6),
		WinRateByValue:     ok(6500.0 / 8700), // 6500 ÷ (6500 + 2200)
		ClosedDeals:        6,
		AvgDealSize:        okMoney(2166.67), // 6500 ÷ 3 = 2166.666…
		SalesCycleDays:     ok(15),           // 9 15 57: the middle one
		SalesCycleMeanDays: ok(27),           // 81 ÷ 3
		WonDealsRated:      3,
		// 9 × 0.5 × 2166.666… ÷ 27 = 9750 ÷ 27 = 361.111…
		SalesVelocity: okMoney(361.11),
		// Spend 10-22..11-20: web October 10 days × 100 = 1000; November 20
		// days × (200 + 50) = 5000: 6000. Created in it: india 10-28,
		// november 10-29, charlie 11-01, lima 11-10, romeo 11-12, tango
		// 11-14 (bravo 10-20 is before it).
		CostPerLead: okMoney(1000), // 6000 ÷ 6
		LeadsRated:  6,
		CAC:         okMoney(2000), // 6000 ÷ 3
		// Active (created ≤ 11-20, not closed before 10-22): alpha 6/10
		// (open), bravo 4/4, echo 20/20 (won 10-28), india 2/10 (open), kilo
		// 5/5 (lost 10-28), november 3/8, papa 0/6. Out: golf, victor (not
		// created yet), whiskey.
		EmailOpenRate: ok(40.0 / 63),
		EmailsSent:    63,
		// Customers at 10-22: foxtrot (churned 10-28, not before 10-22), golf,
		// hotel; echo and bravo were won later. Churned in 10-22..11-20:
		// foxtrot.
		ChurnRate:        ok(1.0 / 3),
		RevenueChurnRate: ok(5000.0 / 8300), // 5000 ÷ (5000 + 2500 + 800)
		CustomersAtStart: 3,
		// Ended in 10-22..11-20: echo failed 10-28, hotel succeeded 10-29,
		// bravo succeeded 11-10.
		OnboardingSuccessRate: ok(2.0 / 3),
		OnboardingsEnded:      3,

		// Cohort created 09-22..11-20: alpha bravo charlie delta india
		// juliet kilo lima november oscar papa romeo tango (13; quebec 09-20
		// is before). Reached qual: all but india and kilo = 11. Won by
		// 11-20: bravo, charlie.
		QualificationRate:  ok(11.0 / 13),
		LeadConversionRate: ok(2.0 / 13),
		CohortDeals:        13,
	})
}

func TestStages(t *testing.T) {
	r := v2(t)
	// The cohort (17 deals, see TestCurrentKPIs) by furthest open or won
	// stage in its visible history:
	//   won (4):  alpha 1000, bravo 2000 (skipped prop), charlie 3000, delta 4000
	//   nego (3): november 3000 (back in prop now), oscar 4000
	//   prop (2): papa 1500
	//   qual (1): juliet 600, lima 700, romeo 1000, tango 1800, victor 2200 (its prop is after T)
	//   lead (0): india 1200, kilo 900, mike 2000, sierra 500, uniform 0
	// reached(S) = the deals whose furthest stage is S or later:
	//   lead 17, 29400; qual 12, 24800 (29400 − 4600); prop 7, 18500
	//   (24800 − 6300); nego 6, 17000; won 4, 10000.
	// Cohort deals open in S (undecided), and those of them that reached the
	// next stage:
	//   lead: mike, sierra, uniform (none reached qual)
	//   qual: romeo, tango, victor (none reached prop)
	//   prop: november (reached nego before moving back), papa
	//   nego: oscar (quebec is open in nego but not in the cohort)
	// decided = (reached(next) − undecided that reached next) ÷ (reached(S) − undecided):
	//   lead (12 − 0) ÷ (17 − 3); qual (7 − 0) ÷ (12 − 3); prop (6 − 1) ÷ (7 − 2); nego (4 − 0) ÷ (6 − 1).
	// Stays that ended in 10-29..11-27 (per stay; oscar's two prop stays
	// both count; stays ending on R count, on R − 1 not):
	//   lead: charlie 2 (11-01→11-03), india 28 (10-28→11-25), romeo 2 (11-12→11-14); kilo's (→10-28) is out
	//   qual: charlie 2, juliet 14 (10-15→10-29, on R), lima 8, november 3 (10-29→11-01)
	//   prop: charlie 3, delta 9 (10-20→10-29, on R), november 9 (11-01→11-10), oscar 12 (10-20→11-01), oscar 3 (11-14→11-17)
	//   nego: alpha 38 (10-15→11-22), bravo 4 (10-25→10-29, on R), charlie 8, delta 26 (10-29→11-24),
	//         november 13 (11-10→11-23), oscar 13 (11-01→11-14); echo's (→10-28) is out
	//   won: never left
	// Open in S as of T (all deals) and their weighted value (see the fixture):
	//   lead mike sierra uniform 2500 (200+150+0); qual romeo tango victor 5000 (250+450+550);
	//   prop november papa 4500 (1800+750); nego oscar quebec 6500 (3200+2000).
	// Stuck: qual romeo, tango; prop papa; nego quebec.
	want := []Stage{
		{ID: "lead", Name: "Prospecting", Reached: 17, ReachedValue: cents(29400),
			ConversionToNext: ok(12.0 / 17), DecidedConversionToNext: ok(12.0 / 14),
			OpenCount: 3, OpenValue: cents(2500), AvgDays: ok(32.0 / 3), MedianDays: ok(2), Stays: 3, Stuck: 0,
			FromTop: ok(1), Type: model.Open, RotAfter: intp(10), WeightedValue: cents(350)},
		{ID: "qual", Name: "qual", Reached: 12, ReachedValue: cents(24800),
			ConversionToNext: ok(7.0 / 12), DecidedConversionToNext: ok(7.0 / 9),
			OpenCount: 3, OpenValue: cents(5000), AvgDays: ok(27.0 / 4), MedianDays: ok(5.5), Stays: 4, Stuck: 2, // 2 3 8 14: (3 + 8) ÷ 2
			FromTop: ok(12.0 / 17), Type: model.Open, RotAfter: intp(10), WeightedValue: cents(1250)},
		{ID: "prop", Name: "prop", Reached: 7, ReachedValue: cents(18500),
			ConversionToNext: ok(6.0 / 7), DecidedConversionToNext: ok(5.0 / 5),
			OpenCount: 2, OpenValue: cents(4500), AvgDays: ok(36.0 / 5), MedianDays: ok(9), Stays: 5, Stuck: 1, // 3 3 9 9 12
			FromTop: ok(7.0 / 17), Type: model.Open, RotAfter: intp(5), WeightedValue: cents(2550)},
		{ID: "nego", Name: "nego", Reached: 6, ReachedValue: cents(17000),
			ConversionToNext: ok(4.0 / 6), DecidedConversionToNext: ok(4.0 / 5),
			OpenCount: 2, OpenValue: cents(6500), AvgDays: ok(102.0 / 6), MedianDays: ok(13), Stays: 6, Stuck: 1, // 4 8 13 13 26 38
			FromTop: ok(6.0 / 17), Type: model.Open, RotAfter: intp(20), WeightedValue: cents(5200)},
		// The won stage: no conversion, no stays.
		{ID: "won", Name: "won", Reached: 4, ReachedValue: cents(10000),
			FromTop: ok(4.0 / 17), Type: model.Won},
	}
	if len(r.Stages) != len(want) {
		t.Fatalf("%d stages, want %d (open and won stages only)", len(r.Stages), len(want))
	}
	for i, w := range want {
		checkFields(t, "stage "+w.ID, r.Stages[i], w)
	}
}

func TestSources(t *testing.T) {
	// Over the funnel cohort (09-29..11-27), in the declared order web ref
	// event, then the undeclared (none).
	// Spend over 09-29..11-27: web all of October 3100 + 27 November days ×
	// 200 = 5400: 8500; ref 2 September days × 30 = 60; event has no
	// entries: 0; (none) is not a source of spend (the 1500 without a
	// source is tied to none): 0.
	want := []Source{
		// web cohort: alpha (won 1000), charlie (won 3000), india, kilo, mike,
		// oscar, romeo; foxtrot is older, whiskey does not exist.
		{ID: "web", Leads: 7, WonDeals: 2, WonValue: cents(4000), LeadConversionRate: ok(2.0 / 7),
			Spend: cents(8500), CostPerLead: okMoney(1214.29), CAC: okMoney(4250)}, // 8500 ÷ 7 = 1214.2857…; 8500 ÷ 2
		// ref cohort: bravo (won 2000), juliet, november, tango, victor; echo
		// golf quebec are older.
		{ID: "ref", Leads: 5, WonDeals: 1, WonValue: cents(2000), LeadConversionRate: ok(1.0 / 5),
			Spend: cents(60), CostPerLead: okMoney(12), CAC: okMoney(60)},
		// event cohort: papa, uniform (hotel is older); spend 0, not null,
		// once spend is tracked; CAC over no won deal is null.
		{ID: "event", Leads: 2, WonDeals: 0, WonValue: 0, LeadConversionRate: ok(0),
			Spend: 0, CostPerLead: okMoney(0), CAC: MoneyOrNull{}},
		// (none): delta (won 4000), lima, sierra.
		{ID: NoSource, Leads: 3, WonDeals: 1, WonValue: cents(4000), LeadConversionRate: ok(1.0 / 3),
			Spend: 0, CostPerLead: okMoney(0), CAC: okMoney(0)},
	}
	r := v2(t)
	if len(r.Sources) != len(want) {
		t.Fatalf("sources = %+v, want %d", r.Sources, len(want))
	}
	for i, w := range want {
		checkFields(t, "source "+w.ID, r.Sources[i], w)
	}
}

// Spend not tracked is not spend of zero: without any spend in
// pipeline.yaml, cost per lead and CAC are null, in total and per source.
func TestWithoutSpend(t *testing.T) {
	p := v2Pipeline[:strings.Index(v2Pipeline, "spend:\n")]
	r := Compute(repo(t, p, v2Deals), Options{AsOf: date(t, "2026-11-27")})
	k := r.Current
	// 9 leads and 4 won deals in the rate window, as in TestCurrentKPIs:
	// the denominators are not 0, the spend is unknown.
	if k.Spend != 0 || k.CostPerLead.Valid || k.CAC.Valid || k.LeadsRated != 9 || k.WonDealsRated != 4 {
		t.Errorf("without spend: spend %s, cost per lead %v, cac %v (leads %d, won %d); want 0, null, null (9, 4)",
			k.Spend, k.CostPerLead, k.CAC, k.LeadsRated, k.WonDealsRated)
	}
	if k := r.Previous; k.CostPerLead.Valid || k.CAC.Valid {
		t.Errorf("without spend, previous: cost per lead %v, cac %v; want null", k.CostPerLead, k.CAC)
	}
	for _, s := range r.Sources {
		if s.Spend != 0 || s.CostPerLead.Valid || s.CAC.Valid {
			t.Errorf("without spend, source %s: spend %s, cost per lead %v, cac %v; want 0, null, null", s.ID, s.Spend, s.CostPerLead, s.CAC)
		}
	}
	if len(r.Sources) != 4 || r.Sources[0].Leads != 7 {
		t.Errorf("without spend, sources = %+v", r.Sources)
	}
}

func TestOwnersAndTeams(t *testing.T) {
	r := v2(t)
	// Deals per owner: cy charlie golf oscar sierra (whiskey not yet); bob
	// bravo foxtrot india november romeo victor; ann alpha echo hotel juliet
	// lima mike quebec uniform; dee delta kilo papa tango.
	// Rates over 10-29..11-27, from the won and lost lists of TestCurrentKPIs.
	cy := Group{ID: "cy", Name: "Cy Dunn", Team: "Nordics",
		// open oscar 4000 (×0.8 = 3200), sierra 500 (×0.3 = 150); oscar's
		// next step 11-20 is overdue; sierra has one, undated.
		OpenDeals: 2, OpenValue: cents(4500), WeightedValue: cents(3350), OverdueNextStep: 1,
		Leads: 1, NewValue: cents(500), // sierra 11-25
		// oscar's backward move 11-14 is before F; charlie won 11-16, before F.
		// Rated: won charlie (15 days, 3000).
		WinRate: ok(1), ClosedDeals: 1, AvgDealSize: okMoney(3000), SalesCycleDays: ok(15), WonDealsRated: 1}
	bob := Group{ID: "bob", Name: "Bob Roy", Team: "DACH",
		// open november 3000 (1800), romeo 1000 (250; stuck; overdue 10-31;
		// no next step), victor 2200 (550); november's next step is due on T.
		OpenDeals: 3, OpenValue: cents(6200), WeightedValue: cents(2600), StuckDeals: 1,
		OverdueDeals: 1, OverdueValue: cents(1000), NoNextStep: 1,
		Leads: 1, NewValue: cents(2200), // victor 11-26
		LostDeals: 1, LostValue: cents(1200), // india 11-25
		BackwardMoves: 1, // november 11-23
		// Rated: won bravo (9 days, 2000), lost india.
		WinRate: ok(0.5), ClosedDeals: 2, AvgDealSize: okMoney(2000), SalesCycleDays: ok(9), WonDealsRated: 1}
	ann := Group{ID: "ann", Name: "Ann Lee", Team: "Nordics",
		// open mike 2000 (200; no next step), quebec 2500 (2000; stuck; not
		// overdue on T), uniform 0 (no next step)
		OpenDeals: 3, OpenValue: cents(4500), WeightedValue: cents(2200), StuckDeals: 1, NoNextStep: 2,
		Leads: 2, NewValue: cents(2000), // mike 11-22, uniform 11-27 (no value)
		WonDeals: 1, WonValue: cents(1000), // alpha 11-22
		// Rated: won alpha (52 days, 1000); lost juliet 10-29, lima 11-18;
		// echo (won 10-28) is out.
		WinRate: ok(1.0 / 3), ClosedDeals: 3, AvgDealSize: okMoney(1000), SalesCycleDays: ok(52), WonDealsRated: 1}
	dee := Group{ID: "dee", Name: "Dee Fox",
		// open papa 1500 (750; stuck; overdue; next step 11-13 overdue),
		// tango 1800 (450; stuck; next step 11-20 overdue)
		OpenDeals: 2, OpenValue: cents(3300), WeightedValue: cents(1200), StuckDeals: 2,
		OverdueDeals: 1, OverdueValue: cents(1500), OverdueNextStep: 2,
		WonDeals: 1, WonValue: cents(4000), // delta 11-24
		// Rated: won delta (55 days, 4000); kilo (lost 10-28) is out.
		WinRate: ok(1), ClosedDeals: 1, AvgDealSize: okMoney(4000), SalesCycleDays: ok(55), WonDealsRated: 1}
	wantOwners := []Group{cy, bob, ann, dee} // as declared
	if len(r.Owners) != len(wantOwners) {
		t.Fatalf("owners = %+v", r.Owners)
	}
	for i, w := range wantOwners {
		checkFields(t, "owner "+w.ID, r.Owners[i], w)
	}

	// Teams in the order they first appear in the owners list: Nordics (cy,
	// then ann), DACH (bob). dee has none, so Σ teams ≠ the total.
	nordics := Group{ID: "Nordics", Owners: []string{"cy", "ann"},
		OpenDeals: 5, OpenValue: cents(9000), WeightedValue: cents(5550), StuckDeals: 1, // 2 + 3; 4500 + 4500; 3350 + 2200
		NoNextStep: 2, OverdueNextStep: 1,
		Leads: 3, NewValue: cents(2500), WonDeals: 1, WonValue: cents(1000),
		// Pooled: won charlie 3000 (15) and alpha 1000 (52); lost juliet and
		// lima. Cycles 15 52: an even count, (15 + 52) ÷ 2.
		WinRate: ok(2.0 / 4), ClosedDeals: 4, AvgDealSize: okMoney(2000), SalesCycleDays: ok(33.5), WonDealsRated: 2}
	dach := bob
	dach.ID, dach.Name, dach.Team, dach.Owners = "DACH", "", "", []string{"bob"}
	wantTeams := []Group{nordics, dach}
	if len(r.Teams) != len(wantTeams) {
		t.Fatalf("teams = %+v", r.Teams)
	}
	for i, w := range wantTeams {
		checkFields(t, "team "+w.ID, r.Teams[i], w)
	}
}

func TestTargets(t *testing.T) {
	r := v2(t)
	// Won (value, date, owner): alpha 1000 11-22 ann; bravo 2000 10-29 bob;
	// charlie 3000 11-16 cy; delta 4000 11-24 dee; echo 1500 10-28 ann;
	// foxtrot 5000 07-01 bob; golf 2500 06-01 cy; hotel 800 09-15 ann.
	// Open deals by expected close (see the fixture): romeo 10-31 and papa
	// 11-20 are overdue; quebec 11-27 (commit, p 0.8), november 11-30
	// (best_case, 0.6), victor 12-05 (pipeline, 0.25), oscar 12-10 (omitted),
	// mike 12-15 (pipeline, 0.1), tango 12-20 (best_case, 0.25), sierra
	// 2027-01-15; uniform has none.
	want := []Target{
		// Q4 (10-01..12-31), current. Won: alpha, bravo, charlie, delta,
		// echo = 11500. Open, not overdue, not omitted, closing in Q4:
		// commit quebec 2500; best_case november 3000, tango 1800; pipeline
		// victor 2200, mike 2000.
		{Period: "2026-Q4", Status: Current, Revenue: cents(50000), WonValue: cents(11500),
			Attainment: ok(11500.0 / 50000),
			Commit:     cents(14000), // 11500 + 2500
			BestCase:   cents(18800), // + 3000 + 1800
			Pipeline:   cents(23000), // + 2200 + 2000
			// 11500 + 2500×0.8 + 3000×0.6 + 1800×0.25 + 2200×0.25 + 2000×0.1
			// = 11500 + 2000 + 1800 + 450 + 550 + 200
			Forecast: cents(16500),
			// (2500 + 3000 + 1800 + 2200 + 2000) ÷ (50000 − 11500)
			Coverage:     ok(11500.0 / 38500),
			OverdueValue: cents(2500)}, // romeo 1000 + papa 1500
		// ann in November, current. Won: alpha 1000 (echo was October).
		// Open closing in November: quebec (commit, 11-27 = T: not overdue).
		{Period: "2026-11", Owner: strp("ann"), Status: Current, Revenue: cents(8000), WonValue: cents(1000),
			Attainment: ok(1000.0 / 8000),
			Commit:     cents(3500), BestCase: cents(3500), Pipeline: cents(3500), // 1000 + 2500
			Forecast: cents(3000), // 1000 + 2500 × 0.8
			Coverage: ok(2500.0 / 7000)},
		// Team Nordics (cy and ann) in Q4. Won: alpha 1000, echo 1500,
		// charlie 3000 = 5500. Open: quebec (commit), mike (pipeline); oscar
		// is omitted, sierra closes in 2027, uniform has no close date.
		{Period: "2026-Q4", Team: strp("Nordics"), Status: Current, Revenue: cents(30000), WonValue: cents(5500),
			Attainment: ok(5500.0 / 30000),
			Commit:     cents(8000), BestCase: cents(8000), Pipeline: cents(10000), // 5500 + 2500; + 0; + 2000
			Forecast: cents(7700), // 5500 + 2000 + 200
			Coverage: ok(4500.0 / 24500)},
		// October ended before T: past. Won: echo 1500 (10-28), bravo 2000
		// (10-29); forecast = commit = best_case = pipeline = won; coverage
		// null; overdue: romeo (expected 10-31).
		{Period: "2026-10", Status: Past, Revenue: cents(10000), WonValue: cents(3500),
			Attainment: ok(0.35),
			Commit:     cents(3500), BestCase: cents(3500), Pipeline: cents(3500), Forecast: cents(3500),
			OverdueValue: cents(1000)},
		// December starts after T: future. Nothing won. Open closing in
		// December: victor 2200 (pipeline), oscar (omitted), mike 2000
		// (pipeline), tango 1800 (best_case).
		{Period: "2026-12", Status: Future, Revenue: cents(20000),
			Attainment: ok(0),
			Commit:     0, BestCase: cents(1800), Pipeline: cents(6000), // 1800 + 2200 + 2000
			Forecast: cents(1200), // 1800×0.25 + 2200×0.25 + 2000×0.1 = 450 + 550 + 200
			Coverage: ok(6000.0 / 20000)},
		// dee in November: delta 4000 won beats 3000, nothing remains:
		// coverage null. papa (expected 11-20) is overdue: in overdue_value,
		// not in the categories.
		{Period: "2026-11", Owner: strp("dee"), Status: Current, Revenue: cents(3000), WonValue: cents(4000),
			Attainment: ok(4000.0 / 3000),
			Commit:     cents(4000), BestCase: cents(4000), Pipeline: cents(4000), Forecast: cents(4000),
			OverdueValue: cents(1500)},
	}
	if len(r.Targets) != len(want) {
		t.Fatalf("targets = %+v", r.Targets)
	}
	for i, w := range want {
		checkFields(t, fmt.Sprintf("target %d (%s)", i, w.Period), r.Targets[i], w)
	}
}

func TestLists(t *testing.T) {
	r := v2(t)
	// Stuck by days over rot_after, most first, then id: papa 48 − 5 = 43,
	// quebec 38 − 20 = 18, romeo and tango 13 − 10 = 3.
	wantStuck := []Stuck{
		{ID: "papa", Stage: "prop", DaysInStage: 48, RotAfter: 5},
		{ID: "quebec", Stage: "nego", DaysInStage: 38, RotAfter: 20},
		{ID: "romeo", Stage: "qual", DaysInStage: 13, RotAfter: 10},
		{ID: "tango", Stage: "qual", DaysInStage: 13, RotAfter: 10},
	}
	if !reflect.DeepEqual(r.Stuck, wantStuck) {
		t.Errorf("stuck = %+v\nwant %+v", r.Stuck, wantStuck)
	}
	// Overdue, most overdue first: romeo (10-31: 27 days), papa (11-20: 7).
	wantOverdue := []Overdue{
		{ID: "romeo", Stage: "qual", ExpectedClose: date(t, "2026-10-31"), DaysOverdue: 27, Value: cents(1000)},
		{ID: "papa", Stage: "prop", ExpectedClose: date(t, "2026-11-20"), DaysOverdue: 7, Value: cents(1500)},
	}
	if !reflect.DeepEqual(r.Overdue, wantOverdue) {
		t.Errorf("overdue = %+v\nwant %+v", r.Overdue, wantOverdue)
	}
	// No next step, by id: mike, romeo, uniform (alpha is won).
	wantNone := []NextStep{
		{ID: "mike", Owner: "ann", Stage: "lead", Value: cents(2000)},
		{ID: "romeo", Owner: "bob", Stage: "qual", Value: cents(1000)},
		{ID: "uniform", Owner: "ann", Stage: "lead"},
	}
	if !reflect.DeepEqual(r.NoNextStep, wantNone) {
		t.Errorf("no next step = %+v\nwant %+v", r.NoNextStep, wantNone)
	}
	// Next step overdue, most overdue first, then id: papa 11-13 (14 days),
	// oscar and tango 11-20 (7 days). november's 11-27 is T: not overdue;
	// india's 11-01 is on a lost deal.
	wantLate := []NextStep{
		{ID: "papa", Owner: "dee", Stage: "prop", Step: "Call the CFO", Date: date(t, "2026-11-13"), DaysOverdue: 14, Value: cents(1500)},
		{ID: "oscar", Owner: "cy", Stage: "nego", Step: "Legal review", Date: date(t, "2026-11-20"), DaysOverdue: 7, Value: cents(4000)},
		{ID: "tango", Owner: "dee", Stage: "qual", Step: "Demo", Date: date(t, "2026-11-20"), DaysOverdue: 7, Value: cents(1800)},
	}
	if !reflect.DeepEqual(r.OverdueNextStep, wantLate) {
		t.Errorf("next step overdue = %+v\nwant %+v", r.OverdueNextStep, wantLate)
	}

	// Stuck order on a small pipeline: most days over rot_after first, then id.
	p := `{name: S, currency: USD, stages: [{id: a, probability: 0.1, rot_after: 2}, {id: b, probability: 0.2, rot_after: 10}, {id: w, type: won}]}`
	deals := map[string]string{
		"z": `{title: z, owner: o, value: 1, history: [{stage: a, date: 2026-11-20}]}`,                               // 7 days, over by 5
		"y": `{title: y, owner: o, value: 1, history: [{stage: a, date: 2026-11-20}]}`,                               // over by 5, sorts before z
		"x": `{title: x, owner: o, value: 1, history: [{stage: a, date: 2026-11-01}, {stage: b, date: 2026-11-02}]}`, // 25 days, over by 15
		"v": `{title: v, owner: o, value: 1, history: [{stage: a, date: 2026-11-25}]}`,                               // 2 days: not more than 2
	}
	var ids []string
	for _, s := range Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")}).Stuck {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, " ") != "x y z" {
		t.Errorf("stuck order = %v, want x y z", ids)
	}
}

// Spend is spread evenly over the days of its month; a window that cuts two
// months takes the days of each.
func TestSpendProrated(t *testing.T) {
	r := Compute(repo(t, fixturePipeline, nil), Options{AsOf: date(t, "2026-11-03"), From: date(t, "2026-10-25")})
	// October (no source, 3100 ÷ 31 = 100 a day) 10-25..10-31 = 7 days;
	// November web (3000 ÷ 30 = 100 a day) 11-01..11-03 = 3 days.
	if r.Current.Spend != cents(1000) {
		t.Errorf("spend = %s, want 1000", r.Current.Spend)
	}
	// web over the funnel cohort's days (60 ending on 11-03: 09-05..11-03):
	// only its November entry, 3 days.
	if r.Sources[0].ID != "web" || r.Sources[0].Spend != cents(300) {
		t.Errorf("web spend = %s, want 300", r.Sources[0].Spend)
	}
	if r.Window.Days() != 10 || r.PreviousWindow != window(t, "2026-10-15", "2026-10-24") {
		t.Errorf("explicit window %v, previous %v", r.Window, r.PreviousWindow)
	}
	// 10 of a 31-day month's 1000: 1000 × 10/31 = 322.580… → 322.58.
	p := fixturePipeline + "  - {month: 2026-12, amount: 1000}\n"
	p = strings.Replace(p, "  - {month: 2026-10, amount: 3100}\n", "", 1)
	r = Compute(repo(t, p, nil), Options{AsOf: date(t, "2026-12-10"), From: date(t, "2026-12-01")})
	if r.Current.Spend != 32258 {
		t.Errorf("spend of 10 of 31 days = %d cents, want 32258", r.Current.Spend)
	}
}

// METRICS.md: "Money is exact to the cent; a ratio is computed from
// unrounded sums." Spend of 100 in October is 10000 ÷ 31 = 322.5806… cents
// a day; a rate window holding one October day has spend 322.5806… cents
// (shown as 3.23), and over 2 leads or 2 won deals the cost is 161.29…
// cents: 1.61, not 323 ÷ 2 = 161.5 → 1.62 from the rounded spend.
func TestSpendRatiosFromUnroundedSums(t *testing.T) {
	p := `name: S
currency: USD
rate_days: 10
funnel_days: 10
sources: [web]
stages: [{id: lead, probability: 0.1}, {id: won, type: won}]
spend: [{month: 2026-10, source: web, amount: 100}]
`
	deals := map[string]string{
		"x": `{title: x, owner: o, source: web, value: 10, history: [{stage: lead, date: 2026-11-01}, {stage: won, date: 2026-11-05}]}`,
		"y": `{title: y, owner: o, source: web, value: 10, history: [{stage: lead, date: 2026-11-02}, {stage: won, date: 2026-11-06}]}`,
	}
	// T = 11-09: rate window and funnel 10-31..11-09, one day of October.
	r := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-09")})
	k := r.Current
	if r.RateWindow != window(t, "2026-10-31", "2026-11-09") || k.LeadsRated != 2 || k.WonDealsRated != 2 {
		t.Fatalf("rate window %v..%v, leads %d, won %d", r.RateWindow.From, r.RateWindow.To, k.LeadsRated, k.WonDealsRated)
	}
	if k.CostPerLead != okMoney(1.61) || k.CAC != okMoney(1.61) {
		t.Errorf("cost per lead %v, cac %v; want 1.61 and 1.61 (322.58… cents ÷ 2, from the unrounded spend)", k.CostPerLead, k.CAC)
	}
	s := r.Sources[0]
	if s.Spend != 323 || s.CostPerLead != okMoney(1.61) || s.CAC != okMoney(1.61) {
		t.Errorf("web: spend %s, cost per lead %v, cac %v; want 3.23, 1.61, 1.61", s.Spend, s.CostPerLead, s.CAC)
	}
}

// Ratios over zero are null, never 0 and never an error; an empty
// repository computes.
func TestZeroDenominators(t *testing.T) {
	r := Compute(repo(t, v2Pipeline, nil), Options{AsOf: date(t, "2026-11-27")})
	for _, k := range []KPIs{r.Current, r.Previous} {
		for _, f := range k.Fields() {
			switch f.Kind {
			case Rate, Days, AmountPerDay:
				if f.Valid {
					t.Errorf("%s = %v with no deals, want null", f.Key, f.Value)
				}
			}
		}
		// Spend is tracked, but there are no leads and no won deals.
		if k.CostPerLead.Valid || k.CAC.Valid || k.AvgDealSize.Valid || k.SalesVelocity.Valid {
			t.Errorf("money ratios over zero should be null: %+v", k)
		}
	}
	for _, s := range r.Stages {
		if s.ConversionToNext.Valid || s.DecidedConversionToNext.Valid || s.AvgDays.Valid || s.MedianDays.Valid || s.FromTop.Valid {
			t.Errorf("stage %s with no deals: %+v", s.ID, s)
		}
	}
	for _, g := range append(r.Owners, r.Teams...) {
		if g.WinRate.Valid || g.AvgDealSize.Valid || g.SalesCycleDays.Valid {
			t.Errorf("group %s with no deals: %+v", g.ID, g)
		}
	}
	for _, s := range r.Sources {
		if s.LeadConversionRate.Valid || s.CostPerLead.Valid || s.CAC.Valid {
			t.Errorf("source %s with no deals: %+v", s.ID, s)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"win_rate":null`, `"stuck":[]`, `"sales_velocity":null`, `"cost_per_lead":null`, `"churn_rate":null`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("JSON lacks %s: %s", frag, b)
		}
	}
	// A sales cycle of 0 days (won on the day it was created) makes
	// velocity null, not infinite.
	p := `{name: S, currency: USD, stages: [{id: a, probability: 0.1}, {id: w, type: won}]}`
	deals := map[string]string{
		"x": `{title: x, owner: o, value: 5, history: [{stage: a, date: 2026-11-25}, {stage: w, date: 2026-11-25}]}`,
		"y": `{title: y, owner: o, value: 5, history: [{stage: a, date: 2026-11-25}]}`,
	}
	k := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")}).Current
	if !k.SalesCycleDays.Valid || k.SalesCycleDays.V != 0 || !k.SalesCycleMeanDays.Valid || k.SalesCycleMeanDays.V != 0 || k.SalesVelocity.Valid {
		t.Errorf("cycle %v (mean %v), velocity %v; want 0, 0 and null", k.SalesCycleDays, k.SalesCycleMeanDays, k.SalesVelocity)
	}
}

func TestMeanMedian(t *testing.T) {
	tests := []struct {
		in           []int
		mean, median Ratio
	}{
		{nil, Ratio{}, Ratio{}},
		{[]int{4}, ok(4), ok(4)},
		{[]int{10, 2}, ok(6), ok(6)},
		{[]int{9, 1, 2, 100}, ok(28), ok(5.5)}, // even count: mean of the two middle values
		{[]int{3, 1, 2}, ok(2), ok(2)},
	}
	for _, tt := range tests {
		m, md := meanMedian(append([]int(nil), tt.in...))
		if !sameRatio(m, tt.mean) || !sameRatio(md, tt.median) {
			t.Errorf("meanMedian(%v) = %v, %v; want %v, %v", tt.in, m, md, tt.mean, tt.median)
		}
	}
}

// METRICS.md's JSON example, key by key and in its order.
const (
	jsonTopKeys = "as_of currency timezone window rate_window funnel_window history current previous movement stages sources owners teams targets stuck pushed fields"
	jsonKPIKeys = "open_deals open_value weighted_value stuck_deals overdue_deals overdue_value no_next_step overdue_next_step " +
		"leads new_value won_deals won_value lost_deals lost_value spend backward_moves " +
		"win_rate win_rate_by_value closed_deals avg_deal_size sales_cycle_days sales_cycle_mean_days won_deals_rated sales_velocity " +
		"cost_per_lead leads_rated cac email_open_rate emails_sent churn_rate revenue_churn_rate customers_at_start " +
		"onboarding_success_rate onboardings_ended qualification_rate lead_conversion_rate"
	// "Per owner and per team": the snapshot keys, the activity keys except
	// spend, and win_rate, closed_deals, avg_deal_size, sales_cycle_days
	// (with the count avg_deal_size and sales_cycle_days rest on).
	jsonGroupKeys = "open_deals open_value weighted_value stuck_deals overdue_deals overdue_value no_next_step overdue_next_step " +
		"leads new_value won_deals won_value lost_deals lost_value backward_moves " +
		"win_rate closed_deals avg_deal_size sales_cycle_days won_deals_rated"
	jsonStageKeys  = "id name reached reached_value conversion_to_next decided_conversion_to_next open_count open_value avg_days median_days stays stuck"
	jsonSourceKeys = "id leads won_deals won_value lead_conversion_rate spend cost_per_lead cac"
	jsonTargetKeys = "period owner team status revenue won_value attainment commit best_case pipeline forecast coverage overdue_value"
	jsonStuckKeys  = "id stage days_in_stage rot_after"
)

// The JSON has exactly the keys of METRICS.md, in its order.
func TestJSONKeys(t *testing.T) {
	r := v2(t)
	var buf strings.Builder
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	b := []byte(buf.String())
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if got := orderedKeys(t, b); got != jsonTopKeys {
		t.Errorf("top-level keys = %s\nwant %s", got, jsonTopKeys)
	}
	for _, k := range []string{"current", "previous"} {
		if got := orderedKeys(t, top[k]); got != jsonKPIKeys {
			t.Errorf("%s keys = %s\nwant %s", k, got, jsonKPIKeys)
		}
	}
	every := func(list, want string) {
		t.Helper()
		var items []json.RawMessage
		if err := json.Unmarshal(top[list], &items); err != nil || len(items) == 0 {
			t.Fatalf("%s: %v (%d items)", list, err, len(items))
		}
		for i, it := range items {
			if got := orderedKeys(t, it); got != want {
				t.Errorf("%s[%d] keys = %s\nwant %s", list, i, got, want)
			}
		}
	}
	every("stages", jsonStageKeys)
	every("sources", jsonSourceKeys)
	every("targets", jsonTargetKeys)
	every("stuck", jsonStuckKeys)
	every("teams", "id owners "+jsonGroupKeys)
	// Owners with a name and a team (cy, bob, ann): as in METRICS.md's
	// example. dee has no team.
	var owners []json.RawMessage
	if err := json.Unmarshal(top["owners"], &owners); err != nil || len(owners) != 4 {
		t.Fatalf("owners: %v", err)
	}
	for i := range 3 {
		if got, want := orderedKeys(t, owners[i]), "id name team "+jsonGroupKeys; got != want {
			t.Errorf("owners[%d] keys = %s\nwant %s", i, got, want)
		}
	}

	s := string(b)
	for _, frag := range []string{
		`"as_of": "2026-11-27"`, `"currency": "USD"`, `"timezone": "Europe/Kyiv"`, `"history": "files"`,
		`"increased": null,`, `"pulled_in": null`, `"pushed": null`,
		`"window": {` + "\n" + `    "from": "2026-11-21",` + "\n" + `    "to": "2026-11-27"`,
		`"rate_window": {` + "\n" + `    "from": "2026-10-29",`,
		`"funnel_window": {` + "\n" + `    "from": "2026-09-29",`,
		`"open_value": 18500,`, `"sales_velocity": 436.21,`, `"sales_cycle_days": 33.5,`, `"cac": 1762.50,`,
		`"owners": [` + "\n" + `        "cy",` + "\n" + `        "ann"` + "\n      ]",
		`"period": "2026-Q4",` + "\n" + `      "owner": null,` + "\n" + `      "team": null,`,
		`"period": "2026-11",` + "\n" + `      "owner": "ann",` + "\n" + `      "team": null,`,
		`"owner": null,` + "\n" + `      "team": "Nordics",`,
		`"conversion_to_next": null,` + "\n" + `      "decided_conversion_to_next": null,`, // the won stage
	} {
		if !strings.Contains(s, frag) {
			t.Errorf("JSON lacks %s", frag)
		}
	}
}

// orderedKeys returns the keys of a JSON object in the order written.
func orderedKeys(t *testing.T, b []byte) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(keys, " ")
}

// With a single open stage and no qualified_stage, the pipeline has no
// qualified stage: the qualification rate is undefined, not 0 %.
func TestQualificationWithoutQualifiedStage(t *testing.T) {
	r := repo(t, "name: P\ncurrency: USD\nstages: [{id: lead, probability: 0.1}, {id: won, type: won}, {id: lost, type: lost}]\n",
		map[string]string{"a": "title: A\nowner: ann\nvalue: 10\nhistory:\n  - {stage: lead, date: 2026-11-02}\n  - {stage: won, date: 2026-11-20}\n"})
	k := Compute(r, Options{AsOf: date(t, "2026-11-27")}).Current
	if k.QualificationRate.Valid {
		t.Errorf("qualification rate = %v, want undefined", k.QualificationRate)
	}
	if !sameRatio(k.LeadConversionRate, ok(1)) {
		t.Errorf("lead conversion = %v, want 1 (the one cohort deal was won)", k.LeadConversionRate)
	}
}

// backward_moves counts moves to an open stage earlier in the stage list
// than the stage left: a move to a lost (or won) stage listed earlier is not
// one.
func TestBackwardMovesOnlyToOpenStages(t *testing.T) {
	p := `name: S
currency: USD
stages:
  - {id: lead, probability: 0.1}
  - {id: dead, type: lost}
  - {id: qual, probability: 0.3}
  - {id: prop, probability: 0.5}
  - {id: won, type: won}
transitions:
  prop: [qual, won, dead]
`
	deals := map[string]string{
		// qual → dead: to the lost stage at position 1, before qual at 2:
		// not a backward move (dead is not open).
		"x": `{title: x, owner: o, value: 1, history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-02},
		  {stage: dead, date: 2026-11-23}]}`,
		// prop → qual on 11-24: a backward move in 11-21..11-27.
		"y": `{title: y, owner: o, value: 1, history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-02},
		  {stage: prop, date: 2026-11-03}, {stage: qual, date: 2026-11-24}]}`,
	}
	r := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")})
	if r.Current.BackwardMoves != 1 || r.Current.LostDeals != 1 {
		t.Errorf("backward moves %d, lost %d; want 1 (y's prop → qual; x's move to the lost stage is not one), 1",
			r.Current.BackwardMoves, r.Current.LostDeals)
	}
}

// A deal lacks a next step when it has no next_step, whatever its
// next_step_date; a next step dated after T is not overdue.
func TestNextStepWithoutText(t *testing.T) {
	p := `{name: S, currency: USD, stages: [{id: a, probability: 0.1}, {id: w, type: won}]}`
	deals := map[string]string{
		"x": `{title: x, owner: o, value: 1, next_step_date: 2026-12-01, history: [{stage: a, date: 2026-11-20}]}`,
		"y": `{title: y, owner: o, value: 1, next_step: Call, next_step_date: 2026-11-28, history: [{stage: a, date: 2026-11-20}]}`,
	}
	r := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")})
	if k := r.Current; k.NoNextStep != 1 || k.OverdueNextStep != 0 || len(r.NoNextStep) != 1 || r.NoNextStep[0].ID != "x" {
		t.Errorf("no next step %d %+v, overdue %d; want 1 (x: a date but no next_step), 0", k.NoNextStep, r.NoNextStep, k.OverdueNextStep)
	}
}

// An owner's and a team's sales_cycle_days is the median of their cycles,
// like the total's.
func TestGroupSalesCycleIsMedian(t *testing.T) {
	p := `name: S
currency: USD
owners: [{id: o, team: T1}, {id: q, team: T1}]
stages: [{id: a, probability: 0.1}, {id: w, type: won}]
`
	// Won 11-20 after 1, 2 and 30 days (o), and 4 days (q).
	deals := map[string]string{
		"x": `{title: x, owner: o, value: 1, history: [{stage: a, date: 2026-11-19}, {stage: w, date: 2026-11-20}]}`,
		"y": `{title: y, owner: o, value: 2, history: [{stage: a, date: 2026-11-18}, {stage: w, date: 2026-11-20}]}`,
		"z": `{title: z, owner: o, value: 6, history: [{stage: a, date: 2026-10-21}, {stage: w, date: 2026-11-20}]}`,
		"v": `{title: v, owner: q, value: 7, history: [{stage: a, date: 2026-11-16}, {stage: w, date: 2026-11-20}]}`,
	}
	r := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")})
	// o: 1 2 30 → median 2 (mean 11); T1: 1 2 4 30 → (2 + 4) ÷ 2 = 3 (mean 9.25).
	if o := r.Owners[0]; !sameRatio(o.SalesCycleDays, ok(2)) || o.WonDealsRated != 3 || o.AvgDealSize != okMoney(3) {
		t.Errorf("owner o: cycle %v over %d, avg %v; want the median 2 over 3, avg 3", o.SalesCycleDays, o.WonDealsRated, o.AvgDealSize)
	}
	if tm := r.Teams[0]; !sameRatio(tm.SalesCycleDays, ok(3)) || tm.WonDealsRated != 4 || tm.AvgDealSize != okMoney(4) {
		t.Errorf("team T1: cycle %v over %d, avg %v; want the median 3 over 4, avg 4", tm.SalesCycleDays, tm.WonDealsRated, tm.AvgDealSize)
	}
	if k := r.Current; !sameRatio(k.SalesCycleDays, ok(3)) || !sameRatio(k.SalesCycleMeanDays, ok(9.25)) {
		t.Errorf("total: cycle %v, mean %v; want 3, 9.25", k.SalesCycleDays, k.SalesCycleMeanDays)
	}
}

// An owner is written with its name and team, null when pipeline.yaml gives
// none (dee has no team); a team with its owners and no name or team.
func TestGroupJSON(t *testing.T) {
	b, err := json.Marshal(v2(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`{"id":"dee","name":"Dee Fox","team":null,"open_deals":`, `{"id":"Nordics","owners":["cy","ann"],"open_deals":`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("JSON lacks %s", frag)
		}
	}
}

// The movement without git history (files): the start values are the
// current ones, increased, decreased, pushed and pulled in are unknown.
// Open at F − 1 = 11-20: alpha 1000, delta 4000, india 1200, november 3000,
// oscar 4000, papa 1500, quebec 2500, romeo 1000, tango 1800 = 9 deals,
// 20000 (the previous open value). In the window: alpha (1000) and delta
// (4000) won, india (1200) lost; mike 2000, sierra 500, uniform 0 and
// victor 2200 were created and are open: added 4, 4700. Open at T:
// november, oscar, papa, quebec, romeo, tango (13800) and the added 4700 =
// 10 deals, 18500. lima was lost on 11-18, before the window: in no flow.
func TestMovementFromFiles(t *testing.T) {
	r := v2(t)
	want := Movement{
		Start: Flow{9, cents(20000)}, Added: Flow{4, cents(4700)},
		Won: Flow{2, cents(5000)}, Lost: Flow{1, cents(1200)}, End: Flow{10, cents(18500)},
	}
	if r.Movement == nil || !reflect.DeepEqual(*r.Movement, want) {
		t.Errorf("movement = %+v\nwant %+v", r.Movement, want)
	}
	if r.Pushed != nil || r.History != HistoryFiles {
		t.Errorf("pushed %v, history %q; want null and files", r.Pushed, r.History)
	}
	if r.Movement.Start.Value != r.Previous.OpenValue || r.Movement.End.Value != r.Current.OpenValue {
		t.Errorf("start %s, end %s; want the previous and current open values %s, %s",
			r.Movement.Start.Value, r.Movement.End.Value, r.Previous.OpenValue, r.Current.OpenValue)
	}
}

// The movement with the last review from git. The review commit had alpha
// at 800 (won now at 1000: increased 200, won 1000), november closing
// 11-25 (now 11-30: pushed), oscar at 4500 closing 12-20 (now 4000 on
// 12-10: decreased 500, pulled in) and quebec at 2000 (now 2500: increased
// 500, same close). The other deals had their values of now.
// Start: 800 + 4000 + 1200 + 3000 + 4500 + 1500 + 2000 + 1000 + 1800 =
// 19800 over 9 deals; increased 200 + 500 = 700 over 2; decreased 500 over
// 1; added 4700, won 5000, lost 1200 as without git; end 18500:
// 19800 + 4700 + 700 − 500 − 5000 − 1200 = 18500.
func TestMovementFromGit(t *testing.T) {
	past := &LastReview{
		At: map[string]Then{
			"alpha":    {Value: cents(800)},
			"november": {Value: cents(3000), ExpectedClose: date(t, "2026-11-25")},
			"oscar":    {Value: cents(4500), ExpectedClose: date(t, "2026-12-20")},
			"quebec":   {Value: cents(2000), ExpectedClose: date(t, "2026-11-27")},
		},
		PushCount: map[string]int{"november": 2},
	}
	r := Compute(v2Repo(t), Options{AsOf: date(t, "2026-11-27"), Past: past})
	want := Movement{
		Start: Flow{9, cents(19800)}, Added: Flow{4, cents(4700)},
		Increased: &Flow{2, cents(700)}, Decreased: &Flow{1, cents(500)},
		Won: Flow{2, cents(5000)}, Lost: Flow{1, cents(1200)}, End: Flow{10, cents(18500)},
		PushedOut: &Flow{1, cents(3000)}, PulledIn: &Flow{1, cents(4000)},
	}
	if r.Movement == nil || !reflect.DeepEqual(*r.Movement, want) {
		t.Errorf("movement = %+v\nwant %+v", r.Movement, want)
	}
	wantPushed := []Pushed{{ID: "november", From: date(t, "2026-11-25"), To: date(t, "2026-11-30"), PushCount: 2, Value: cents(3000)}}
	if !reflect.DeepEqual(r.Pushed, wantPushed) || r.History != HistoryGit {
		t.Errorf("pushed %+v, history %q; want %+v, git", r.Pushed, r.History, wantPushed)
	}
	// The previous values are the last review's: its open value is the
	// movement's start.
	if r.Previous.OpenValue != cents(19800) {
		t.Errorf("previous open value %s, want 19800 (the review commit's values)", r.Previous.OpenValue)
	}
	// By owner: ann's alpha (800 → 1000, won) and quebec (2000 → 2500);
	// mike and uniform added.
	for _, o := range r.MovementByOwner {
		if o.Owner == "ann" && (o.Start != Flow{2, cents(2800)} || *o.Increased != Flow{2, cents(700)} || o.Won != Flow{1, cents(1000)} || o.Added != Flow{2, cents(2000)}) {
			t.Errorf("ann's movement = %+v", o.Movement)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"pushed":[{"id":"november","from":"2026-11-25","to":"2026-11-30","push_count":2}]`) {
		t.Errorf("JSON pushed list: %s", b)
	}
}

// Reopened deals in the movement, as of T = 2026-11-27 (window 11-21..27,
// start as of 11-20). Reopening lost deals is allowed here.
//   - back: lost 11-10, reopened 11-22, open at T: not open at the start,
//     open at the end: added 400.
//   - again: lost 11-05, reopened 11-21, lost again 11-25: added 300, then
//     lost 300.
//   - stays: open since 11-01 and at T: start 1000, end 1000.
//   - early: lost 11-10 and not reopened: in no flow.
//
// Start 1 deal 1000; added 2, 700; lost 1, 300; end 2, 1400:
// 1000 + 700 − 300 = 1400 and 1 + 2 − 1 = 2.
func TestMovementOfReopenedDeals(t *testing.T) {
	p := `{name: R, currency: USD, stages: [{id: lead, probability: 0.1}, {id: won, type: won}, {id: lost, type: lost}],
	  transitions: {lost: [lead]}}`
	deals := map[string]string{
		"back":  `{title: back, owner: o, value: 400, history: [{stage: lead, date: 2026-11-01}, {stage: lost, date: 2026-11-10}, {stage: lead, date: 2026-11-22}]}`,
		"again": `{title: again, owner: o, value: 300, history: [{stage: lead, date: 2026-11-01}, {stage: lost, date: 2026-11-05}, {stage: lead, date: 2026-11-21}, {stage: lost, date: 2026-11-25}]}`,
		"stays": `{title: stays, owner: o, value: 1000, history: [{stage: lead, date: 2026-11-01}]}`,
		"early": `{title: early, owner: o, value: 5000, history: [{stage: lead, date: 2026-11-01}, {stage: lost, date: 2026-11-10}]}`,
	}
	r := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")})
	want := Movement{Start: Flow{1, cents(1000)}, Added: Flow{2, cents(700)}, Lost: Flow{1, cents(300)}, End: Flow{2, cents(1400)}}
	if !reflect.DeepEqual(*r.Movement, want) {
		t.Errorf("movement = %+v\nwant %+v", *r.Movement, want)
	}
}
