package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

var metricsCommand = &command{
	name:    "metrics",
	args:    "[--as-of DATE | --from DATE --to DATE] [--funnel-days N] [--format table|json] [--dir DIR]",
	summary: "print the pipeline metrics",
	help: `
Metrics prints the numbers of the pipeline as of a day: the KPIs of the
current review window against the previous one, the funnel, stage velocity,
lead sources, owners, targets and stuck deals. The definitions are in
METRICS.md; --format json prints them in that exact shape.

The as-of date is --as-of, else --to, else as_of in pipeline.yaml, else
today. The window is the review period ending on it (review: in
pipeline.yaml), or --from to --to. A repository with errors is not
reported on: fix what pipegen check prints first.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		asOf := fs.String("as-of", "", "compute as of `DATE` (YYYY-MM-DD)")
		from := fs.String("from", "", "start the window on `DATE`")
		to := fs.String("to", "", "end the window on `DATE` (also the as-of date)")
		funnelDays := fs.Int("funnel-days", 0, "the funnel cohort: deals created in the last `N` days (default: funnel_days, or 365)")
		formatFlag := fs.String("format", "table", "output `format`: table or json")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: fmt.Sprintf("metrics takes no arguments, got %q", args[0]), hint: "pass the repository with --dir"}
			}
			if *formatFlag != "table" && *formatFlag != "json" {
				return &usageError{msg: fmt.Sprintf("unknown format %q", *formatFlag), hint: "use --format table or json"}
			}
			if *funnelDays < 0 {
				return &usageError{msg: "--funnel-days must be 1 or more"}
			}
			w, err := parseWindowFlags(*asOf, *from, *to)
			if err != nil {
				return err
			}
			repo, err := loadChecked(e, *dir, w.asOf)
			if err != nil {
				return err
			}
			opt := metrics.Options{AsOf: resolveAsOf(w.asOf, repo.Pipeline), From: w.from, FunnelDays: *funnelDays}
			if !w.from.IsZero() && w.from > opt.AsOf {
				return &usageError{msg: fmt.Sprintf("--from %s is after the as-of date %s", w.from, opt.AsOf)}
			}
			r := metrics.Compute(repo, opt)
			if *formatFlag == "json" {
				return writeJSON(e.stdout, r)
			}
			return writeMetricsTable(e.stdout, repo.Pipeline, r)
		}
	},
}

type windowFlags struct {
	asOf, from model.Date
}

func parseWindowFlags(asOf, from, to string) (windowFlags, error) {
	var w windowFlags
	a, err := parseDateFlag("as-of", asOf)
	if err != nil {
		return w, err
	}
	f, err := parseDateFlag("from", from)
	if err != nil {
		return w, err
	}
	t, err := parseDateFlag("to", to)
	if err != nil {
		return w, err
	}
	if !a.IsZero() && !t.IsZero() {
		return w, &usageError{msg: "give --as-of or --to, not both", hint: "--to is also the as-of date"}
	}
	if !f.IsZero() && !t.IsZero() && f > t {
		return w, &usageError{msg: fmt.Sprintf("--from %s is after --to %s", f, t)}
	}
	w.asOf = cmpOr(a, t)
	w.from = f
	return w, nil
}

// resolveAsOf returns the day to compute as of: the flag, else the
// pipeline's as_of, else today.
func resolveAsOf(flagAsOf model.Date, p *model.Pipeline) model.Date {
	return cmpOr(cmpOr(flagAsOf, p.AsOf), model.DateOf(time.Now()))
}

// loadChecked loads and checks the repository; when it has errors, it
// prints them on stderr as check does and returns errInput.
func loadChecked(e *env, dir string, asOf model.Date) (*model.Repo, error) {
	repo, diags, err := loadRepo(dir)
	if err != nil {
		return nil, err
	}
	diags = append(diags, check.Check(repo, check.Options{Today: model.DateOf(time.Now()), AsOf: cmpOr(asOf, repo.Pipeline.AsOf)})...)
	if !diag.HasErrors(diags) {
		return repo, nil
	}
	diag.Sort(diags)
	var errs []diag.Diagnostic
	for _, d := range diags {
		if d.Severity == diag.Error {
			errs = append(errs, d)
		}
	}
	color := useColor(isTerminal(e.stderr), e.getenv)
	diag.WriteText(e.stderr, errs, sourceReader(dir), diag.TextOptions{Color: color})
	fmt.Fprintf(e.stderr, "%s\npipegen: the repository has errors: fix them, then run this again\n", diag.Summary(errs, len(repo.Deals)))
	return nil, errInput
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func writeMetricsTable(w io.Writer, p *model.Pipeline, r *metrics.Report) error {
	cur := r.Currency
	fmt.Fprintf(w, "%s — as of %s\n", p.Name, r.AsOf)
	fmt.Fprintf(w, "Window %s … %s (%d days), compared with %s … %s\n\n", r.Window.From, r.Window.To, r.Window.Days(), r.PreviousWindow.From, r.PreviousWindow.To)

	kpis := table{header: []string{"KPI", "This window", "Previous", "Change"}, right: []bool{false, true, true, true}}
	prev := r.Previous.Fields()
	for i, f := range r.Current.Fields() {
		kpis.add(f.Label, fieldText(f, cur), fieldText(prev[i], cur), change(f, prev[i], cur))
	}
	kpis.write(w)

	fmt.Fprintf(w, "\nFunnel: deals created %s … %s\n", r.FunnelWindow.From, r.FunnelWindow.To)
	funnel := table{header: []string{"Stage", "Reached", "Value", "To next", "From top"}, right: []bool{false, true, true, true, true}}
	top := 0
	if len(r.Stages) > 0 {
		top = r.Stages[0].Reached
	}
	for _, s := range r.Stages {
		next := ""
		if s.ConversionToNext != nil {
			next = ratioText(*s.ConversionToNext)
		}
		fromTop := format.None
		if top > 0 {
			fromTop = format.Percent(float64(s.Reached) / float64(top))
		}
		funnel.add(s.Name, format.Int(s.Reached), format.Money(s.ReachedValue, cur), next, fromTop)
	}
	funnel.write(w)

	fmt.Fprintf(w, "\nOpen stages now, and stays that ended in the window\n")
	stages := table{header: []string{"Stage", "Open", "Open value", "Avg days", "Median days", "Rot after", "Stuck"}, right: []bool{false, true, true, true, true, true, true}}
	for _, s := range r.Stages {
		if s.Type != model.Open {
			continue
		}
		rot := format.None
		if s.RotAfter != nil {
			rot = format.Int(*s.RotAfter)
		}
		stages.add(s.Name, format.Int(s.OpenCount), format.Money(s.OpenValue, cur), daysText(s.AvgDays), daysText(s.MedianDays), rot, format.Int(s.Stuck))
	}
	stages.write(w)

	fmt.Fprintf(w, "\nLead sources\n")
	sources := table{header: []string{"Source", "Leads", "Won", "Won value", "Conversion", "Spend", "Cost per lead", "CAC"}, right: []bool{false, true, true, true, true, true, true, true}}
	for _, s := range r.Sources {
		sources.add(s.ID, format.Int(s.Leads), format.Int(s.WonDeals), format.Money(s.WonValue, cur), ratioText(s.LeadConversionRate),
			format.Money(s.Spend, cur), moneyText(s.CostPerLead, cur), moneyText(s.CAC, cur))
	}
	sources.write(w)

	fmt.Fprintf(w, "\nOwners\n")
	owners := table{header: []string{"Owner", "Leads", "Open", "Open value", "Weighted", "Won", "Won value", "Win rate", "Stuck"}, right: []bool{false, true, true, true, true, true, true, true, true}}
	for _, o := range r.Owners {
		owners.add(o.ID, format.Int(o.Leads), format.Int(o.OpenDeals), format.Money(o.OpenValue, cur), format.Money(o.WeightedValue, cur),
			format.Int(o.WonDeals), format.Money(o.WonValue, cur), ratioText(o.WinRate), format.Int(o.StuckDeals))
	}
	owners.write(w)

	if len(r.Targets) > 0 {
		fmt.Fprintf(w, "\nTargets\n")
		targets := table{header: []string{"Period", "Owner", "Target", "Won", "Attainment", "Forecast", "Coverage"}, right: []bool{false, false, true, true, true, true, true}}
		for _, t := range r.Targets {
			owner := "team"
			if t.Owner != nil {
				owner = *t.Owner
			}
			coverage := format.None
			if t.Coverage.Valid {
				coverage = fmt.Sprintf("%.1f×", t.Coverage.V)
			}
			targets.add(t.Period, owner, format.Money(t.Revenue, cur), format.Money(t.WonValue, cur), ratioText(t.Attainment), format.Money(t.Forecast, cur), coverage)
		}
		targets.write(w)
	}

	fmt.Fprintf(w, "\nStuck deals (%d)\n", len(r.Stuck))
	if len(r.Stuck) == 0 {
		fmt.Fprintln(w, "none")
	} else {
		stuck := table{header: []string{"Deal", "Stage", "Days in stage", "Rot after", "Over by"}, right: []bool{false, false, true, true, true}}
		for _, s := range r.Stuck {
			stuck.add(s.ID, s.Stage, format.Int(s.DaysInStage), format.Int(s.RotAfter), format.Int(s.DaysInStage-s.RotAfter))
		}
		stuck.write(w)
	}
	return nil
}

func ratioText(r metrics.Ratio) string {
	if !r.Valid {
		return format.None
	}
	return format.Percent(r.V)
}

func moneyText(m metrics.MoneyOrNull, currency string) string {
	if !m.Valid {
		return format.None
	}
	return format.Money(m.V, currency)
}

func daysText(r metrics.Ratio) string {
	if !r.Valid {
		return format.None
	}
	return format.Days(r.V)
}

// fieldText writes a KPI's value.
func fieldText(f metrics.Field, currency string) string {
	if !f.Valid {
		return format.None
	}
	switch f.Kind {
	case metrics.Amount:
		return format.Money(model.Money(f.Value), currency)
	case metrics.AmountPerDay:
		return format.Money(model.Money(f.Value), currency) + "/day"
	case metrics.Rate:
		return format.Percent(f.Value)
	case metrics.Days:
		return format.Days(f.Value) + " days"
	}
	return format.Int(int(f.Value))
}

// change writes how a KPI moved from the previous window: "▲ 2",
// "▼ $1,200", "▲ 3.5 pts"; "—" when either side is undefined.
func change(cur, prev metrics.Field, currency string) string {
	if !cur.Valid || !prev.Valid {
		return format.None
	}
	d := cur.Value - prev.Value
	var mag string
	switch cur.Kind {
	case metrics.Amount:
		d = math.Round(d)
		mag = format.Money(model.Money(math.Abs(d)), currency)
	case metrics.AmountPerDay:
		d = math.Round(d)
		mag = format.Money(model.Money(math.Abs(d)), currency) + "/day"
	case metrics.Rate:
		d = math.Round(d*1000) / 1000
		mag = strings.TrimSuffix(format.Percent(math.Abs(d)), "%") + " pts"
	case metrics.Days:
		d = math.Round(d*10) / 10
		mag = format.Days(math.Abs(d)) + " days"
	default:
		mag = format.Int(int(math.Abs(d)))
	}
	switch {
	case d > 0:
		return "▲ " + mag
	case d < 0:
		return "▼ " + mag
	}
	return "="
}
