package metrics

import "github.com/pipegen/pipegen/internal/model"

// Kind says how a KPI is measured, and so how it is written and compared.
type Kind int

const (
	Count Kind = iota
	Amount
	Rate
	Days
	AmountPerDay
)

// Section says which window a KPI is over: the groups of the dashboard's
// tiles and of the terminal table.
type Section int

const (
	// Now is the snapshot as of T.
	Now Section = iota
	// Activity is what happened in the review window.
	Activity
	// Rates are over the trailing rate window.
	Rates
	// Cohort is over the funnel cohort.
	Cohort
)

// SmallSample is the count under which a rate is marked as resting on too
// few deals to read much into.
const SmallSample = 10

// Small reports whether a rate resting on n deals is a small sample: on
// none, there is no rate to mark, only "—".
func Small(n int) bool { return n > 0 && n < SmallSample }

// Field is one KPI, for display: its key in the JSON (also its anchor in
// docs/metrics.md), a label, its kind, its section and its value
// (undefined when !Valid). Amounts are in cents. A rate carries the count
// it rests on.
type Field struct {
	Key     string
	Label   string
	Kind    Kind
	Section Section
	Value   float64
	Valid   bool
	// HigherIsBetter says which way of change is good news.
	HigherIsBetter bool
	// Counted says the field rests on Count deals (or emails, customers…),
	// called CountOf: "15 closed".
	Counted bool
	Count   int
	CountOf string
}

// Small reports whether a counted field rests on a small sample.
func (f Field) Small() bool { return f.Counted && Small(f.Count) }

// Fields lists the KPIs in the order of METRICS.md, section by section.
func (k KPIs) Fields() []Field {
	count := func(s Section, key, label string, v int, up bool) Field {
		return Field{Key: key, Label: label, Kind: Count, Section: s, Value: float64(v), Valid: true, HigherIsBetter: up}
	}
	money := func(s Section, key, label string, m MoneyOrNull, up bool) Field {
		return Field{Key: key, Label: label, Kind: Amount, Section: s, Value: float64(m.V), Valid: m.Valid, HigherIsBetter: up}
	}
	on := func(f Field, n int, of string) Field {
		f.Counted, f.Count, f.CountOf = true, n, of
		return f
	}
	rate := func(s Section, key, label string, r Ratio, up bool, n int, of string) Field {
		return on(Field{Key: key, Label: label, Kind: Rate, Section: s, Value: r.V, Valid: r.Valid, HigherIsBetter: up}, n, of)
	}
	days := func(key, label string, r Ratio, n int) Field {
		return on(Field{Key: key, Label: label, Kind: Days, Section: Rates, Value: r.V, Valid: r.Valid}, n, "won")
	}
	valid := func(m model.Money) MoneyOrNull { return MoneyOrNull{V: m, Valid: true} }
	return []Field{
		count(Now, "open_deals", "Open deals", k.OpenDeals, true),
		money(Now, "open_value", "Open value", valid(k.OpenValue), true),
		money(Now, "weighted_value", "Weighted value", valid(k.WeightedValue), true),
		count(Now, "stuck_deals", "Stuck deals", k.StuckDeals, false),
		count(Now, "overdue_deals", "Overdue deals", k.OverdueDeals, false),
		money(Now, "overdue_value", "Overdue value", valid(k.OverdueValue), false),
		count(Now, "no_next_step", "No next step", k.NoNextStep, false),
		count(Now, "overdue_next_step", "Next step overdue", k.OverdueNextStep, false),

		count(Activity, "leads", "Leads", k.Leads, true),
		money(Activity, "new_value", "New value", valid(k.NewValue), true),
		count(Activity, "won_deals", "Won deals", k.WonDeals, true),
		money(Activity, "won_value", "Won value", valid(k.WonValue), true),
		count(Activity, "lost_deals", "Lost deals", k.LostDeals, false),
		money(Activity, "lost_value", "Lost value", valid(k.LostValue), false),
		money(Activity, "spend", "Spend", valid(k.Spend), false),
		count(Activity, "backward_moves", "Backward moves", k.BackwardMoves, false),

		rate(Rates, "win_rate", "Win rate", k.WinRate, true, k.ClosedDeals, "closed"),
		rate(Rates, "win_rate_by_value", "Win rate by value", k.WinRateByValue, true, k.ClosedDeals, "closed"),
		on(money(Rates, "avg_deal_size", "Average deal size", k.AvgDealSize, true), k.WonDealsRated, "won"),
		days("sales_cycle_days", "Sales cycle (median)", k.SalesCycleDays, k.WonDealsRated),
		days("sales_cycle_mean_days", "Sales cycle (mean)", k.SalesCycleMeanDays, k.WonDealsRated),
		{Key: "sales_velocity", Label: "Sales velocity", Kind: AmountPerDay, Section: Rates, Value: float64(k.SalesVelocity.V), Valid: k.SalesVelocity.Valid, HigherIsBetter: true},
		on(money(Rates, "cost_per_lead", "Cost per lead", k.CostPerLead, false), k.LeadsRated, "leads"),
		on(money(Rates, "cac", "CAC", k.CAC, false), k.WonDealsRated, "won"),
		rate(Rates, "email_open_rate", "Email open rate", k.EmailOpenRate, true, k.EmailsSent, "sent"),
		rate(Rates, "churn_rate", "Churn rate", k.ChurnRate, false, k.CustomersAtStart, "customers"),
		rate(Rates, "revenue_churn_rate", "Revenue churn", k.RevenueChurnRate, false, k.CustomersAtStart, "customers"),
		rate(Rates, "onboarding_success_rate", "Onboarding success", k.OnboardingSuccessRate, true, k.OnboardingsEnded, "ended"),

		rate(Cohort, "qualification_rate", "Qualification rate", k.QualificationRate, true, k.CohortDeals, "leads"),
		rate(Cohort, "lead_conversion_rate", "Lead conversion", k.LeadConversionRate, true, k.CohortDeals, "leads"),
	}
}
