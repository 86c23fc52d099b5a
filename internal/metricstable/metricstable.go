// Package metricstable writes the metrics report as tables for the
// terminal: what `pipegen metrics` prints. The numbers come from the
// report and are written by the format package, as on the dashboard.
package metricstable

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/term"
)

// Write writes the report of the pipeline called name.
func Write(w io.Writer, name string, r *metrics.Report) error {
	cur := r.Currency
	l := labelsOf(r)
	fmt.Fprintf(w, "%s — as of %s (%s)\n", term.Clean(name), r.AsOf, r.Timezone)
	fmt.Fprintf(w, "Previous values are the same figures as of %s, the end of the previous review.\n", r.PreviousWindow.To)

	prev := r.Previous.Fields()
	var kpis *format.Table
	section := metrics.Section(-1)
	for i, f := range r.Current.Fields() {
		if f.Section != section {
			if kpis != nil {
				kpis.Write(w)
			}
			section = f.Section
			fmt.Fprintf(w, "\n%s\n", format.Section(section, r))
			kpis = &format.Table{Header: []string{"KPI", "Value", "Based on", "Previous", "Change"}, Right: []bool{false, true, true, true, true}}
		}
		kpis.Add(f.Label, format.Field(f, cur), format.Basis(f), format.Field(prev[i], cur), change(f, prev[i], cur))
	}
	kpis.Write(w)

	movement(w, r)

	fmt.Fprintf(w, "\nFunnel: deals created %s … %s\n", r.FunnelWindow.From, r.FunnelWindow.To)
	funnel := format.Table{Header: []string{"Stage", "Reached", "Value", "To next", "Decided to next", "From top"}, Right: []bool{false, true, true, true, true, true}}
	for _, s := range r.Stages {
		next, decided := "", ""
		if s.Type != model.Won {
			next, decided = format.Rate(s.ConversionToNext), format.Rate(s.DecidedConversionToNext)
		}
		funnel.Add(s.Name, format.Int(s.Reached), format.Money(s.ReachedValue, cur), next, decided, format.Rate(s.FromTop))
	}
	funnel.Write(w)

	fmt.Fprintf(w, "\nOpen stages now, and stays that ended %s … %s\n", r.RateWindow.From, r.RateWindow.To)
	stages := format.Table{Header: []string{"Stage", "Open", "Open value", "Stays", "Avg days", "Median days", "Rot after", "Stuck"}, Right: []bool{false, true, true, true, true, true, true, true}}
	for _, s := range r.Stages {
		if s.Type != model.Open {
			continue
		}
		rot := format.None
		if s.RotAfter != nil {
			rot = format.Int(*s.RotAfter)
		}
		stages.Add(s.Name, format.Int(s.OpenCount), format.Money(s.OpenValue, cur), format.Int(s.Stays), format.DaysOrNone(s.AvgDays), format.DaysOrNone(s.MedianDays), rot, format.Int(s.Stuck))
	}
	stages.Write(w)

	fmt.Fprintf(w, "\nLead sources: deals created %s … %s\n", r.FunnelWindow.From, r.FunnelWindow.To)
	sources := format.Table{Header: []string{"Source", "Leads", "Won", "Won value", "Conversion", "Spend", "Cost per lead", "CAC"}, Right: []bool{false, true, true, true, true, true, true, true}}
	for _, s := range r.Sources {
		sources.Add(s.ID, format.Int(s.Leads), format.Int(s.WonDeals), format.Money(s.WonValue, cur), format.Rate(s.LeadConversionRate),
			format.Money(s.Spend, cur), format.MoneyOrNone(s.CostPerLead, cur), format.MoneyOrNone(s.CAC, cur))
	}
	sources.Write(w)

	groups(w, "Owners", r.Owners, r)
	if len(r.Teams) > 0 {
		groups(w, "Teams", r.Teams, r)
	}
	fields(w, r)

	if len(r.Targets) > 0 {
		fmt.Fprintf(w, "\nTargets (forecasts leave out overdue deals)\n")
		targets := format.Table{
			Header: []string{"Period", "For", "Status", "Target", "Won", "Attainment", "Commit", "Best case", "Pipeline", "Forecast", "Coverage", "Overdue"},
			Right:  []bool{false, false, false, true, true, true, true, true, true, true, true, true},
		}
		for _, t := range r.Targets {
			targets.Add(t.Period, l.who(t), t.Status, format.Money(t.Revenue, cur), format.Money(t.WonValue, cur), format.Rate(t.Attainment),
				format.Money(t.Commit, cur), format.Money(t.BestCase, cur), format.Money(t.Pipeline, cur), format.Money(t.Forecast, cur),
				format.Times(t.Coverage), format.Money(t.OverdueValue, cur))
		}
		targets.Write(w)
	}

	fmt.Fprintf(w, "\nStuck deals (%d)\n", len(r.Stuck))
	if len(r.Stuck) == 0 {
		fmt.Fprintln(w, "none")
	} else {
		stuck := format.Table{Header: []string{"Deal", "Stage", "Days in stage", "Rot after", "Over by"}, Right: []bool{false, false, true, true, true}}
		for _, s := range r.Stuck {
			stuck.Add(s.ID, l.stage(s.Stage), format.Int(s.DaysInStage), format.Int(s.RotAfter), format.Int(s.DaysOver()))
		}
		stuck.Write(w)
	}

	fmt.Fprintf(w, "\nOpen deals with no next step (%d), next step overdue (%d)\n", len(r.NoNextStep), len(r.OverdueNextStep))
	if len(r.NoNextStep)+len(r.OverdueNextStep) == 0 {
		_, err := fmt.Fprintln(w, "none")
		return err
	}
	steps := format.Table{Header: []string{"Deal", "Owner", "Stage", "Next step", "Due", "Days overdue"}, Right: []bool{false, false, false, false, true, true}}
	for _, s := range r.NoNextStep {
		steps.Add(s.ID, l.owner(s.Owner), l.stage(s.Stage), format.None, dateOrNone(s.Date), "")
	}
	for _, s := range r.OverdueNextStep {
		steps.Add(s.ID, l.owner(s.Owner), l.stage(s.Stage), s.Step, s.Date.String(), format.Int(s.DaysOverdue))
	}
	steps.Write(w)
	return nil
}

