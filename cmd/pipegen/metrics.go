package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"

	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/metricstable"
	"github.com/pipegen/pipegen/internal/model"
)

var metricsCommand = &command{
	name:    "metrics",
	args:    "[--as-of DATE | --from DATE --to DATE] [--funnel-days N] [--rate-days N] [--format table|json] [--dir DIR]",
	summary: "print the pipeline metrics",
	help: `
Metrics prints the numbers of the pipeline as of a day, grouped by window:
the open pipeline now; what happened this review (deals created, won, lost);
rates over the last 90 days (win rate, deal size, cycle, CAC…), each with
the count it rests on; then the funnel, time in stage, lead sources, owners,
teams, targets with their forecast, stuck deals and next steps. Every
previous value is the same figure as of the day before the review window.
docs/metrics.md defines every number; --format json prints them all.

The as-of date is --as-of, else --to, else as_of in pipeline.yaml, else
today in the pipeline's timezone. The review window is the review period
ending on it (review: in pipeline.yaml), or --from to --to. The rates use
the last rate_days days (default 90), or --rate-days. A repository with
errors is not reported on: fix what pipegen check prints first.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		asOf := fs.String("as-of", "", "compute as of `DATE` (YYYY-MM-DD)")
		from := fs.String("from", "", "start the window on `DATE`")
		to := fs.String("to", "", "end the window on `DATE` (also the as-of date)")
		funnelDays := fs.Int("funnel-days", 0, "the funnel cohort: deals created in the last `N` days (default: funnel_days, or 365)")
		rateDays := fs.Int("rate-days", 0, "compute the rates over the last `N` days (default: rate_days, or 90)")
		formatFlag := fs.String("format", "table", "output `FORMAT`: table or json")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: fmt.Sprintf("metrics takes no arguments, got %q", args[0]), hint: "pass the repository with --dir"}
			}
			if *formatFlag != "table" && *formatFlag != "json" {
				return &usageError{msg: fmt.Sprintf("unknown format %q", *formatFlag), hint: "use --format table or json"}
			}
			for _, f := range []struct {
				name string
				n    int
			}{{"funnel-days", *funnelDays}, {"rate-days", *rateDays}} {
				if set(fs, f.name) && (f.n < 1 || f.n > model.MaxDays) {
					return &usageError{msg: fmt.Sprintf("--%s must be from 1 to %d, got %d", f.name, model.MaxDays, f.n)}
				}
			}
			w, err := parseWindowFlags(*asOf, *from, *to)
			if err != nil {
				return err
			}
			proj, err := loadChecked(e, *dir, w.asOf)
			if err != nil {
				return err
			}
			opt := metrics.Options{AsOf: proj.AsOf, From: w.from, FunnelDays: *funnelDays, RateDays: *rateDays}
			if !w.from.IsZero() && w.from > opt.AsOf {
				return &usageError{msg: fmt.Sprintf("--from %s is after the as-of date %s", w.from, opt.AsOf)}
			}
			_, opt.Past = lastReview(ctx, e, *dir, proj, opt)
			r := metrics.Compute(proj.Repo, opt)
			if *formatFlag == "json" {
				return r.WriteJSON(e.stdout)
			}
			return metricstable.Write(e.stdout, proj.Repo.Pipeline.Name, r)
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
	w.asOf = cmp.Or(a, t)
	w.from = f
	return w, nil
}

// set reports whether the flag called name was given on the command line.
func set(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}
