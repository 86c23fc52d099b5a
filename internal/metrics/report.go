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
	AsOf         model.Date `json:"as_of"`
	Currency     string     `json:"currency"`
	Timezone     string     `json:"timezone"`
	Window       Window     `json:"window"`
	RateWindow   Window     `json:"rate_window"`
	FunnelWindow Window     `json:"funnel_window"`
	// History says where the start of the movement comes from: "git", or
	// "files" when there is no usable history (the start is the end).
	History  string    `json:"history"`
	Current  KPIs      `json:"current"`
	Previous KPIs      `json:"previous"`
	Movement *Movement `json:"movement"`
	Stages   []Stage   `json:"stages"`
	Sources  []Source  `json:"sources"`
	Owners   []Group   `json:"owners"`
	Teams    []Group   `json:"teams"`
	Targets  []Target  `json:"targets"`
	Stuck    []Stuck   `json:"stuck"`
	Pushed   []Pushed  `json:"pushed"`
	// Fields breaks the deals down by each enumerated field of
	// pipeline.yaml, by field id: a row per declared value, in the order
	// declared, then NoSource for the deals that do not set the field.
	Fields map[string][]FieldValue `json:"fields"`

	// PreviousWindow is the review window before this one, ending on
	// F − 1: the day every previous value is computed as of.
	PreviousWindow Window `json:"-"`
	// Overdue lists the open deals past their expected close, most overdue
	// first; NoNextStep the open deals without a next step, by id;
	// OverdueNextStep those whose next step is past due, most overdue
	// first. They are for the site and are not part of the JSON.
	Overdue         []Overdue  `json:"-"`
	NoNextStep      []NextStep `json:"-"`
	OverdueNextStep []NextStep `json:"-"`
	// PreviousTargets are the targets as they stood as of F − 1, for the
	// forecast against the last review; MovementByOwner splits the movement
	// by the deals' owners now. Both are for the site.
	PreviousTargets []Target        `json:"-"`
	MovementByOwner []OwnerMovement `json:"-"`
	// PulledIn lists the open deals whose expected close is earlier now
	// than at the last review, largest first, like Pushed.
	PulledIn []Pushed `json:"-"`
}

// OwnerMovement is the movement of one owner's deals.
type OwnerMovement struct {
	Owner string
	Movement
}

// History sources of the movement.
const (
	HistoryGit   = "git"
	HistoryFiles = "files"
)

// Movement is the open pipeline at the start (as of F − 1) and at the end
// of the review window (as of T) and the flows between them: start + added
// + increased − decreased − won − lost = end in value, and start + added −
// won − lost = end in deals. Without git history the start values are the
// current ones, and increased, decreased, pushed and pulled in are
// unknown (nil: JSON null).
type Movement struct {
	Start     Flow  `json:"start"`
	Added     Flow  `json:"added"`
	Increased *Flow `json:"increased"`
	Decreased *Flow `json:"decreased"`
	Won       Flow  `json:"won"`
	Lost      Flow  `json:"lost"`
	End       Flow  `json:"end"`
	PushedOut *Flow `json:"pushed"`
	PulledIn  *Flow `json:"pulled_in"`
}

// Flow is a number of deals and their value.
type Flow struct {
	Deals int         `json:"deals"`
	Value model.Money `json:"value"`
}

