package metrics

// Kind says how a KPI is measured, and so how it is written and compared.
type Kind int

const (
	Count Kind = iota
	Amount
	Rate
	Days
	AmountPerDay
)

// Field is one KPI of a window, for display: its key in the JSON, a label,
// its kind and its value (undefined when !Valid). Amounts are in cents.
type Field struct {
	Key   string
	Label string
	Kind  Kind
	Value float64
	Valid bool
	// HigherIsBetter says which way of change is good news.
	HigherIsBetter bool
}

// Fields lists the KPIs of a window in the order of METRICS.md.
func (k KPIs) Fields() []Field {
	count := func(key, label string, v int, up bool) Field {
		return Field{Key: key, Label: label, Kind: Count, Value: float64(v), Valid: true, HigherIsBetter: up}
	}
	rate := func(key, label string, r Ratio, up bool) Field {
		return Field{Key: key, Label: label, Kind: Rate, Value: r.V, Valid: r.Valid, HigherIsBetter: up}
	}
	money := func(key, label string, m MoneyOrNull, up bool) Field {
		return Field{Key: key, Label: label, Kind: Amount, Value: float64(m.V), Valid: m.Valid, HigherIsBetter: up}
	}
	return []Field{
		count("open_deals", "Open deals", k.OpenDeals, true),
		money("open_value", "Open value", MoneyOrNull{k.OpenValue, true}, true),
		money("weighted_value", "Weighted value", MoneyOrNull{k.WeightedValue, true}, true),
		count("stuck_deals", "Stuck deals", k.StuckDeals, false),
		count("overdue_deals", "Overdue deals", k.OverdueDeals, false),
		count("leads", "Leads", k.Leads, true),
		rate("qualification_rate", "Qualification rate", k.QualificationRate, true),
		rate("lead_conversion_rate", "Lead conversion", k.LeadConversionRate, true),
		count("won_deals", "Won deals", k.WonDeals, true),
		count("lost_deals", "Lost deals", k.LostDeals, false),
		money("won_value", "Won value", MoneyOrNull{k.WonValue, true}, true),
		rate("win_rate", "Win rate", k.WinRate, true),
		money("avg_deal_size", "Average deal size", k.AvgDealSize, true),
		{Key: "sales_cycle_days", Label: "Sales cycle", Kind: Days, Value: k.SalesCycleDays.V, Valid: k.SalesCycleDays.Valid},
		{Key: "sales_velocity", Label: "Sales velocity", Kind: AmountPerDay, Value: float64(k.SalesVelocity.V), Valid: k.SalesVelocity.Valid, HigherIsBetter: true},
		money("spend", "Spend", MoneyOrNull{k.Spend, true}, false),
		money("cost_per_lead", "Cost per lead", k.CostPerLead, false),
		money("cac", "CAC", k.CAC, false),
		rate("email_open_rate", "Email open rate", k.EmailOpenRate, true),
		rate("churn_rate", "Churn rate", k.ChurnRate, false),
		rate("onboarding_success_rate", "Onboarding success", k.OnboardingSuccessRate, true),
	}
}
