// Package importer turns a CRM's export of deals (a CSV file) into deal
// files. It knows the columns of the standard exports of Pipedrive, HubSpot
// and Salesforce, and reads any other CSV through a mapping file. Each row
// becomes a deal whose history follows pipeline.yaml's moves; each deal is
// parsed and checked by the repository's own loader and checker before it
// is written, so that only files that pass check are written. A row that
// cannot become such a deal is reported at its line and column in the
// export, and nothing is written for it; an existing file is never
// replaced. The export is read as a stream, in batches that are converted,
// checked and written on every core.
package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/edit"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/parallel"
	"github.com/pipegen/pipegen/internal/project"
)

// Options say what to import, and where to.
type Options struct {
	Kind Kind
	// CSV is the export, read once from start to end; CSVName names it in
	// diagnostics.
	CSV     io.Reader
	CSVName string
	// Map is the mapping file, or nil; MapName names it in diagnostics.
	Map     *load.ImportMap
	MapName string
	// Pipeline is the repository's pipeline.yaml, without errors.
	Pipeline *model.Pipeline
	// Dir is the pipeline repository; deals are written under Dir/deals.
	Dir string
	// DryRun does everything but write.
	DryRun bool
	// Limit is the largest deal file, in bytes, that check reads.
	Limit int64
	// Check says what day it is for check's rules.
	Check project.Options
}

// Result is what an import did.
type Result struct {
	// Rows counts the export's rows, blank lines aside.
	Rows int
	// Written lists the files written (with DryRun, those that would be),
	// as slash paths in the repository, in the order of the rows.
	Written []string
	// Existing lists the files of rows whose deal is there already: they
	// were left as they are.
	Existing []string
	// Skipped counts the rows left out on purpose: skip_when_empty, or a
	// deal the CRM has deleted.
	Skipped int
	// Failed counts the rows that could not become a deal.
	Failed int
	// Diagnostics are the problems, sorted by file and line: errors for
	// the rows that failed and for a mapping that cannot be used, warnings
	// for rows skipped or already there.
	Diagnostics []diag.Diagnostic
	// Missing lists the owners, sources, lost reasons and stages of the
	// export that pipeline.yaml lacks, once each, in the order met.
	Missing []Missing
}

// batchSize is the number of rows converted, checked and written together:
// enough to keep every core busy, few enough to keep memory flat.
const batchSize = 2048

// Import reads the export and writes a deal file for each row that makes
// a valid deal. The error is for an export that cannot be read or a file
// that cannot be written; problems in the export are diagnostics.
func Import(opt Options) (*Result, error) {
	if len(opt.Pipeline.Stages) == 0 {
		return nil, errors.New("pipeline.yaml has no stages")
	}
	res := &Result{}
	rd, err := newCSVReader(opt.CSV)
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		res.csvError(opt.CSVName, pe)
		return res, nil
	case errors.Is(err, errEmpty):
		res.Diagnostics = append(res.Diagnostics, diag.Diagnostic{File: opt.CSVName, Line: 1, Severity: diag.Error,
			Code: "empty-file", Message: err.Error(), Hint: "export the deals again, with their column names"})
		return res, nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", opt.CSVName, err)
	}
	pl, diags := newPlan(opt.Kind, rd.header, opt.Map, opt.MapName, opt.CSVName, opt.Pipeline)
	res.Diagnostics = diags
	if diag.HasErrors(diags) {
		return res, nil
	}
	if problem := load.Folders(opt.Dir, load.DealsDir+"/deal.yaml"); problem != nil {
		problem.File = load.DealsDir
		res.Diagnostics = append(res.Diagnostics, *problem)
		return res, nil
	}
	files, _, err := load.DealFiles(opt.Dir)
	if err != nil {
		return nil, err
	}
	im := &run{opt: opt, pl: pl, res: res, existing: map[string]bool{}, used: map[string]bool{}, missing: map[Missing]bool{}}
	for _, f := range files {
		im.existing[strings.ToLower(f)] = true
	}
	var batch []*record
	for {
		rec, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.As(err, &pe) {
			res.csvError(opt.CSVName, pe)
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", opt.CSVName, err)
		}
		if rec.blank() {
			continue
		}
		res.Rows++
		batch = append(batch, rec)
		if len(batch) == batchSize {
			if err := im.batch(batch); err != nil {
				return nil, err
			}
			batch = nil
		}
	}
	if err := im.batch(batch); err != nil {
		return nil, err
	}
	if len(res.Written) > 0 && !opt.DryRun {
		if err := edit.SyncAll(filepath.Join(opt.Dir, load.DealsDir)); err != nil {
			return nil, fmt.Errorf("write %s: %w", load.DealsDir, err)
		}
	}
	diag.Sort(res.Diagnostics)
	return res, nil
}

// csvError reports text that is not CSV; the rows after it are not read.
// A quote that is never closed is found at the end of the file: it is
// reported at the start of the row that opens it.
func (res *Result) csvError(file string, pe *csv.ParseError) {
	msg, hint := parseErrorText(pe)
	line, col := pe.Line, pe.Column
	if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line {
		line, col = pe.StartLine, 0
		msg = "a quoted field of the row that starts here is not closed"
	}
	res.Diagnostics = append(res.Diagnostics, diag.Diagnostic{File: file, Line: line, Column: col, Severity: diag.Error,
		Code: "bad-csv", Message: msg + "; the rows from here on were not read", Hint: hint})
}