// Pushed is an open deal whose expected close is later now than at the
// last review.
type Pushed struct {
	ID        string      `json:"id"`
	From      model.Date  `json:"from"`
	To        model.Date  `json:"to"`
	PushCount int         `json:"push_count"`
	Value     model.Money `json:"-"`
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

// KPIs are the headline numbers as of one day: the snapshot, the activity
// of the review window and the rates of the rate window, each rate beside
// the count it rests on.
type KPIs struct {
	// Snapshot, as of T.
	OpenDeals       int         `json:"open_deals"`
	OpenValue       model.Money `json:"open_value"`
	WeightedValue   model.Money `json:"weighted_value"`
	StuckDeals      int         `json:"stuck_deals"`
	OverdueDeals    int         `json:"overdue_deals"`
	OverdueValue    model.Money `json:"overdue_value"`
	NoNextStep      int         `json:"no_next_step"`
	OverdueNextStep int         `json:"overdue_next_step"`

	// Activity, in the review window.
	Leads         int         `json:"leads"`
	NewValue      model.Money `json:"new_value"`
	WonDeals      int         `json:"won_deals"`
	WonValue      model.Money `json:"won_value"`
	LostDeals     int         `json:"lost_deals"`
	LostValue     model.Money `json:"lost_value"`
	Spend         model.Money `json:"spend"`
	BackwardMoves int         `json:"backward_moves"`

	// Rates, over the rate window.
	WinRate               Ratio       `json:"win_rate"`
	WinRateByValue        Ratio       `json:"win_rate_by_value"`
	ClosedDeals           int         `json:"closed_deals"`
	AvgDealSize           MoneyOrNull `json:"avg_deal_size"`
	SalesCycleDays        Ratio       `json:"sales_cycle_days"`
	SalesCycleMeanDays    Ratio       `json:"sales_cycle_mean_days"`
	WonDealsRated         int         `json:"won_deals_rated"`
	SalesVelocity         MoneyOrNull `json:"sales_velocity"`
	CostPerLead           MoneyOrNull `json:"cost_per_lead"`
	LeadsRated            int         `json:"leads_rated"`
	CAC                   MoneyOrNull `json:"cac"`
	EmailOpenRate         Ratio       `json:"email_open_rate"`
	EmailsSent            int         `json:"emails_sent"`
	ChurnRate             Ratio       `json:"churn_rate"`
	RevenueChurnRate      Ratio       `json:"revenue_churn_rate"`
	CustomersAtStart      int         `json:"customers_at_start"`
	OnboardingSuccessRate Ratio       `json:"onboarding_success_rate"`
	OnboardingsEnded      int         `json:"onboardings_ended"`

	// Over the funnel cohort.
	QualificationRate  Ratio `json:"qualification_rate"`
	LeadConversionRate Ratio `json:"lead_conversion_rate"`
	// CohortDeals is the number of deals of the funnel cohort, the count
	// the two rates above rest on; it is for display and not in the JSON.
	CohortDeals int `json:"-"`
}

// Stage is one open or won stage: the funnel and the time spent in it.
type Stage struct {
	ID                      string      `json:"id"`
	Name                    string      `json:"name"`
	Reached                 int         `json:"reached"`
	ReachedValue            model.Money `json:"reached_value"`
	ConversionToNext        Ratio       `json:"conversion_to_next"`         // null for a won stage
	DecidedConversionToNext Ratio       `json:"decided_conversion_to_next"` // null for a won stage
	OpenCount               int         `json:"open_count"`
	OpenValue               model.Money `json:"open_value"`
	AvgDays                 Ratio       `json:"avg_days"`
	MedianDays              Ratio       `json:"median_days"`
	Stays                   int         `json:"stays"`
	Stuck                   int         `json:"stuck"`

	// FromTop is the share of the funnel's first stage that reached this
	// one; it is for the site and is not part of the JSON.
	FromTop Ratio `json:"-"`

	Type          model.StageType `json:"-"`
	RotAfter      *int            `json:"-"`
	WeightedValue model.Money     `json:"-"` // Σ value × probability of its open deals
}

// Source is one lead source, over the funnel cohort.
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

// FieldValue is the deals that have one value of an enumerated field:
// the keys of an owner's row that a breakdown reads, with the same
// meaning — the snapshot as of T, won in the review window, rates over
// the rate window.
type FieldValue struct {
	Value         string      `json:"value"`
	OpenDeals     int         `json:"open_deals"`
	OpenValue     model.Money `json:"open_value"`
	WeightedValue model.Money `json:"weighted_value"`
	WonDeals      int         `json:"won_deals"`
	WonValue      model.Money `json:"won_value"`
	LostDeals     int         `json:"lost_deals"`
	WinRate       Ratio       `json:"win_rate"`
	ClosedDeals   int         `json:"closed_deals"`
	AvgDealSize   MoneyOrNull `json:"avg_deal_size"`
	WonDealsRated int         `json:"won_deals_rated"`
}

// Group is one owner or one team: the snapshot, the activity of the review
// window (without spend, which has no owner) and the rates of the rate
// window, over the group's deals.
type Group struct {
	ID     string   `json:"id"`
	Name   string   `json:"name,omitempty"`   // an owner's name
	Team   string   `json:"team,omitempty"`   // an owner's team
	Owners []string `json:"owners,omitempty"` // a team's owners

	OpenDeals       int         `json:"open_deals"`
	OpenValue       model.Money `json:"open_value"`
	WeightedValue   model.Money `json:"weighted_value"`
	StuckDeals      int         `json:"stuck_deals"`
	OverdueDeals    int         `json:"overdue_deals"`
	OverdueValue    model.Money `json:"overdue_value"`
	NoNextStep      int         `json:"no_next_step"`
	OverdueNextStep int         `json:"overdue_next_step"`

	Leads         int         `json:"leads"`
	NewValue      model.Money `json:"new_value"`
	WonDeals      int         `json:"won_deals"`
	WonValue      model.Money `json:"won_value"`
	LostDeals     int         `json:"lost_deals"`
	LostValue     model.Money `json:"lost_value"`
	BackwardMoves int         `json:"backward_moves"`

	WinRate        Ratio       `json:"win_rate"`
	ClosedDeals    int         `json:"closed_deals"`
	AvgDealSize    MoneyOrNull `json:"avg_deal_size"`
	SalesCycleDays Ratio       `json:"sales_cycle_days"`
	WonDealsRated  int         `json:"won_deals_rated"`
}

// MarshalJSON writes an owner as METRICS.md shows one — id, name and team,
// null when pipeline.yaml gives none — and a team (a group with owners)
// with its id and owners; then the numbers.
func (g Group) MarshalJSON() ([]byte, error) {
	type numbers Group // the fields without this method
	orNull := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	if g.Owners != nil {
		return json.Marshal(struct {
			ID     string   `json:"id"`
			Owners []string `json:"owners"`
			numbers
		}{g.ID, g.Owners, numbers(g)})
	}
	return json.Marshal(struct {
		ID   string  `json:"id"`
		Name *string `json:"name"`
		Team *string `json:"team"`
		numbers
	}{g.ID, orNull(g.Name), orNull(g.Team), numbers(g)})
}

// Target statuses.
const (
	Past    = "past"
	Current = "current"
	Future  = "future"
)

// Target is a revenue goal and how it stands.
type Target struct {
	Period       string      `json:"period"`
	Owner        *string     `json:"owner"`
	Team         *string     `json:"team"`
	Status       string      `json:"status"`
	Revenue      model.Money `json:"revenue"`
	WonValue     model.Money `json:"won_value"`
	Attainment   Ratio       `json:"attainment"`
	Commit       model.Money `json:"commit"`
	BestCase     model.Money `json:"best_case"`
	Pipeline     model.Money `json:"pipeline"`
	Forecast     model.Money `json:"forecast"`
	Coverage     Ratio       `json:"coverage"`
	OverdueValue model.Money `json:"overdue_value"`
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

// NextStep is an open deal that lacks a next step, or whose next step is
// overdue.
type NextStep struct {
	ID, Owner, Stage string
	Step             string
	Date             model.Date // zero when the deal has no date for it
	DaysOverdue      int
	Value            model.Money
}

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
