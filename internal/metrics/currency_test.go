package metrics

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// fxPipeline converts EUR at 1.1 until 2026-11-23 and at 1.2 from
// 2026-11-24, GBP at 1.25. As of T = 2026-11-27 the review window is
// 11-21..11-27 and the last review is F − 1 = 11-20.
const fxPipeline = `name: FX
currency: USD
stages: [{id: lead, probability: 0.5}, {id: won, type: won}, {id: lost, type: lost}]
rates:
  - {currency: EUR, rate: 1.2, from: 2026-11-24}
  - {currency: EUR, rate: 1.1, from: 2026-01-01}
  - {currency: GBP, rate: 1.25, from: 2026-01-01}
fields:
  - {id: industry, values: [retail, health]}
  - {id: seats, type: number}
targets:
  - {period: 2026-Q4, revenue: 10000}
`

// The deals, each valued by hand (USD):
//   - a: 1000 EUR, open: at T 1000 × 1.2 = 1200; at F − 1 1000 × 1.1 = 1100.
//   - b: 500.55 EUR, won 11-22 (rate 1.1): 550.605, rounded to 550.61.
//   - c: 2000 GBP, lost 11-25: 2500.
//   - d: 300 USD, no currency, open, created in the window.
//   - e: 100 EUR, won 11-25 (rate 1.2): 120; at F − 1 open, 110.
var fxDeals = map[string]string{
	"a": "title: A\nowner: ann\nvalue: 1000\ncurrency: EUR\nexpected_close: 2026-12-15\nfields: {industry: retail}\nhistory:\n  - {stage: lead, date: 2026-11-01}\n",
	"b": "title: B\nowner: ann\nvalue: 500.55\ncurrency: EUR\nfields: {industry: retail}\nhistory:\n  - {stage: lead, date: 2026-11-02}\n  - {stage: won, date: 2026-11-22}\n",
	"c": "title: C\nowner: ann\nvalue: 2000\ncurrency: GBP\nfields: {industry: health}\nhistory:\n  - {stage: lead, date: 2026-11-03}\n  - {stage: lost, date: 2026-11-25}\n",
	"d": "title: D\nowner: ann\nvalue: 300\ncurrency: USD\nexpected_close: 2026-12-20\nfields: {seats: 12}\nhistory:\n  - {stage: lead, date: 2026-11-21}\n",
	"e": "title: E\nowner: ann\nvalue: 100\ncurrency: EUR\nhistory:\n  - {stage: lead, date: 2026-11-05}\n  - {stage: won, date: 2026-11-25}\n",
}

func fx(t *testing.T, past *LastReview) *Report {
	t.Helper()
	return Compute(repo(t, fxPipeline, fxDeals), Options{AsOf: date(t, "2026-11-27"), Past: past})
}

