package metrics

import (
	"encoding/json"
	"math"
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

// The fixture, as of T = 2026-11-27 (window 11-21..11-27, previous window
// 11-14..11-20, funnel cohort of 60 days: 09-29..11-27, previous 09-22..11-20).
// Spend: web 3000 in November = 100 a day; 3100 without source in October =
// 100 a day.
var fixtureDeals = map[string]string{
	// Won in the window after a full path; cycle 11-01 → 11-22 = 21 days;
	// the nego stay 11-15 → 11-22 (7 days) ended in the window.
	"a": `{title: A, owner: ann, source: web, value: 1000, emails: {sent: 10, opened: 5},
	  onboarding: {status: in_progress},
	  history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-05}, {stage: prop, date: 2026-11-10},
	            {stage: nego, date: 2026-11-15}, {stage: won, date: 2026-11-22}]}`,
	// Enters at the later entry stage qual, skips prop (transitions allow
	// it), moves back to prop and on to nego again; its own probability 0.5.
	// Stays ended in the window: qual 1 day, nego 2 days, prop 2 days.
	"b": `{title: B, owner: ann, source: ref, value: 2000, probability: 0.5, expected_close: 2026-11-30,
	  history: [{stage: qual, date: 2026-11-20}, {stage: nego, date: 2026-11-21}, {stage: prop, date: 2026-11-23},
	            {stage: nego, date: 2026-11-25}]}`,
	// A new lead in the window.
	"c": `{title: C, owner: bob, source: web, value: 500, history: [{stage: lead, date: 2026-11-24}]}`,
	// No source; lost in the window after a 51-day lead stay.
	"d": `{title: D, owner: bob, value: 3000, emails: {sent: 4, opened: 4},
	  history: [{stage: lead, date: 2026-10-01}, {stage: lost, date: 2026-11-21, reason: budget}]}`,
	// Lost in the previous window.
	"e": `{title: E, owner: bob, source: web, value: 4000, emails: {sent: 6, opened: 3},
	  history: [{stage: lead, date: 2026-10-01}, {stage: qual, date: 2026-10-05}, {stage: lost, date: 2026-11-16, reason: budget}]}`,
	// Won long ago (outside both cohorts); onboarding succeeded and churn on
	// the window's first day.
	"f": `{title: F, owner: ann, source: ref, value: 1500, onboarding: {status: succeeded, date: 2026-11-21}, churned: 2026-11-21,
	  history: [{stage: lead, date: 2026-09-01}, {stage: qual, date: 2026-09-10}, {stage: prop, date: 2026-09-20},
	            {stage: nego, date: 2026-10-01}, {stage: won, date: 2026-10-15}]}`,
	// A lead in the window whose next move is after T, so not yet visible.
	"g": `{title: G, owner: ann, source: web, value: 800,
	  history: [{stage: lead, date: 2026-11-26}, {stage: qual, date: 2026-11-28}]}`,
	// Created after T: does not exist yet.
	"h": `{title: H, owner: bob, source: ref, value: 600, history: [{stage: lead, date: 2026-12-01}]}`,
	// Stuck in prop since 10-15 (43 days > 5) and overdue (11-20 < T).
	"i": `{title: I, owner: bob, source: web, value: 2500, expected_close: 2026-11-20,
	  history: [{stage: lead, date: 2026-10-10}, {stage: qual, date: 2026-10-12}, {stage: prop, date: 2026-10-15}]}`,
	// Won in the previous window (cycle 9 days); onboarding failed in the window.
	"j": `{title: J, owner: ann, source: web, value: 700, onboarding: {status: failed, date: 2026-11-25},
	  history: [{stage: lead, date: 2026-11-10}, {stage: qual, date: 2026-11-12}, {stage: prop, date: 2026-11-14},
	            {stage: nego, date: 2026-11-18}, {stage: won, date: 2026-11-19}]}`,
	// An old customer who churned on the previous window's last day.
	"k": `{title: K, owner: bob, source: ref, value: 900, churned: 2026-11-20, emails: {sent: 100, opened: 0},
	  history: [{stage: qual, date: 2026-08-01}, {stage: prop, date: 2026-08-02}, {stage: nego, date: 2026-08-03},
	            {stage: won, date: 2026-08-10}]}`,
	// Skips prop and never visits it (still counts as having reached it);
	// lost in the window after a 22-day nego stay.
	"l": `{title: L, owner: bob, source: ref, value: 1200,
	  history: [{stage: lead, date: 2026-11-02}, {stage: qual, date: 2026-11-03}, {stage: nego, date: 2026-11-05},
	            {stage: lost, date: 2026-11-27, reason: budget}]}`,
}

func fixture(t testing.TB) *Report {
	return Compute(repo(t, fixturePipeline, fixtureDeals), Options{AsOf: date(t, "2026-11-27")})
}

func ok(v float64) Ratio                { return Ratio{V: v, Valid: true} }
func cents(units float64) model.Money   { return model.Money(math.Round(units * 100)) }
func okMoney(units float64) MoneyOrNull { return MoneyOrNull{V: cents(units), Valid: true} }

func sameRatio(a, b Ratio) bool {
	return a.Valid == b.Valid && (!a.Valid || math.Abs(a.V-b.V) < 1e-12)
}

func TestWindows(t *testing.T) {
	r := fixture(t)
	for _, tt := range []struct {
		name     string
		got      Window
		from, to string
	}{
		{"window", r.Window, "2026-11-21", "2026-11-27"},
		{"previous", r.PreviousWindow, "2026-11-14", "2026-11-20"},
		{"funnel", r.FunnelWindow, "2026-09-29", "2026-11-27"},
	} {
		if tt.got.From.String() != tt.from || tt.got.To.String() != tt.to {
			t.Errorf("%s window = %s..%s, want %s..%s", tt.name, tt.got.From, tt.got.To, tt.from, tt.to)
		}
	}
	for review, days := range map[string]int{"weekly": 7, "biweekly": 14, "monthly": 30, "": 7} {
		if got := ReviewDays(review); got != days {
			t.Errorf("ReviewDays(%q) = %d, want %d", review, got, days)
		}
	}
}

func TestCurrentKPIs(t *testing.T) {
	k := fixture(t).Current
	checkKPIs(t, k, KPIs{
		OpenDeals:             4,              // b, c, g, i
		OpenValue:             cents(5800),    // 2000 + 500 + 800 + 2500
		WeightedValue:         cents(2380),    // 2000×0.5 (own) + 500×0.1 + 800×0.1 + 2500×0.5
		StuckDeals:            1,              // i: 43 days in prop > 5
		OverdueDeals:          1,              // i: expected 11-20 < 11-27
		Leads:                 2,              // c (11-24), g (11-26); b (11-20) is before the window
		QualificationRate:     ok(6.0 / 9),    // cohort a b c d e g i j l; reached qual: a b e i j l
		LeadConversionRate:    ok(2.0 / 9),    // won in the cohort: a, j
		WonDeals:              1,              // a (11-22)
		LostDeals:             2,              // d (11-21), l (11-27)
		WonValue:              cents(1000),    //
		WinRate:               ok(1.0 / 3),    // 1 ÷ (1 + 2)
		AvgDealSize:           okMoney(1000),  // 1000 ÷ 1
		SalesCycleDays:        ok(21),         // a: 11-01 → 11-22
		SalesVelocity:         okMoney(63.49), // 4 × 1/3 × 1000 ÷ 21 = 63.4920…
		Spend:                 cents(700),     // 7 days × 100 of web's November
		CostPerLead:           okMoney(350),   // 700 ÷ 2
		CAC:                   okMoney(700),   // 700 ÷ 1
		EmailOpenRate:         ok(9.0 / 14),   // a 5/10 and d 4/4; e closed before the window, k long ago
		ChurnRate:             ok(0.5),        // at start f (churns 11-21, in) and j; k churned 11-20
		OnboardingSuccessRate: ok(0.5),        // f succeeded 11-21, j failed 11-25; a in progress
	})
}

func TestPreviousKPIs(t *testing.T) {
	// As of 11-20: a is open in nego, b open in qual, d open in lead, l open
	// in nego; c, g and h do not exist; f's churn and onboarding are not
	// visible yet.
	k := fixture(t).Previous
	checkKPIs(t, k, KPIs{
		OpenDeals:             5,           // a b d i l
		OpenValue:             cents(9700), // 1000 + 2000 + 3000 + 2500 + 1200
		WeightedValue:         cents(4310), // 1000×0.8 + 2000×0.5 + 3000×0.1 + 2500×0.5 + 1200×0.8
		StuckDeals:            2,           // d: 50 days in lead > 10; i: 36 days in prop > 5
		OverdueDeals:          0,           // i: expected 11-20 is not before 11-20
		Leads:                 1,           // b (11-20)
		QualificationRate:     ok(6.0 / 7), // cohort 09-22..11-20: a b d e i j l; not d
		LeadConversionRate:    ok(1.0 / 7), // j
		WonDeals:              1,           // j
		LostDeals:             1,           // e
		WonValue:              cents(700),
		WinRate:               ok(0.5),
		AvgDealSize:           okMoney(700),
		SalesCycleDays:        ok(9),           // j: 11-10 → 11-19
		SalesVelocity:         okMoney(194.44), // 5 × 0.5 × 700 ÷ 9 = 194.444…
		Spend:                 cents(700),
		CostPerLead:           okMoney(700),
		CAC:                   okMoney(700),
		EmailOpenRate:         ok(12.0 / 20), // a 5/10, d 4/4, e 3/6 (lost 11-16, in the window)
		ChurnRate:             ok(0.5),       // at start f and k; k churned 11-20
		OnboardingSuccessRate: Ratio{},       // nothing ended: null
	})
}

func checkKPIs(t *testing.T, got, want KPIs) {
	t.Helper()
	gf, wf := got.Fields(), want.Fields()
	for i := range gf {
		g, w := gf[i], wf[i]
		if g.Valid != w.Valid || math.Abs(g.Value-w.Value) > 1e-9 {
			t.Errorf("%s = %v (valid %v), want %v (valid %v)", g.Key, g.Value, g.Valid, w.Value, w.Valid)
		}
	}
}

func TestStages(t *testing.T) {
	r := fixture(t)
	type row struct {
		id           string
		reached      int
		reachedValue float64
		conversion   *Ratio
		open         int
		openValue    float64
		avg, median  Ratio
		stuck        int
	}
	conv := func(v float64) *Ratio { r := ok(v); return &r }
	want := []row{
		// Cohort: a b c d e g i j l (9 deals, 15700).
		{"lead", 9, 15700, conv(6.0 / 9), 2, 1300, ok(51), ok(51), 0},     // open c, g; stay: d 51 days
		{"qual", 6, 11400, conv(5.0 / 6), 0, 0, ok(1), ok(1), 0},          // a b e i j l; stay: b 1 day
		{"prop", 5, 7400, conv(4.0 / 5), 1, 2500, ok(2), ok(2), 1},        // a b i j and l (skipped it); open i, stuck; stay: b 2
		{"nego", 4, 4900, conv(2.0 / 4), 1, 2000, ok(31.0 / 3), ok(7), 0}, // a b j l; open b; stays 7 (a), 2 (b), 22 (l)
		{"won", 2, 1700, nil, 0, 0, Ratio{}, Ratio{}, 0},                  // a j; no conversion for the won stage
	}
	if len(r.Stages) != len(want) {
		t.Fatalf("%d stages, want %d (open and won stages only)", len(r.Stages), len(want))
	}
	for i, w := range want {
		g := r.Stages[i]
		if g.ID != w.id || g.Reached != w.reached || g.ReachedValue != cents(w.reachedValue) || g.OpenCount != w.open ||
			g.OpenValue != cents(w.openValue) || !sameRatio(g.AvgDays, w.avg) || !sameRatio(g.MedianDays, w.median) || g.Stuck != w.stuck {
			t.Errorf("stage %d = %+v, want %+v", i, g, w)
		}
		if fromTop := ok(float64(w.reached) / 9); !sameRatio(g.FromTop, fromTop) {
			t.Errorf("stage %s from top = %v, want %v (of the 9 cohort deals)", w.id, g.FromTop, fromTop)
		}
		if (g.ConversionToNext == nil) != (w.conversion == nil) || (w.conversion != nil && !sameRatio(*g.ConversionToNext, *w.conversion)) {
			t.Errorf("stage %s conversion_to_next = %v, want %v", w.id, g.ConversionToNext, w.conversion)
		}
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

func TestSources(t *testing.T) {
	r := fixture(t)
	want := []Source{
		// web: a c e g i j; leads c g; won a; cohort 6 with a j won; 700 spend.
		{ID: "web", Leads: 2, WonDeals: 1, WonValue: cents(1000), LeadConversionRate: ok(2.0 / 6), Spend: cents(700), CostPerLead: okMoney(350), CAC: okMoney(700)},
		// ref: b f k l exist; cohort b l; nothing won in the window; no spend.
		{ID: "ref", Leads: 0, WonDeals: 0, WonValue: 0, LeadConversionRate: ok(0), Spend: 0},
		// d has no source.
		{ID: "(none)", Leads: 0, LeadConversionRate: ok(0)},
	}
	if len(r.Sources) != len(want) {
		t.Fatalf("sources = %+v, want %d", r.Sources, len(want))
	}
	for i, w := range want {
		g := r.Sources[i]
		if g.ID != w.ID || g.Leads != w.Leads || g.WonDeals != w.WonDeals || g.WonValue != w.WonValue ||
			!sameRatio(g.LeadConversionRate, w.LeadConversionRate) || g.Spend != w.Spend || g.CostPerLead != w.CostPerLead || g.CAC != w.CAC {
			t.Errorf("source %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestOwners(t *testing.T) {
	r := fixture(t)
	want := []Owner{
		// ann: a b f g j. Lead g; open b g; won a; nothing lost.
		{ID: "ann", Leads: 1, OpenDeals: 2, OpenValue: cents(2800), WeightedValue: cents(1080), WonDeals: 1, WonValue: cents(1000), WinRate: ok(1)},
		// bob: c d e i k l. Lead c; open c i; lost d l; i stuck.
		{ID: "bob", Leads: 1, OpenDeals: 2, OpenValue: cents(3000), WeightedValue: cents(1300), WinRate: ok(0), StuckDeals: 1},
	}
	var sumOpen model.Money
	for i, w := range want {
		g := r.Owners[i]
		sumOpen += g.OpenValue
		if g.ID != w.ID || g.Leads != w.Leads || g.OpenDeals != w.OpenDeals || g.OpenValue != w.OpenValue || g.WeightedValue != w.WeightedValue ||
			g.WonDeals != w.WonDeals || g.WonValue != w.WonValue || !sameRatio(g.WinRate, w.WinRate) || g.StuckDeals != w.StuckDeals {
			t.Errorf("owner %d = %+v, want %+v", i, g, w)
		}
	}
	if len(r.Owners) != 2 || sumOpen != r.Current.OpenValue {
		t.Errorf("owners %d, Σ open value %s, want 2 and %s", len(r.Owners), sumOpen, r.Current.OpenValue)
	}
}

func TestTargets(t *testing.T) {
	r := fixture(t)
	ann := "ann"
	want := []Target{
		// November: won a 1000 + j 700; open with expected close in November:
		// b 2000 (p 0.5) and i 2500 (p 0.5); coverage 4500 ÷ (10000 − 1700).
		{Period: "2026-11", Revenue: cents(10000), WonValue: cents(1700), Attainment: ok(0.17), Forecast: cents(3950), Coverage: ok(4500.0 / 8300)},
		// ann in Q4: won a 1000 + f 1500 + j 700; open b 2000 × 0.5.
		{Period: "2026-Q4", Owner: &ann, Revenue: cents(5000), WonValue: cents(3200), Attainment: ok(0.64), Forecast: cents(4200), Coverage: ok(2000.0 / 1800)},
		// October: f 1500 beats 1000: nothing remains, coverage null.
		{Period: "2026-10", Revenue: cents(1000), WonValue: cents(1500), Attainment: ok(1.5), Forecast: cents(1500), Coverage: Ratio{}},
	}
	for i, w := range want {
		g := r.Targets[i]
		if g.Period != w.Period || (g.Owner == nil) != (w.Owner == nil) || g.Revenue != w.Revenue || g.WonValue != w.WonValue ||
			!sameRatio(g.Attainment, w.Attainment) || g.Forecast != w.Forecast || !sameRatio(g.Coverage, w.Coverage) {
			t.Errorf("target %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestStuckAndOverdueLists(t *testing.T) {
	r := fixture(t)
	if len(r.Stuck) != 1 || r.Stuck[0] != (Stuck{ID: "i", Stage: "prop", DaysInStage: 43, RotAfter: 5}) {
		t.Errorf("stuck = %+v", r.Stuck)
	}
	if len(r.Overdue) != 1 || r.Overdue[0].ID != "i" || r.Overdue[0].DaysOverdue != 7 {
		t.Errorf("overdue = %+v", r.Overdue)
	}
	// Order: most days over rot_after first, then by id.
	p := `{name: S, currency: USD, stages: [{id: a, probability: 0.1, rot_after: 2}, {id: b, probability: 0.2, rot_after: 10}, {id: w, type: won}]}`
	deals := map[string]string{
		"z": `{title: z, owner: o, value: 1, history: [{stage: a, date: 2026-11-20}]}`,                               // 7 days, over by 5
		"y": `{title: y, owner: o, value: 1, history: [{stage: a, date: 2026-11-20}]}`,                               // over by 5, sorts before z
		"x": `{title: x, owner: o, value: 1, history: [{stage: a, date: 2026-11-01}, {stage: b, date: 2026-11-02}]}`, // 25 days, over by 15
		"v": `{title: v, owner: o, value: 1, history: [{stage: a, date: 2026-11-25}]}`,                               // 2 days: not more than 2
	}
	got := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")}).Stuck
	var ids []string
	for _, s := range got {
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
	// October (no source, 100/day) 10-25..10-31 = 7 days; November web 11-01..11-03 = 3 days.
	if r.Current.Spend != cents(1000) {
		t.Errorf("spend = %s, want 1000", r.Current.Spend)
	}
	if r.Sources[0].Spend != cents(300) {
		t.Errorf("web spend = %s, want 300", r.Sources[0].Spend)
	}
	if r.Window.Days() != 10 || r.PreviousWindow.From.String() != "2026-10-15" || r.PreviousWindow.To.String() != "2026-10-24" {
		t.Errorf("explicit window %v, previous %v", r.Window, r.PreviousWindow)
	}
	// A third of a 31-day month's 1000: 1000 × 10/31 = 322.580… → 322.58.
	p := fixturePipeline + "  - {month: 2026-12, amount: 1000}\n"
	p = strings.Replace(p, "  - {month: 2026-10, amount: 3100}\n", "", 1)
	r = Compute(repo(t, p, nil), Options{AsOf: date(t, "2026-12-10"), From: date(t, "2026-12-01")})
	if r.Current.Spend != 32258 {
		t.Errorf("spend of 10 of 31 days = %d cents, want 32258", r.Current.Spend)
	}
}

// Ratios over zero are null, never 0 and never an error; an empty
// repository computes.
func TestZeroDenominators(t *testing.T) {
	r := Compute(repo(t, fixturePipeline, nil), Options{AsOf: date(t, "2026-11-27")})
	for _, f := range r.Current.Fields() {
		switch f.Kind {
		case Rate, Days, AmountPerDay:
			if f.Valid {
				t.Errorf("%s = %v with no deals, want null", f.Key, f.Value)
			}
		}
	}
	if r.Current.CostPerLead.Valid || r.Current.CAC.Valid || r.Current.AvgDealSize.Valid {
		t.Errorf("money ratios over zero should be null: %+v", r.Current)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"win_rate":null`, `"stuck":[]`, `"sales_velocity":null`, `"cost_per_lead":null`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("JSON lacks %s: %s", frag, b)
		}
	}
	// A sales cycle of 0 days (won on the day it was created) makes
	// velocity null, not infinite.
	p := `{name: S, currency: USD, stages: [{id: a, probability: 0.1}, {id: w, type: won}]}`
	deals := map[string]string{"x": `{title: x, owner: o, value: 5, history: [{stage: a, date: 2026-11-25}, {stage: w, date: 2026-11-25}]}`}
	k := Compute(repo(t, p, deals), Options{AsOf: date(t, "2026-11-27")}).Current
	if !k.SalesCycleDays.Valid || k.SalesCycleDays.V != 0 || k.SalesVelocity.Valid {
		t.Errorf("cycle %v, velocity %v; want 0 and null", k.SalesCycleDays, k.SalesVelocity)
	}
}

// The JSON has exactly the keys of METRICS.md, in its order.
func TestJSONKeys(t *testing.T) {
	b, err := json.Marshal(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	want := "as_of currency window previous_window funnel_window current previous stages sources owners targets stuck"
	if got := orderedKeys(t, b); got != want {
		t.Errorf("top-level keys = %s\nwant %s", got, want)
	}
	kpiKeys := "open_deals open_value weighted_value stuck_deals overdue_deals leads qualification_rate lead_conversion_rate won_deals lost_deals won_value win_rate avg_deal_size sales_cycle_days sales_velocity spend cost_per_lead cac email_open_rate churn_rate onboarding_success_rate"
	for _, k := range []string{"current", "previous"} {
		if got := orderedKeys(t, top[k]); got != kpiKeys {
			t.Errorf("%s keys = %s\nwant %s", k, got, kpiKeys)
		}
	}
	checkFirst := func(list, want string) {
		var items []json.RawMessage
		if err := json.Unmarshal(top[list], &items); err != nil || len(items) == 0 {
			t.Fatalf("%s: %v (%d items)", list, err, len(items))
		}
		if got := orderedKeys(t, items[0]); got != want {
			t.Errorf("%s keys = %s\nwant %s", list, got, want)
		}
	}
	checkFirst("stages", "id name reached reached_value conversion_to_next open_count open_value avg_days median_days stuck")
	checkFirst("sources", "id leads won_deals won_value lead_conversion_rate spend cost_per_lead cac")
	checkFirst("owners", "id leads open_deals open_value weighted_value won_deals won_value win_rate stuck_deals")
	checkFirst("targets", "period owner revenue won_value attainment forecast coverage")
	checkFirst("stuck", "id stage days_in_stage rot_after")
	if !strings.Contains(string(b), `"as_of":"2026-11-27"`) || !strings.Contains(string(b), `"window":{"from":"2026-11-21","to":"2026-11-27"}`) {
		t.Errorf("dates are not written as YYYY-MM-DD: %.200s", b)
	}
	if !strings.Contains(string(b), `"open_value":5800,`) || !strings.Contains(string(b), `"sales_velocity":63.49,`) {
		t.Errorf("money is not a plain number exact to the cent: %.600s", b)
	}
	if !strings.Contains(string(b), `"period":"2026-11","owner":null`) {
		t.Errorf("a team target has owner null")
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
