package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/edit"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/project"
	"github.com/pipegen/pipegen/internal/term"
)

var newCommand = &command{
	name:    "new",
	args:    "--title T --owner O [--company C] [--source S] [--value V] [--currency C] [--expected-close D] [--stage S] [--date D] [--dir DIR]",
	summary: "create a deal file",
	help: `
New writes deals/<slug>.yaml, the slug made from the title (made unique if
needed), with its first move dated today (or --date), and prints its path.
The deal is checked against pipeline.yaml before it is written: an unknown
owner, a stage deals cannot start in, or a value the stage requires is
reported, with the flag that fixes it, and nothing is written. It never
replaces an existing file.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		title := fs.String("title", "", "the deal's `TITLE` (required)")
		owner := fs.String("owner", "", "the owner's `ID` (required)")
		company := fs.String("company", "", "the customer `COMPANY`")
		source := fs.String("source", "", "the lead `SOURCE`")
		value := fs.String("value", "", "the expected contract `VALUE`, like 36000")
		currency := fs.String("currency", "", "the `CODE` of the value's currency, like EUR, when it is not the pipeline's (it needs a rate in pipeline.yaml)")
		closeDate := fs.String("expected-close", "", "the expected close `DATE`, YYYY-MM-DD")
		stage := fs.String("stage", "", "the first `STAGE` (default: the first stage of pipeline.yaml)")
		date := fs.String("date", "", "the `DATE` of the first move, YYYY-MM-DD (default: today)")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: fmt.Sprintf("new takes no arguments, got %q", args[0]), hint: `pass the title with --title "…"`}
			}
			if strings.TrimSpace(*title) == "" || *owner == "" {
				return &usageError{msg: "new needs --title and --owner", hint: `pipegen new --title "Northwind — analytics" --owner olena`}
			}
			day, err := parseDateFlag("date", *date)
			if err != nil {
				return err
			}
			if day.IsZero() {
				day = model.DateOf(time.Now())
			}
			closes, err := parseDateFlag("expected-close", *closeDate)
			if err != nil {
				return err
			}
			if *value != "" {
				if _, err := parseValueFlag(*value); err != nil {
					return err
				}
			}
			if *currency != "" && !model.IsCurrencyCode(*currency) {
				return &usageError{msg: fmt.Sprintf("--currency %q is not a currency code", *currency), hint: "write three capital letters, like EUR or GBP"}
			}
			if err := isRepoDir(*dir); err != nil {
				return err
			}
			p, pd := e.loader.ReadPipeline(*dir)
			if diag.HasErrors(pd) {
				return reportErrors(e, *dir, pd)
			}
			first := *stage
			if first == "" && len(p.Stages) > 0 {
				first = p.Stages[0].ID
			}
			if *currency == p.Currency {
				*currency = "" // the pipeline's own: nothing to say
			}
			text := edit.NewDeal{
				Title: strings.TrimSpace(*title), Company: *company, Owner: *owner, Source: *source,
				Value: *value, Currency: *currency, ExpectedClose: closes, Stage: first, Date: day,
			}.Text()
			slug := edit.Slug(*title)
			rel := uniquePath(*dir, slug)
			if problem := load.Folders(*dir, rel); problem != nil {
				return reportErrors(e, *dir, []diag.Diagnostic{*problem})
			}
			if errs := project.CheckDeal(p, rel, text, project.Options{}); len(errs) > 0 {
				d, _ := load.ParseDeal(rel, load.DealID(rel), text)
				return reportFlagErrors(e, flagHints{cmd: "new", p: p, deal: d}, errs)
			}
			if err := edit.Create(filepath.Join(*dir, filepath.FromSlash(rel)), text); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, term.Clean(rel))
			return nil
		}
	},
}

var moveCommand = &command{
	name:    "move",
	args:    "DEAL STAGE [--date D] [--reason R] [--value V] [--expected-close D] [--dir DIR]",
	summary: "append a stage move to a deal",
	help: `
Move appends a move to STAGE, dated today (or --date), to the history of
DEAL (its id, like northwind-analytics, or its file, like
deals/northwind-analytics.yaml). --value and --expected-close set those
fields of the deal in the same edit, as a stage such as proposal may
require. The move is checked against the rules of pipeline.yaml first — an
allowed transition, a reason where the stage requires one, no date before
the last move — and nothing is written if it fails. Only the new entry and
the fields asked for change: the file's comments, order and formatting stay
exactly as they were.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		date := fs.String("date", "", "the `DATE` of the move, YYYY-MM-DD (default: today)")
		reason := fs.String("reason", "", "why the deal was lost: a `REASON` from lost_reasons")
		value := fs.String("value", "", "set the deal's expected contract `VALUE`, like 36000")
		closeDate := fs.String("expected-close", "", "set the deal's expected close `DATE`, YYYY-MM-DD")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) != 2 {
				return &usageError{msg: "move needs a deal and a stage", hint: "pipegen move northwind-analytics proposal"}
			}
			day, err := parseDateFlag("date", *date)
			if err != nil {
				return err
			}
			if day.IsZero() {
				day = model.DateOf(time.Now())
			}
			m := edit.Move{Stage: args[1], Date: day, Reason: *reason}
			if m.ExpectedClose, err = parseDateFlag("expected-close", *closeDate); err != nil {
				return err
			}
			if *value != "" {
				if m.Value, err = parseValueFlag(*value); err != nil {
					return err
				}
				m.HasValue = true
			}
			id := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(args[0]), "deals/"), ".yaml")
			if id == "" || path.IsAbs(id) || path.Clean(id) != id || strings.HasPrefix(id, "../") || id == ".." {
				return &usageError{msg: fmt.Sprintf("%q is not a deal id", args[0]), hint: "give the deal's id, its path under deals/ without .yaml, like northwind-analytics"}
			}
			rel := "deals/" + id + ".yaml"
			full := filepath.Join(*dir, filepath.FromSlash(rel))
			src, problem, err := e.loader.ReadForEdit(*dir, rel)
			if errors.Is(err, iofs.ErrNotExist) {
				return &usageError{msg: fmt.Sprintf("no deal %q: %s does not exist", id, rel), hint: "give the deal's id: its path under deals/ without .yaml"}
			}
			if problem != nil {
				return reportErrors(e, *dir, []diag.Diagnostic{*problem})
			}
			if info, err := os.Stat(full); err == nil && info.Mode().Perm()&0o200 == 0 {
				return reportErrors(e, *dir, []diag.Diagnostic{{File: rel, Severity: diag.Error, Code: "read-only",
					Message: rel + " is read-only", Hint: "make it writable first (chmod u+w) if it is meant to change"}})
			}
			p, pd := e.loader.ReadPipeline(*dir)
			if diag.HasErrors(pd) {
				return reportErrors(e, *dir, pd)
			}
			before, parseDiags := load.ParseDeal(rel, id, src)
			if diag.HasErrors(parseDiags) {
				return reportErrors(e, *dir, parseDiags)
			}
			out, err := edit.AppendMove(src, m)
			if err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			if errs := project.CheckDeal(p, rel, out, project.Options{}); len(errs) > 0 {
				// The errors the file has already are shown where they are
				// on disk; those of the move are the flags' to fix.
				old, mine := splitErrors(project.CheckDeal(p, rel, src, project.Options{}), errs)
				if len(old) > 0 {
					src := diag.Sources(func(string) []byte { return src })
					diag.WriteText(e.stderr, old, src, diag.TextOptions{Color: useColor(isTerminal(e.stderr), e.getenv)})
					fmt.Fprintf(e.stderr, "pipegen: %s has errors of its own: fix them first, then move the deal\n", term.Clean(rel))
				}
				after, _ := load.ParseDeal(rel, id, out)
				return reportFlagErrors(e, flagHints{cmd: "move", p: p, deal: after, before: before}, mine)
			}
			if err := edit.Replace(full, out); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: moved to %s on %s\n", term.Clean(rel), term.Clean(args[1]), day)
			return nil
		}
	},
}