func TestConvertedKPIs(t *testing.T) {
	r := fx(t, nil)
	c := r.Current
	checkFields(t, "current", c, KPIs{
		OpenDeals: 2, OpenValue: cents(1500), WeightedValue: cents(750), NoNextStep: 2,
		Leads: 1, NewValue: cents(300),
		WonDeals: 2, WonValue: cents(670.61), LostDeals: 1, LostValue: cents(2500),
		WinRate: ok(2.0 / 3), WinRateByValue: ok(67061.0 / (67061 + 250000)), ClosedDeals: 3,
		AvgDealSize:    okMoney(335.31),                                      // 670.61 / 2 = 335.305
		SalesCycleDays: ok(20), SalesCycleMeanDays: ok(20), WonDealsRated: 2, // b 20 days, e 20 days
		SalesVelocity: okMoney(22.35), // 2 × 2/3 × 335.305 / 20 = 22.3537
		// One open stage: no qualified stage, so no qualification rate.
		LeadsRated: 5, LeadConversionRate: ok(2.0 / 5), CohortDeals: 5,
	})
	// Without git the previous values are the deals' values now, converted
	// as of T (a at 1.2, e at its close's 1.2), so the movement adds up:
	// open at F − 1: a 1200, b 550.61, c 2500, e 120 = 4370.61.
	if r.Previous.OpenDeals != 4 || r.Previous.OpenValue != cents(4370.61) {
		t.Errorf("previous open = %d, %s; want 4, 4370.61", r.Previous.OpenDeals, r.Previous.OpenValue)
	}
	want := Movement{Start: Flow{4, cents(4370.61)}, Added: Flow{1, cents(300)}, Won: Flow{2, cents(670.61)}, Lost: Flow{1, cents(2500)}, End: Flow{2, cents(1500)}}
	if !reflect.DeepEqual(*r.Movement, want) {
		t.Errorf("movement = %+v\nwant %+v", *r.Movement, want)
	}
	// Per stage: every deal reached lead (1200 + 550.61 + 2500 + 300 + 120);
	// b and e reached won.
	if s := r.Stages; s[0].ReachedValue != cents(4670.61) || s[0].OpenValue != cents(1500) || s[1].ReachedValue != cents(670.61) {
		t.Errorf("stages = %+v", s)
	}
	// The owner holds every deal: the same numbers.
	if o := r.Owners[0]; o.OpenValue != cents(1500) || o.WonValue != cents(670.61) || o.LostValue != cents(2500) {
		t.Errorf("owner = %+v", o)
	}
	// Q4: won b + e = 670.61; a and d open, closing in Q4: 1500 more;
	// weighted 0.5 × 1500.
	tg := r.Targets[0]
	if tg.WonValue != cents(670.61) || tg.Pipeline != cents(2170.61) || tg.Forecast != cents(1420.61) {
		t.Errorf("target = %+v", tg)
	}
	// The deal rows carry the converted value.
	d := ComputeDetails(repo(t, fxPipeline, fxDeals), Options{AsOf: date(t, "2026-11-27")})
	// and the rate it was converted at: b's on its close date, a's on T;
	// d, in the pipeline currency, has none.
	rates := map[string]string{}
	for _, row := range d.Deals {
		rates[row.ID] = fmt.Sprintf("%s %s %s", row.Value, row.Rate, row.RateDay)
	}
	wantRows := map[string]string{"a": "1200 1.2 2026-11-27", "b": "550.61 1.1 2026-11-22", "c": "2500 1.25 2026-11-25", "d": "300 0 ", "e": "120 1.2 2026-11-25"}
	if !reflect.DeepEqual(rates, wantRows) {
		t.Errorf("deal rows = %v\nwant %v", rates, wantRows)
	}
}

// With git, the start is the pipeline as it stood at the last review:
// open deals converted at the rate of F − 1. A change of rate since then
// is an increase or a decrease, so the movement still adds up.
func TestConvertedMovementFromGit(t *testing.T) {
	then := func(v float64, currency string) Then { return Then{Value: cents(v), Currency: currency} }
	past := &LastReview{At: map[string]Then{
		"a": then(1000, "EUR"), "b": then(500.55, "EUR"), "c": then(2000, "GBP"), "e": then(100, "EUR"),
	}}
	r := fx(t, past)
	// Start: a 1100, b 550.61 (its close's rate is 1.1 too), c 2500, e 110.
	// a rose to 1200 and e to 120: increased 2 deals, 110.
	// 4260.61 + 300 + 110 − 670.61 − 2500 = 1500.
	want := Movement{
		Start: Flow{4, cents(4260.61)}, Added: Flow{1, cents(300)},
		Increased: &Flow{2, cents(110)}, Decreased: &Flow{},
		Won: Flow{2, cents(670.61)}, Lost: Flow{1, cents(2500)}, End: Flow{2, cents(1500)},
		PushedOut: &Flow{}, PulledIn: &Flow{},
	}
	if !reflect.DeepEqual(*r.Movement, want) {
		t.Errorf("movement = %+v\nwant %+v", *r.Movement, want)
	}
	if r.Previous.OpenValue != cents(4260.61) {
		t.Errorf("previous open value = %s, want 4260.61", r.Previous.OpenValue)
	}

	// At the review a was 900 GBP: 1125 then; 75 more now.
	past.At["a"] = then(900, "GBP")
	if m := fx(t, past).Movement; m.Start.Value != cents(4285.61) || *m.Increased != (Flow{2, cents(85)}) {
		t.Errorf("a was in GBP: start %s, increased %+v; want 4285.61, 2 deals 85", m.Start.Value, *m.Increased)
	}
	// A currency without a rate then: the version counts as the file is
	// now, 1000 EUR at 1.1.
	past.At["a"] = then(900, "CHF")
	if m := fx(t, past).Movement; m.Start.Value != cents(4260.61) {
		t.Errorf("a was in CHF: start %s, want 4260.61", m.Start.Value)
	}
}

