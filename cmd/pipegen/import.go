package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/importer"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/project"
	"github.com/pipegen/pipegen/internal/suggest"
	"github.com/pipegen/pipegen/internal/term"
)

// excerptLimit is the largest export whose lines are quoted under its
// problems; a larger one is not read a second time for them.
const excerptLimit = 16 << 20

var importCommand = &command{
	name:    "import",
	args:    "pipedrive|hubspot|salesforce|csv FILE [--map map.yaml] [--dry-run] [--dir DIR]",
	summary: "turn a CRM's export of deals (CSV) into deal files",
	help: `
Import writes a deal file under deals/ for each row of FILE, a CSV export of
deals. For pipedrive, hubspot and salesforce the columns of the CRM's
standard export are known; csv reads any export through a mapping file
(--map) that names the column of each field. The mapping file's stages:,
owners:, sources: and lost_reasons: sections also translate a CRM's values
to pipeline.yaml's ids. See docs/import.md.

Every deal is checked against pipeline.yaml before it is written, and only
deals that pass check are written. A row that cannot become one is reported
at its line and column in FILE, and nothing is written for it; owners,
sources and lost reasons that pipeline.yaml lacks are listed with the lines
to add. A deal whose file exists is left as it is, so importing the same
export again writes only what is new. With --dry-run nothing is written.

The history of each deal is built from the dates the export has: created,
the stage dates where the export gives them, the close. Stages the
pipeline's moves pass for which the export has no date carry the date of
the nearest move it dates; the deal's notes say so.

The exit code is 1 when any row could not be imported.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		mapFile := fs.String("map", "", "the mapping `FILE` (map.yaml): columns, stage names, date formats; required for csv")
		dryRun := fs.Bool("dry-run", false, "check every row and report, but write nothing")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) != 2 {
				return &usageError{msg: "import needs the kind of export and its file", hint: "pipegen import pipedrive deals.csv"}
			}
			kind, ok := importer.ParseKind(args[0])
			if !ok {
				kinds := make([]string, len(importer.Kinds))
				for i, k := range importer.Kinds {
					kinds[i] = string(k)
				}
				msg := fmt.Sprintf("unknown kind of export %q", args[0])
				if s := suggest.Closest(args[0], kinds); s != "" {
					msg += fmt.Sprintf(" — did you mean %q?", s)
				}
				return &usageError{msg: msg, hint: "the kinds are " + strings.Join(kinds, ", ")}
			}
			if kind == importer.CSV && *mapFile == "" {
				return &usageError{msg: "import csv needs --map", hint: "write a mapping file that names the column of each field; see docs/import.md"}
			}
			if err := isRepoDir(*dir); err != nil {
				return err
			}
			p, pd := e.loader.ReadPipeline(*dir)
			if diag.HasErrors(pd) {
				return reportErrors(e, *dir, pd)
			}
			var m *load.ImportMap
			if *mapFile != "" {
				src, err := readSmall(*mapFile, e.loader.Limit())
				if err != nil {
					return &usageError{msg: "--map: " + term.Clean(err.Error()), hint: "pass the mapping file, like --map map.yaml"}
				}
				var md []diag.Diagnostic
				m, md = load.ParseImportMap(*mapFile, src)
				if diag.HasErrors(md) {
					writeImportDiagnostics(e, md)
					fmt.Fprintln(e.stderr, "pipegen: nothing was written")
					return errInput
				}
			}
			f, err := os.Open(args[1])
			if errors.Is(err, iofs.ErrNotExist) {
				return &usageError{msg: fmt.Sprintf("no export %s", term.Clean(args[1])), hint: "give the path of the CSV file the CRM exported"}
			}
			if err != nil {
				return err
			}
			defer f.Close()
			res, err := importer.Import(importer.Options{
				Kind: kind, CSV: f, CSVName: args[1], Map: m, MapName: *mapFile,
				Pipeline: p, Dir: *dir, DryRun: *dryRun, Limit: e.loader.Limit(),
				Check: project.Options{Loader: e.loader},
			})
			if err != nil {
				return err
			}
			writeImportDiagnostics(e, quieter(res.Diagnostics))
			writeMissing(e, res.Missing, p, *mapFile)
			if res.Rows == 0 && diag.HasErrors(res.Diagnostics) {
				fmt.Fprintln(e.stderr, "pipegen: nothing was written")
				return errInput
			}
			fmt.Fprintln(e.stdout, importSummary(res, *dryRun))
			if diag.HasErrors(res.Diagnostics) {
				return errInput
			}
			return nil
		}
	},
}

// writeImportDiagnostics prints problems as check does, quoting the lines
// of the export and of the mapping file.
func writeImportDiagnostics(e *env, ds []diag.Diagnostic) {
	diag.WriteText(e.stderr, ds, diag.DirSources("", excerptLimit), diag.TextOptions{Color: useColor(isTerminal(e.stderr), e.getenv)})
}

// warningsShown is how many warnings of one kind (deals there already,
// rows left out) are printed; the summary counts the rest. Importing a
// large export again would otherwise print a warning a row.
const warningsShown = 10

// quieter keeps every error and the first warnings of each kind, and says
// how many more there are.
func quieter(ds []diag.Diagnostic) []diag.Diagnostic {
	seen := map[string]int{}
	var out []diag.Diagnostic
	for _, d := range ds {
		if d.Severity == diag.Warning {
			if seen[d.Code]++; seen[d.Code] > warningsShown {
				continue
			}
		}
		out = append(out, d)
	}
	for _, code := range slices.Sorted(maps.Keys(seen)) {
		if n := seen[code]; n > warningsShown {
			out = append(out, diag.Diagnostic{File: ds[0].File, Severity: diag.Warning, Code: code,
				Message: fmt.Sprintf("%d more warnings like the ones above (%s) are not shown", n-warningsShown, code)})
		}
	}
	return out
}

// writeMissing lists what pipeline.yaml lacks of the export, as the lines
// to add to it or to the mapping file.
func writeMissing(e *env, ms []importer.Missing, p *model.Pipeline, mapFile string) {
	if len(ms) == 0 {
		return
	}
	counts := map[string]int{}
	var order []string
	for _, m := range ms {
		if counts[m.What] == 0 {
			order = append(order, m.What)
		}
		counts[m.What]++
	}
	parts := make([]string, len(order))
	for i, w := range order {
		parts[i] = plural(counts[w], w)
	}
	them := "them"
	if len(ms) == 1 {
		them = "it"
	}
	fmt.Fprintf(e.stderr, "pipegen: the export names %s that pipeline.yaml lacks; the rows that name %s were not imported\n", joinAnd(parts), them)
	or := ""
	if lines := importer.PipelineLines(ms); lines != "" {
		fmt.Fprintf(e.stderr, "pipegen: hint: add to pipeline.yaml:\n%s", term.Lines(lines))
		or = "or "
	}
	where := "a mapping file, passed with --map"
	if mapFile != "" {
		where = term.Clean(mapFile)
	}
	fmt.Fprintf(e.stderr, "pipegen: hint: %smap them to ids pipeline.yaml has, in %s:\n%s", or, where, term.Lines(importer.MapLines(ms, p)))
}

// importSummary is the last line of an import.
func importSummary(res *importer.Result, dryRun bool) string {
	written := plural(len(res.Written), "deal") + " written"
	if dryRun {
		written = plural(len(res.Written), "deal") + " to write (dry run: nothing was written)"
	}
	return fmt.Sprintf("%s: %s, %d already there, %d left out, %d with errors",
		plural(res.Rows, "row"), written, len(res.Existing), res.Skipped, res.Failed)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "s") {
		return fmt.Sprintf("%d %ses", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func joinAnd(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// readSmall reads a file of at most limit bytes.
func readSmall(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(src)) > limit {
		return nil, fmt.Errorf("%s is more than %d bytes", path, limit)
	}
	return src, nil
}
