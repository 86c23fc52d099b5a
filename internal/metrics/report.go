// Package metrics computes the numbers of METRICS.md from a loaded
// repository and an as-of date. It is pure: no files, no clock. The report
// it returns is what `pipegen metrics` prints, what metrics.json holds and
// what the site shows; the site never computes a number itself.
package metrics

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/pipegen/pipegen/internal/model"
)

// Report is the whole set of metrics, in the shape of METRICS.md's JSON.
type Report struct {
	AsOf           model.Date `json:"as_of"`
	Currency       string     `json:"currency"`
	Window         Window     `json:"window"`
	PreviousWindow Window     `json:"previous_window"`
	FunnelWindow   Window     `json:"funnel_window"`
	Current        KPIs       `json:"current"`
	Previous       KPIs       `json:"previous"`
	Stages         []Stage    `json:"stages"`
	Sources        []Source   `json:"sources"`
	Owners         []Owner    `json:"owners"`
	Targets        []Target   `json:"targets"`
	Stuck          []Stuck    `json:"stuck"`

	// Overdue lists the open deals past their expected close, most overdue
	// first; it is for the site and is not part of the JSON.
	Overdue []Overdue `json:"-"`
}

// WriteJSON writes the report in the shape of METRICS.md, indented, with
// text as written (no HTML escaping): what pipegen metrics --format json
// prints and what metrics.json holds.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// Window is a span of days, both ends included.
type Window struct {
	From model.Date `json:"from"`
	To   model.Date `json:"to"`
}

// Days returns the number of days in the window.
func (w Window) Days() int { return int(w.To-w.From) + 1 }

// Contains reports whether d falls in the window.
func (w Window) Contains(d model.Date) bool { return !d.IsZero() && d >= w.From && d <= w.To }

// KPIs are the snapshot and window metrics of one window.
type KPIs struct {
	OpenDeals             int         `json:"open_deals"`
	OpenValue             model.Money `json:"open_value"`
	WeightedValue         model.Money `json:"weighted_value"`
	StuckDeals            int         `json:"stuck_deals"`
	OverdueDeals          int         `json:"overdue_deals"`
	Leads                 int         `json:"leads"`
	QualificationRate     Ratio       `json:"qualification_rate"`
	LeadConversionRate    Ratio       `json:"lead_conversion_rate"`
	WonDeals              int         `json:"won_deals"`
	LostDeals             int         `json:"lost_deals"`
	WonValue              model.Money `json:"won_value"`
	WinRate               Ratio       `json:"win_rate"`
	AvgDealSize           MoneyOrNull `json:"avg_deal_size"`
	SalesCycleDays        Ratio       `json:"sales_cycle_days"`
	SalesVelocity         MoneyOrNull `json:"sales_velocity"`
	Spend                 model.Money `json:"spend"`
	CostPerLead           MoneyOrNull `json:"cost_per_lead"`
	CAC                   MoneyOrNull `json:"cac"`
	EmailOpenRate         Ratio       `json:"email_open_rate"`
	ChurnRate             Ratio       `json:"churn_rate"`
	OnboardingSuccessRate Ratio       `json:"onboarding_success_rate"`
}

// Stage is one open or won stage: the funnel and stage velocity.
type Stage struct {
	ID               string      `json:"id"`
	Name             string      `json:"name"`
	Reached          int         `json:"reached"`
	ReachedValue     model.Money `json:"reached_value"`
	ConversionToNext *Ratio      `json:"conversion_to_next,omitempty"` // nil for a won stage
	OpenCount        int         `json:"open_count"`
	OpenValue        model.Money `json:"open_value"`
	AvgDays          Ratio       `json:"avg_days"`
	MedianDays       Ratio       `json:"median_days"`
	Stuck            int         `json:"stuck"`

	// FromTop is the share of the funnel's first stage that reached this
	// one; it is for the site and is not part of the JSON.
	FromTop Ratio `json:"-"`

	Type          model.StageType `json:"-"`
	RotAfter      *int            `json:"-"`
	WeightedValue model.Money     `json:"-"` // Σ value × probability of its open deals
}

// Source is one lead source.
type Source struct {
	ID                 string      `json:"id"`
	Leads              int         `json:"leads"`
	WonDeals           int         `json:"won_deals"`
	WonValue           model.Money `json:"won_value"`
	LeadConversionRate Ratio       `json:"lead_conversion_rate"`
	Spend              model.Money `json:"spend"`
	CostPerLead        MoneyOrNull `json:"cost_per_lead"`
	CAC                MoneyOrNull `json:"cac"`
}

// Owner is one rep.
type Owner struct {
	ID            string      `json:"id"`
	Leads         int         `json:"leads"`
	OpenDeals     int         `json:"open_deals"`
	OpenValue     model.Money `json:"open_value"`
	WeightedValue model.Money `json:"weighted_value"`
	WonDeals      int         `json:"won_deals"`
	WonValue      model.Money `json:"won_value"`
	WinRate       Ratio       `json:"win_rate"`
	StuckDeals    int         `json:"stuck_deals"`

	Name string `json:"-"`
	Team string `json:"-"`
}

// Target is a revenue goal and how it stands.
type Target struct {
	Period     string      `json:"period"`
	Owner      *string     `json:"owner"`
	Revenue    model.Money `json:"revenue"`
	WonValue   model.Money `json:"won_value"`
	Attainment Ratio       `json:"attainment"`
	Forecast   model.Money `json:"forecast"`
	Coverage   Ratio       `json:"coverage"`
}

// Stuck is an open deal that has been in its stage longer than rot_after.
type Stuck struct {
	ID          string `json:"id"`
	Stage       string `json:"stage"`
	DaysInStage int    `json:"days_in_stage"`
	RotAfter    int    `json:"rot_after"`
}

// DaysOver is how many days the deal has been in its stage beyond
// rot_after: how late it is, the order of the stuck list.
func (s Stuck) DaysOver() int { return s.DaysInStage - s.RotAfter }

// Overdue is an open deal whose expected close is before the as-of date.
type Overdue struct {
	ID            string
	Stage         string
	ExpectedClose model.Date
	DaysOverdue   int
	Value         model.Money
}

// Ratio is a number that may be undefined (a ratio whose denominator is 0):
// JSON null, shown as "—".
type Ratio struct {
	V     float64
	Valid bool
}

func ratio(num, den float64) Ratio {
	if den == 0 {
		return Ratio{}
	}
	return Ratio{V: num / den, Valid: true}
}

// MarshalJSON writes the number, or null.
func (r Ratio) MarshalJSON() ([]byte, error) {
	if !r.Valid || math.IsNaN(r.V) || math.IsInf(r.V, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(r.V)
}

// MoneyOrNull is an amount that may be undefined.
type MoneyOrNull struct {
	V     model.Money
	Valid bool
}

// moneyRatio divides an amount in cents, rounding to the cent.
func moneyRatio(cents float64, den float64) MoneyOrNull {
	if den == 0 {
		return MoneyOrNull{}
	}
	return MoneyOrNull{V: model.Money(math.Round(cents / den)), Valid: true}
}

// MarshalJSON writes the amount, or null.
func (m MoneyOrNull) MarshalJSON() ([]byte, error) {
	if !m.Valid {
		return []byte("null"), nil
	}
	return m.V.MarshalJSON()
}

// String formats a ratio for tests and debugging.
func (r Ratio) String() string {
	if !r.Valid {
		return "null"
	}
	return strconv.FormatFloat(r.V, 'g', -1, 64)
}

func (m MoneyOrNull) String() string {
	if !m.Valid {
		return "null"
	}
	return m.V.String()
}