// The breakdown by industry: a row per declared value, in order, then
// (none) for d and e, which do not set it. seats is a number: no
// breakdown.
func TestFieldBreakdown(t *testing.T) {
	r := fx(t, nil)
	want := []FieldValue{
		{Value: "retail", OpenDeals: 1, OpenValue: cents(1200), WeightedValue: cents(600), WonDeals: 1, WonValue: cents(550.61),
			WinRate: ok(1), ClosedDeals: 1, AvgDealSize: okMoney(550.61), WonDealsRated: 1},
		{Value: "health", LostDeals: 1, WinRate: ok(0), ClosedDeals: 1},
		{Value: NoSource, OpenDeals: 1, OpenValue: cents(300), WeightedValue: cents(150), WonDeals: 1, WonValue: cents(120),
			WinRate: ok(1), ClosedDeals: 1, AvgDealSize: okMoney(120), WonDealsRated: 1},
	}
	if len(r.Fields) != 1 || !reflect.DeepEqual(r.Fields["industry"], want) {
		t.Errorf("fields = %+v\nwant industry: %+v", r.Fields, want)
	}
	var sum FieldValue
	for _, row := range r.Fields["industry"] {
		sum.OpenValue += row.OpenValue
		sum.WonValue += row.WonValue
	}
	if sum.OpenValue != r.Current.OpenValue || sum.WonValue != r.Current.WonValue {
		t.Errorf("the rows add up to %s open, %s won; the pipeline has %s, %s", sum.OpenValue, sum.WonValue, r.Current.OpenValue, r.Current.WonValue)
	}

	var buf strings.Builder
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(buf.String()), &top); err != nil {
		t.Fatal(err)
	}
	var fields map[string][]json.RawMessage
	if err := json.Unmarshal(top["fields"], &fields); err != nil || len(fields["industry"]) != 3 {
		t.Fatalf("fields: %v, %s", err, top["fields"])
	}
	const keys = "value open_deals open_value weighted_value won_deals won_value lost_deals win_rate closed_deals avg_deal_size won_deals_rated"
	for i, row := range fields["industry"] {
		if got := orderedKeys(t, row); got != keys {
			t.Errorf("fields.industry[%d] keys = %s\nwant %s", i, got, keys)
		}
	}
	for _, frag := range []string{
		`"value": "retail",` + "\n" + `        "open_deals": 1,` + "\n" + `        "open_value": 1200,`,
		`"won_value": 550.61,`, `"value": "(none)",`, `"avg_deal_size": null,`,
	} {
		if !strings.Contains(string(top["fields"]), frag) {
			t.Errorf("fields JSON lacks %s:\n%s", frag, top["fields"])
		}
	}
	// Amounts in the JSON stay in the pipeline currency.
	if !strings.Contains(buf.String(), `"currency": "USD"`) || !strings.Contains(string(top["current"]), `"open_value": 1500,`) {
		t.Errorf("JSON current: %s", top["current"])
	}
}

// A pipeline without fields has an empty breakdown, not null.
func TestNoFields(t *testing.T) {
	b, err := json.Marshal(v2(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"fields":{}`) {
		t.Errorf("JSON without fields: %s", b[len(b)-200:])
	}
}
