// Package project is the one path from a pipeline repository to a checked
// model: load the files, check them, keep every diagnostic, and settle the
// day the numbers are computed as of. Every command and the preview server
// go through it, so that they agree on what is an error and on what day it
// is.
package project

import (
	"slices"
	"time"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/parallel"
)

// Options say how to load and check a repository.
type Options struct {
	// AsOf is the day asked for (--as-of); zero means as_of in
	// pipeline.yaml, else today.
	AsOf model.Date
	// Now is the moment that decides today's date; zero means the clock.
	Now time.Time
	// Loader reads the files, with its limits.
	Loader load.Loader
}

// today returns the date today in the pipeline's time zone (timezone in
// pipeline.yaml, else UTC), and the latest date it is anywhere on Earth
// (UTC+14): a move dated today by a rep in New Zealand is not in the
// future to a check that runs in UTC.
func (o Options) today(p *model.Pipeline) (today, latest model.Date) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	return model.DateOf(now.In(p.Zone())), model.DateOf(now.In(easternmost))
}

// easternmost is the time zone where a day starts first (Kiribati).
var easternmost = time.FixedZone("UTC+14", 14*60*60)

// Project is a loaded and checked pipeline repository.
type Project struct {
	Repo *model.Repo
	// Diagnostics are the loader's and the rules' problems, sorted by file
	// and line.
	Diagnostics []diag.Diagnostic
	// AsOf is the day the numbers are computed as of: the option, else
	// as_of in pipeline.yaml, else today.
	AsOf model.Date
}

// Load reads and checks the repository in dir. The error is for a folder
// that cannot be read at all; problems in its files are diagnostics.
func Load(dir string, opt Options) (*Project, error) {
	repo, diags, err := opt.Loader.Load(dir)
	if err != nil {
		return nil, err
	}
	return Check(repo, diags, opt), nil
}

// Check checks a repository that is already loaded (diags are the loader's
// problems), as Load does: the preview server keeps parsed files between
// rebuilds and checks the whole repository after each.
func Check(repo *model.Repo, diags []diag.Diagnostic, opt Options) *Project {
	pinned := opt.AsOf
	if pinned.IsZero() {
		pinned = repo.Pipeline.AsOf
	}
	today, latest := opt.today(repo.Pipeline)
	asOf := pinned
	if asOf.IsZero() {
		asOf = today
	}
	all := append(diags[:len(diags):len(diags)], check.Check(repo, check.Options{Today: latest, AsOf: pinned, Day: asOf})...)
	diag.Sort(all)
	return &Project{Repo: repo, Diagnostics: all, AsOf: asOf}
}

// Errors returns the diagnostics that are errors, in order.
func (p *Project) Errors() []diag.Diagnostic {
	return slices.DeleteFunc(slices.Clone(p.Diagnostics), func(d diag.Diagnostic) bool { return d.Severity != diag.Error })
}

// HasErrors reports whether any diagnostic is an error: the repository is
// then not reported on.
func (p *Project) HasErrors() bool { return diag.HasErrors(p.Diagnostics) }

// CheckDeal checks the text of one deal file (rel is its slash path in the
// repository) against a pipeline, as it would be checked in the
// repository, and returns its errors. new and move call it on a file before
// they write it.
func CheckDeal(p *model.Pipeline, rel string, src []byte, opt Options) []diag.Diagnostic {
	return CheckDeals(p, []string{rel}, [][]byte{src}, opt)[0]
}

// CheckDeals checks the texts of new deal files (srcs[i] is the file at
// the slash path rels[i]) against a pipeline, as CheckDeal checks one, and
// returns each file's errors. The files are parsed on every core and
// checked in one run, so that import checks an export of many deals at
// the speed of check.
func CheckDeals(p *model.Pipeline, rels []string, srcs [][]byte, opt Options) [][]diag.Diagnostic {
	deals := make([]*model.Deal, len(rels))
	parsed := make([][]diag.Diagnostic, len(rels))
	parallel.Each(len(rels), func(i int) error {
		deals[i], parsed[i] = load.ParseDeal(rels[i], load.DealID(rels[i]), srcs[i])
		return nil
	})
	var diags []diag.Diagnostic
	for _, ds := range parsed {
		diags = append(diags, ds...)
	}
	at := make(map[string]int, len(rels))
	for i, rel := range rels {
		at[rel] = i
	}
	out := make([][]diag.Diagnostic, len(rels))
	for _, d := range Check(&model.Repo{Pipeline: p, Deals: deals}, diags, opt).Errors() {
		if i, ok := at[d.File]; ok {
			out[i] = append(out[i], d)
		}
	}
	return out
}

// Usable returns the part of a repository that passes check, for comparing
// with: a git revision's files are data, and a broken deal at the base of a
// pull request must not stop the comparison. Deals with errors are left
// out and their files listed in skipped. When the revision's pipeline.yaml
// has errors, its deals are checked against fallback (the pipeline now)
// instead.
func Usable(repo *model.Repo, diags []diag.Diagnostic, fallback *model.Pipeline, opt Options) (usable *model.Repo, skipped []string) {
	onPipeline := func(d diag.Diagnostic) bool { return d.File == load.PipelineFile }
	errs := Check(repo, diags, opt).Errors()
	if slices.ContainsFunc(errs, onPipeline) || len(repo.Pipeline.Stages) == 0 {
		// Missing, unreadable or breaking a rule: metrics need a valid one.
		repo = &model.Repo{Pipeline: fallback, Deals: repo.Deals}
		errs = Check(repo, slices.DeleteFunc(slices.Clone(diags), onPipeline), opt).Errors()
		skipped = append(skipped, load.PipelineFile)
	}
	broken := map[string]bool{}
	for _, d := range errs {
		broken[d.File] = true
	}
	usable = &model.Repo{Pipeline: repo.Pipeline}
	for _, d := range repo.Deals {
		if broken[d.File] {
			skipped = append(skipped, d.File)
			continue
		}
		usable.Deals = append(usable.Deals, d)
	}
	return usable, skipped
}