// movement writes how the open pipeline went from the last review to now,
// and the deals whose close date moved.
func movement(w io.Writer, r *metrics.Report) {
	m := r.Movement
	if m == nil {
		return
	}
	fmt.Fprintf(w, "\nMovement since the last review (%s)", r.PreviousWindow.To)
	if r.History != metrics.HistoryGit {
		fmt.Fprint(w, ": no usable git history, so the start values are today's")
	}
	fmt.Fprintln(w)
	t := format.Table{Header: []string{"Step", "Deals", "Value"}, Right: []bool{false, true, true}}
	row := func(name string, f *metrics.Flow) {
		if f == nil {
			t.Add(name, format.None, format.None)
			return
		}
		t.Add(name, format.Int(f.Deals), format.Money(f.Value, r.Currency))
	}
	row("Open at the last review", &m.Start)
	row("Added", &m.Added)
	row("Increased", m.Increased)
	row("Decreased", m.Decreased)
	row("Won", &m.Won)
	row("Lost", &m.Lost)
	row("Open now", &m.End)
	row("Close date pushed", m.PushedOut)
	row("Close date pulled in", m.PulledIn)
	t.Write(w)
	if len(r.Pushed) > 0 {
		pushed := format.Table{Header: []string{"Pushed deal", "Was", "Now", "Pushes"}, Right: []bool{false, false, false, true}}
		for _, p := range r.Pushed {
			pushed.Add(p.ID, p.From.String(), p.To.String(), format.Int(p.PushCount))
		}
		fmt.Fprintln(w)
		pushed.Write(w)
	}
}

