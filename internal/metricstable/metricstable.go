// Package metricstable writes the metrics report as tables for the
// terminal: what `pipegen metrics` prints. The numbers come from the
// report and are written by the format package, as on the dashboard.
package metricstable

import (
	"fmt"
	"io"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/term"
)

// Write writes the report of the pipeline called name.
func Write(w io.Writer, name string, r *metrics.Report) error {
	cur := r.Currency
	fmt.Fprintf(w, "%s — as of %s\n", term.Clean(name), r.AsOf)
	fmt.Fprintf(w, "Window %s … %s (%d days), compared with %s … %s\n\n", r.Window.From, r.Window.To, r.Window.Days(), r.PreviousWindow.From, r.PreviousWindow.To)

	kpis := format.Table{Header: []string{"KPI", "This window", "Previous", "Change"}, Right: []bool{false, true, true, true}}
	prev := r.Previous.Fields()
	for i, f := range r.Current.Fields() {
		kpis.Add(f.Label, format.Field(f, cur, format.Full), format.Field(prev[i], cur, format.Full), change(f, prev[i], cur))
	}
	kpis.Write(w)

	fmt.Fprintf(w, "\nFunnel: deals created %s … %s\n", r.FunnelWindow.From, r.FunnelWindow.To)
	funnel := format.Table{Header: []string{"Stage", "Reached", "Value", "To next", "From top"}, Right: []bool{false, true, true, true, true}}
	for _, s := range r.Stages {
		next := ""
		if s.ConversionToNext != nil {
			next = format.Rate(*s.ConversionToNext)
		}
		funnel.Add(s.Name, format.Int(s.Reached), format.Money(s.ReachedValue, cur), next, format.Rate(s.FromTop))
	}
	funnel.Write(w)

	fmt.Fprintf(w, "\nOpen stages now, and stays that ended in the window\n")
	stages := format.Table{Header: []string{"Stage", "Open", "Open value", "Avg days", "Median days", "Rot after", "Stuck"}, Right: []bool{false, true, true, true, true, true, true}}
	for _, s := range r.Stages {
		if s.Type != model.Open {
			continue
		}
		rot := format.None
		if s.RotAfter != nil {
			rot = format.Int(*s.RotAfter)
		}
		stages.Add(s.Name, format.Int(s.OpenCount), format.Money(s.OpenValue, cur), format.DaysOrNone(s.AvgDays), format.DaysOrNone(s.MedianDays), rot, format.Int(s.Stuck))
	}
	stages.Write(w)

	fmt.Fprintf(w, "\nLead sources\n")
	sources := format.Table{Header: []string{"Source", "Leads", "Won", "Won value", "Conversion", "Spend", "Cost per lead", "CAC"}, Right: []bool{false, true, true, true, true, true, true, true}}
	for _, s := range r.Sources {
		sources.Add(s.ID, format.Int(s.Leads), format.Int(s.WonDeals), format.Money(s.WonValue, cur), format.Rate(s.LeadConversionRate),
			format.Money(s.Spend, cur), format.MoneyOrNone(s.CostPerLead, cur), format.MoneyOrNone(s.CAC, cur))
	}
	sources.Write(w)

	fmt.Fprintf(w, "\nOwners\n")
	owners := format.Table{Header: []string{"Owner", "Leads", "Open", "Open value", "Weighted", "Won", "Won value", "Win rate", "Stuck"}, Right: []bool{false, true, true, true, true, true, true, true, true}}
	for _, o := range r.Owners {
		owners.Add(o.ID, format.Int(o.Leads), format.Int(o.OpenDeals), format.Money(o.OpenValue, cur), format.Money(o.WeightedValue, cur),
			format.Int(o.WonDeals), format.Money(o.WonValue, cur), format.Rate(o.WinRate), format.Int(o.StuckDeals))
	}
	owners.Write(w)

	if len(r.Targets) > 0 {
		fmt.Fprintf(w, "\nTargets\n")
		targets := format.Table{Header: []string{"Period", "Owner", "Target", "Won", "Attainment", "Forecast", "Coverage"}, Right: []bool{false, false, true, true, true, true, true}}
		for _, t := range r.Targets {
			owner := "team"
			if t.Owner != nil {
				owner = *t.Owner
			}
			targets.Add(t.Period, owner, format.Money(t.Revenue, cur), format.Money(t.WonValue, cur), format.Rate(t.Attainment), format.Money(t.Forecast, cur), format.Times(t.Coverage))
		}
		targets.Write(w)
	}

	fmt.Fprintf(w, "\nStuck deals (%d)\n", len(r.Stuck))
	if len(r.Stuck) == 0 {
		_, err := fmt.Fprintln(w, "none")
		return err
	}
	stuck := format.Table{Header: []string{"Deal", "Stage", "Days in stage", "Rot after", "Over by"}, Right: []bool{false, false, true, true, true}}
	for _, s := range r.Stuck {
		stuck.Add(s.ID, s.Stage, format.Int(s.DaysInStage), format.Int(s.RotAfter), format.Int(s.DaysOver()))
	}
	stuck.Write(w)
	return nil
}

// change writes how a KPI moved from the previous window: "▲ 2",
// "▼ $1,200", "▲ 3.5 pts"; "=" when it did not move, "—" when either side
// is undefined.
func change(cur, prev metrics.Field, currency string) string {
	d, ok := format.Change(cur, prev, currency, format.Full)
	switch {
	case !ok:
		return format.None
	case d.Sign == 0:
		return "="
	}
	return d.Text
}