// parseValueFlag reads --value as an amount, offering the amount meant
// when it is written the way prices are ("36k", "€36,000").
func parseValueFlag(s string) (model.Money, error) {
	m, err := model.ParseMoney(s)
	if err == nil {
		return m, nil
	}
	if guess, ok := model.GuessMoney(s); ok {
		return 0, &usageError{msg: fmt.Sprintf("--value: %v — did you mean %s?", err, guess), hint: fmt.Sprintf("pass --value %s: digits with at most two decimals, without a currency sign, separators or k", guess)}
	}
	return 0, &usageError{msg: "--value: " + err.Error(), hint: "write digits with at most two decimals, like 36000 or 1250.50"}
}

// splitErrors parts the errors of an edited file (after) into those the
// file had before the edit, as reported on the file before it (with the
// lines they are on on disk), and those the edit brings.
func splitErrors(before, after []diag.Diagnostic) (old, added []diag.Diagnostic) {
	type key struct{ code, msg string }
	had := map[key][]diag.Diagnostic{}
	for _, d := range before {
		k := key{d.Code, d.Message}
		had[k] = append(had[k], d)
	}
	for _, d := range after {
		k := key{d.Code, d.Message}
		if prev := had[k]; len(prev) > 0 {
			old = append(old, prev[0])
			had[k] = prev[1:]
			continue
		}
		added = append(added, d)
	}
	return old, added
}

// reportErrors prints diagnostics of files on disk as check does, and
// returns errInput.
func reportErrors(e *env, dir string, ds []diag.Diagnostic) error {
	diag.WriteText(e.stderr, ds, sourceReader(e, dir), diag.TextOptions{Color: useColor(isTerminal(e.stderr), e.getenv)})
	fmt.Fprintln(e.stderr, "pipegen: nothing was written")
	return errInput
}

// uniquePath returns deals/<slug>.yaml, or deals/<slug>-2.yaml and so on
// when a deal of that name exists, in any case.
func uniquePath(dir, slug string) string {
	taken := map[string]bool{}
	if files, _, err := load.DealFiles(dir); err == nil {
		for _, f := range files {
			taken[strings.ToLower(f)] = true
		}
	}
	rel := "deals/" + slug + ".yaml"
	for n := 2; taken[rel]; n++ {
		rel = fmt.Sprintf("deals/%s-%d.yaml", slug, n)
	}
	return rel
}

// isRepoDir makes a --dir that is not a folder a usage error.
func isRepoDir(dir string) error {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return &usageError{msg: fmt.Sprintf("--dir %s: no such directory", dir), hint: "pass the folder that holds pipeline.yaml"}
	}
	return nil
}