// groups writes the rows of the owners or of the teams.
func groups(w io.Writer, title string, rows []metrics.Group, r *metrics.Report) {
	cur := r.Currency
	fmt.Fprintf(w, "\n%s: open deals now; leads, won and lost this review; win rate and cycle over the last %s\n", title, format.Count(r.RateWindow.Days(), "day", "days"))
	t := format.Table{
		Header: []string{title[:len(title)-1], "Open", "Open value", "Weighted", "Overdue", "No next step", "Step overdue", "Leads", "Won", "Won value", "Lost", "Win rate", "Closed", "Cycle (median)"},
		Right:  []bool{false, true, true, true, true, true, true, true, true, true, true, true, true, true},
	}
	for _, g := range rows {
		t.Add(cmp.Or(g.Name, g.ID), format.Int(g.OpenDeals), format.Money(g.OpenValue, cur), format.Money(g.WeightedValue, cur), format.Int(g.OverdueDeals),
			format.Int(g.NoNextStep), format.Int(g.OverdueNextStep), format.Int(g.Leads), format.Int(g.WonDeals), format.Money(g.WonValue, cur),
			format.Int(g.LostDeals), format.Rate(g.WinRate), format.Int(g.ClosedDeals), format.DaysOrNone(g.SalesCycleDays))
	}
	t.Write(w)
}

// fields writes the breakdown by each enumerated field, by field id.
func fields(w io.Writer, r *metrics.Report) {
	cur := r.Currency
	for _, id := range slices.Sorted(maps.Keys(r.Fields)) {
		fmt.Fprintf(w, "\nBy %s: open deals now; won and lost this review; win rate and average deal over the last %s\n", id, format.Count(r.RateWindow.Days(), "day", "days"))
		t := format.Table{
			Header: []string{id, "Open", "Open value", "Weighted", "Won", "Won value", "Lost", "Win rate", "Closed", "Avg deal"},
			Right:  []bool{false, true, true, true, true, true, true, true, true, true},
		}
		for _, v := range r.Fields[id] {
			t.Add(v.Value, format.Int(v.OpenDeals), format.Money(v.OpenValue, cur), format.Money(v.WeightedValue, cur), format.Int(v.WonDeals),
				format.Money(v.WonValue, cur), format.Int(v.LostDeals), format.Rate(v.WinRate), format.Int(v.ClosedDeals), format.MoneyOrNone(v.AvgDealSize, cur))
		}
		t.Write(w)
	}
}

// labels are the names people know stages and owners by, which the
// tables show in place of the ids that files use; an id without a name
// stands for itself.
type labels struct {
	stages, owners map[string]string
}

func labelsOf(r *metrics.Report) labels {
	l := labels{stages: map[string]string{}, owners: map[string]string{}}
	for _, s := range r.Stages {
		l.stages[s.ID] = s.Name
	}
	for _, g := range r.Owners {
		l.owners[g.ID] = g.Name
	}
	return l
}

func (l labels) stage(id string) string { return cmp.Or(l.stages[id], id) }
func (l labels) owner(id string) string { return cmp.Or(l.owners[id], id) }

// who writes whom a target is for: an owner, a team, or "all".
func (l labels) who(t metrics.Target) string {
	switch {
	case t.Owner != nil:
		return l.owner(*t.Owner)
	case t.Team != nil:
		return "team " + *t.Team
	}
	return "all"
}

func dateOrNone(d model.Date) string {
	if d.IsZero() {
		return format.None
	}
	return d.String()
}

// change writes how a KPI moved from the previous value: "▲ 2",
// "▼ $1,200", "▲ 3.5 pts"; "=" when it did not move, "—" when either side
// is undefined.
func change(cur, prev metrics.Field, currency string) string {
	d, ok := format.Change(cur, prev, currency)
	switch {
	case !ok:
		return format.None
	case d.Sign == 0:
		return "="
	}
	return d.Text
}