// run is one import under way.
type run struct {
	opt Options
	pl  *plan
	res *Result
	// existing holds the deal files there were, in lower case; used the
	// ids given to this export's rows, in lower case.
	existing, used map[string]bool
	missing        map[Missing]bool
}

// batch converts, checks and writes a batch of rows.
func (im *run) batch(recs []*record) error {
	if len(recs) == 0 {
		return nil
	}
	drafts := make([]*draft, len(recs))
	parallel.Each(len(recs), func(i int) error {
		drafts[i] = im.pl.convert(recs[i])
		return nil
	})
	// Ids in the order of the rows, whatever else happens to them, so
	// that importing the same export again names each row's deal the same.
	rels := make([]string, len(drafts))
	for i, d := range drafts {
		if d.skip == "" && d.title != "" {
			rels[i] = im.name(d.idBase)
		}
	}
	type out struct {
		i     int
		text  []byte
		lines []int
	}
	var ready []out
	for i, d := range drafts {
		if d.skip != "" || len(d.problems) > 0 {
			continue
		}
		text, lines := d.file(im.pl)
		if int64(len(text)) > im.opt.Limit {
			d.problem(im.pl, -1, "too-large", "shorten the row's longest text", "the deal file would be %d bytes, more than the limit of %d", len(text), im.opt.Limit)
			continue
		}
		ready = append(ready, out{i, text, lines})
	}
	names := make([]string, len(ready))
	texts := make([][]byte, len(ready))
	for k, r := range ready {
		names[k], texts[k] = rels[r.i], r.text
	}
	errs := project.CheckDeals(im.opt.Pipeline, names, texts, im.opt.Check)
	var write []out
	for k, r := range ready {
		d := drafts[r.i]
		for _, x := range errs[k] {
			d.fromCheck(im.pl, x, r.lines)
		}
		if len(d.problems) == 0 {
			write = append(write, r)
		}
	}
	exists := make([]bool, len(write))
	if !im.opt.DryRun {
		err := parallel.Each(len(write), func(k int) error {
			rel := rels[write[k].i]
			if im.existing[strings.ToLower(rel)] {
				exists[k] = true
				return nil
			}
			err := edit.CreateMany(filepath.Join(im.opt.Dir, filepath.FromSlash(rel)), write[k].text)
			if errors.Is(err, fs.ErrExist) {
				exists[k] = true // made a moment ago by someone else
				return nil
			}
			return err
		})
		if err != nil {
			return err
		}
	} else {
		for k, w := range write {
			exists[k] = im.existing[strings.ToLower(rels[w.i])]
		}
	}
	for k, w := range write {
		rel := rels[w.i]
		if exists[k] {
			d := drafts[w.i]
			im.res.Existing = append(im.res.Existing, rel)
			im.res.Diagnostics = append(im.res.Diagnostics, diag.Diagnostic{File: im.opt.CSVName, Line: d.rec.line, Severity: diag.Warning,
				Code: "exists", Message: fmt.Sprintf("%s exists already: left as it is", rel),
				Hint: "give the row another title (or id) to import it as another deal"})
			continue
		}
		im.res.Written = append(im.res.Written, rel)
	}
	for _, d := range drafts {
		switch {
		case d.skip != "":
			im.res.Skipped++
			im.res.Diagnostics = append(im.res.Diagnostics, diag.Diagnostic{File: im.opt.CSVName, Line: d.rec.line, Severity: diag.Warning,
				Code: "skipped", Message: "row left out: " + d.skip})
		case len(d.problems) > 0:
			im.res.Failed++
			im.res.Diagnostics = append(im.res.Diagnostics, d.problems...)
			for _, m := range d.missing {
				if !im.missing[m] {
					im.missing[m] = true
					im.res.Missing = append(im.res.Missing, m)
				}
			}
		}
	}
	return nil
}

// name returns the file of a deal whose id would be base: base itself, or
// base-2, base-3… when a row before it in the export took that id.
func (im *run) name(base string) string {
	id := base
	for n := 2; im.used[strings.ToLower(id)]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	im.used[strings.ToLower(id)] = true
	return load.DealsDir + "/" + id + ".yaml"
}

// fromCheck reports a finding of check on the deal file of a row at the
// row's field that gave the line it points at.
func (d *draft) fromCheck(pl *plan, x diag.Diagnostic, lines []int) {
	col := -1
	if x.Line > 0 && x.Line <= len(lines) {
		col = lines[x.Line-1]
	}
	hint := x.Hint
	// A field that a stage requires is missing: point at the column that
	// would give it.
	field := ""
	switch x.Code {
	case "missing-reason":
		field = "lost_reason"
	case "missing-required":
		if i := strings.LastIndex(x.Message, "requires "); i >= 0 {
			field = x.Message[i+len("requires "):]
		}
	}
	if field != "" {
		if _, c := pl.fields[field].get(d.rec); c >= 0 {
			col = c
			hint = "fill it in for this row"
		} else {
			hint = fmt.Sprintf("no column gives the deal's %s: name one in a mapping file (columns: %s: …)", fieldNames[field], field)
		}
	}
	d.problem(pl, col, x.Code, hint, "%s", x.Message)
}
