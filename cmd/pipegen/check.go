package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"slices"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/gitrev"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/project"
	"github.com/pipegen/pipegen/internal/schema"
)

var checkCommand = &command{
	name:    "check",
	args:    "[--base REV [--allow-rewrite]] [--format text|json|github] [--as-of DATE] [--dir DIR]",
	summary: "validate pipeline.yaml and every deal",
	help: `
Check validates pipeline.yaml and every deal under deals/ and reports every
problem at once, sorted by file and line, each with its file:line:column, what
is wrong and how to fix it. The exit code is 1 when there is any error;
warnings never fail a check.

Formats: text (for people; colour on a terminal unless NO_COLOR is set),
json (an array of {file, line, column, severity, code, message, hint}) and
github (workflow commands that annotate the lines of a pull request).

With --base REV (in a pull request, the base branch, like origin/main),
check also compares each deal with its version at REV: a deal file deleted
or renamed, or a history whose past moves were edited or removed, is an
error (a warning with --allow-rewrite). REV is read with git; in a shallow
CI clone, fetch it first.

A history date after today anywhere on Earth (UTC+14) is an error. With --as-of (or as_of in
pipeline.yaml) set to a later date, dates up to it are accepted.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		format := fs.String("format", "text", "output `FORMAT`: text, json or github")
		asOf := fs.String("as-of", "", "check as of `DATE` (YYYY-MM-DD)")
		base := fs.String("base", "", "also compare each deal with its version at git revision `REV` (a pull request's base)")
		allowRewrite := fs.Bool("allow-rewrite", false, "with --base, report deleted, renamed and rewritten deals as warnings")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: fmt.Sprintf("check takes no arguments, got %q", args[0]), hint: "pass the repository with --dir"}
			}
			if *format != "text" && *format != "json" && *format != "github" {
				return &usageError{msg: fmt.Sprintf("unknown format %q", *format), hint: "use --format text, json or github"}
			}
			if *allowRewrite && *base == "" {
				return &usageError{msg: "--allow-rewrite needs --base", hint: "pass the revision to compare with, like --base origin/main"}
			}
			flagAsOf, err := parseDateFlag("as-of", *asOf)
			if err != nil {
				return err
			}
			proj, err := loadProject(e, *dir, flagAsOf)
			if err != nil {
				return err
			}
			diags := proj.Diagnostics
			if !slices.ContainsFunc(proj.Errors(), func(d diag.Diagnostic) bool { return d.File == load.PipelineFile }) {
				diags = append(diags, schema.Stale(*dir, proj.Repo.Pipeline)...)
			}
			if *base == "" {
				if committed, ok := gitrev.HeadPaths(*dir); ok {
					diags = append(diags, check.Deleted(proj.Repo, dealFiles(committed))...)
					diag.Sort(diags)
				}
			} else {
				old, oldDiags, err := repoAt(e, *dir, *base)
				if err != nil {
					return err
				}
				// A deal that was broken at REV had no valid history to
				// keep: completing it is a fix, not a rewrite.
				usable, _ := project.Usable(old, oldDiags, proj.Repo.Pipeline, project.Options{AsOf: proj.AsOf})
				diags = append(diags, check.Base(proj.Repo, usable, *allowRewrite)...)
				diag.Sort(diags)
			}
			if err := writeDiagnostics(e, *dir, *format, diags, len(proj.Repo.Deals)); err != nil {
				return err
			}
			if diag.HasErrors(diags) {
				return errInput
			}
			return nil
		}
	},
}

func dirFlag(fs *flag.FlagSet) *string {
	return fs.String("dir", "", "the pipeline repository `DIR` (default: the current folder, or the nearest one above it with a pipeline.yaml)")
}

func parseDateFlag(name, value string) (model.Date, error) {
	if value == "" {
		return 0, nil
	}
	d, err := model.ParseDate(value)
	if err != nil {
		return 0, &usageError{msg: fmt.Sprintf("--%s: %v", name, err), hint: "write the date as YYYY-MM-DD"}
	}
	if d < model.FirstDate || d > model.LastDate {
		return 0, &usageError{msg: fmt.Sprintf("--%s %s is outside the years pipegen works with, %s to %s", name, value, model.FirstDate, model.LastDate)}
	}
	return d, nil
}

// loadProject loads and checks the repository at dir as of asOf (zero:
// as_of in pipeline.yaml, else today); a dir that cannot be read is a
// usage error, problems inside it are diagnostics.
func loadProject(e *env, dir string, asOf model.Date) (*project.Project, error) {
	proj, err := project.Load(dir, project.Options{AsOf: asOf, Loader: e.loader})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &usageError{msg: fmt.Sprintf("--dir %s: no such directory", dir), hint: "pass the folder that holds pipeline.yaml"}
	}
	if err != nil {
		return nil, &usageError{msg: fmt.Sprintf("--dir %s: %v", dir, err), hint: "pass the folder that holds pipeline.yaml"}
	}
	return proj, nil
}

// loadChecked loads and checks the repository for a command that reports
// on it; when it has errors, it prints them on stderr as check does and
// returns errInput.
func loadChecked(e *env, dir string, asOf model.Date) (*project.Project, error) {
	proj, err := loadProject(e, dir, asOf)
	if err != nil {
		return nil, err
	}
	if !proj.HasErrors() {
		return proj, nil
	}
	errs := proj.Errors()
	diag.WriteText(e.stderr, errs, sourceReader(e, dir), diag.TextOptions{Color: useColor(isTerminal(e.stderr), e.getenv)})
	fmt.Fprintf(e.stderr, "%s\npipegen: the repository has errors: fix them, then run this again\n", diag.Summary(errs, len(proj.Repo.Deals)))
	return nil, errInput
}

// writeDiagnostics prints diagnostics in a format; text ends with a summary.
func writeDiagnostics(e *env, dir, format string, diags []diag.Diagnostic, deals int) error {
	switch format {
	case "json":
		return diag.WriteJSON(e.stdout, diags)
	case "github":
		return diag.WriteGitHub(e.stdout, diags)
	}
	color := useColor(isTerminal(e.stdout), e.getenv)
	if err := diag.WriteText(e.stdout, diags, sourceReader(e, dir), diag.TextOptions{Color: color}); err != nil {
		return err
	}
	_, err := fmt.Fprintln(e.stdout, diag.Summary(diags, deals))
	return err
}

// sourceReader reads repository files for the excerpts of text output.
func sourceReader(e *env, dir string) diag.Sources { return diag.DirSources(dir, e.loader.Limit()) }

// repoAt parses the pipeline repository in dir as it was at git revision
// rev, with the problems of its files. A revision that cannot be read is a
// usage error, with a hint.
func repoAt(e *env, dir, rev string) (*model.Repo, []diag.Diagnostic, error) {
	files, err := gitrev.Files(dir, rev)
	var ge *gitrev.Error
	if errors.As(err, &ge) {
		return nil, nil, &usageError{msg: "--base: " + ge.Msg, hint: ge.Hint}
	}
	if err != nil {
		return nil, nil, err
	}
	repo, diags := e.loader.FromFiles(files)
	return repo, diags, nil
}

// dealFiles keeps the paths that are deal files.
func dealFiles(paths []string) []string {
	var deals []string
	for _, p := range paths {
		if load.Classify(p) == load.DealFile {
			deals = append(deals, p)
		}
	}
	return deals
}
