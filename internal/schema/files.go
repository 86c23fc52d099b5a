package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/suggest"
)

// The schemas' files in a pipeline repository, slash paths relative to it.
// Committed, they give every editor of the team completion with no set-up.
const (
	Folder       = ".pipegen"
	DealFile     = Folder + "/deal.schema.json"
	PipelineFile = Folder + "/pipeline.schema.json"
)

// maxFile bounds the schema files read for Stale: a real one is a few KiB.
const maxFile = 4 << 20

// Write writes both schemas for the pipeline repository in dir into its
// .pipegen folder, with the deal schema made as DealForRepo makes it, and
// returns the files it wrote and DealForRepo's note. It refuses a .pipegen
// or a schema file that is a symbolic link, so that it never writes
// outside the repository, and replaces each file in one step.
func Write(dir string) (written []string, note string, err error) {
	deal, note, err := DealForRepo(dir)
	if err != nil {
		return nil, "", err
	}
	pipeline, err := Pipeline()
	if err != nil {
		return nil, "", err
	}
	folder := filepath.Join(dir, Folder)
	if info, err := os.Lstat(folder); err == nil && !info.IsDir() {
		return nil, "", fmt.Errorf("%s is not a folder", Folder)
	} else if errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(folder, 0o755); err != nil {
			return nil, "", err
		}
	} else if err != nil {
		return nil, "", err
	}
	for _, f := range []struct {
		rel  string
		data []byte
	}{{DealFile, deal}, {PipelineFile, pipeline}} {
		target := filepath.Join(dir, filepath.FromSlash(f.rel))
		if info, err := os.Lstat(target); err == nil && !info.Mode().IsRegular() {
			return written, note, fmt.Errorf("%s is not a regular file", f.rel)
		}
		if err := replace(target, f.data); err != nil {
			return written, note, err
		}
		written = append(written, f.rel)
	}
	return written, note, nil
}

// replace writes data to path through a temporary file beside it, renamed
// over it: a link in its place is replaced, never followed.
func replace(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Stale warns about each schema file in the repository in dir that says
// something else than the schema pipegen makes now: the deal schema after
// a change to the stages, owners, sources or lost reasons of pipeline.yaml
// (p, which must have read without errors), the pipeline schema after an
// upgrade of pipegen. An editor would offer what is no longer true. Layout
// and line endings do not count: only what the JSON says.
func Stale(dir string, p *model.Pipeline) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, f := range []struct {
		rel  string
		make func() ([]byte, error)
		what string
	}{
		{DealFile, func() ([]byte, error) { return Deal(p) }, "the stages, owners, sources or lost reasons of pipeline.yaml have changed since it was written"},
		{PipelineFile, Pipeline, "it was written by another version of pipegen"},
	} {
		have, ok := readFile(filepath.Join(dir, filepath.FromSlash(f.rel)))
		if !ok {
			continue
		}
		want, err := f.make()
		if err != nil || sameJSON(have, want) {
			continue
		}
		what := f.what
		if lacks, extra := enumChange(have, want); len(lacks)+len(extra) > 0 {
			var parts []string
			if len(lacks) > 0 {
				parts = append(parts, "it does not offer "+quotedFew(lacks))
			}
			if len(extra) > 0 {
				parts = append(parts, "it still offers "+quotedFew(extra))
			}
			what = strings.Join(parts, ", and ")
		}
		out = append(out, diag.Diagnostic{File: f.rel, Severity: diag.Warning, Code: "stale-schema",
			Message: fmt.Sprintf("%s is out of date: %s", f.rel, what),
			Hint:    "run pipegen schema --write and commit " + Folder + "/ with the change, so that editors offer what pipeline.yaml says now"})
	}
	return out
}

// readFile reads a regular file of a sensible size; a link, a folder or a
// huge file is not a schema pipegen wrote.
func readFile(path string) ([]byte, bool) {
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > maxFile {
		return nil, false
	}
	b, err := os.ReadFile(path)
	return b, err == nil
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(bytes.TrimPrefix(a, []byte("\xef\xbb\xbf")), &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// enumChange returns the values that the enums of the schema want have and
// those of have lack (new stages, owners…), and the other way round.
func enumChange(have, want []byte) (lacks, extra []string) {
	h, w := enums(have), enums(want)
	for v := range w {
		if !h[v] {
			lacks = append(lacks, v)
		}
	}
	for v := range h {
		if !w[v] {
			extra = append(extra, v)
		}
	}
	slices.Sort(lacks)
	slices.Sort(extra)
	return lacks, extra
}

// enums collects the text values of every "enum" of a JSON Schema.
func enums(src []byte) map[string]bool {
	var v any
	json.Unmarshal(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), &v)
	found := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if list, ok := e.([]any); ok && k == "enum" {
					for _, it := range list {
						if s, ok := it.(string); ok {
							found[s] = true
						}
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return found
}

// quotedFew lists up to five values, and how many more there are.
func quotedFew(values []string) string {
	if len(values) <= 5 {
		return suggest.Quoted(values, "and")
	}
	first := make([]string, 5)
	for i, v := range values[:5] {
		first[i] = fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%s and %d more", strings.Join(first, ", "), len(values)-5)
}
