package schema

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
)

// DealForRepo returns the deal schema for the pipeline repository in dir:
// with the stages, owners, sources and lost reasons of its pipeline.yaml
// when that file reads without errors. Without a usable pipeline.yaml it
// returns the generic schema and a one-line note that says why, so that a
// repository being set up still gets a schema. The error, which does not
// name dir, is for a dir that is not a readable folder.
func DealForRepo(dir string) (schema []byte, note string, err error) {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", errNoDir{}
	}
	if err != nil {
		return nil, "", err
	}
	if !info.IsDir() {
		return nil, "", errors.New("not a directory")
	}
	p, diags := load.ReadPipeline(dir)
	if diag.HasErrors(diags) {
		const generic = "printing the generic deal schema, without the pipeline's stages, owners, sources and lost reasons"
		if slices.ContainsFunc(diags, func(d diag.Diagnostic) bool { return d.Code == "missing-file" }) {
			note = fmt.Sprintf("no %s in %s: %s", load.PipelineFile, dir, generic)
		} else {
			note = fmt.Sprintf("%s has errors (pipegen check --dir %s lists them): %s", load.PipelineFile, dir, generic)
		}
		p = nil
	}
	schema, err = Deal(p)
	return schema, note, err
}

// errNoDir is a dir that does not exist: an fs.ErrNotExist that says so in
// the user's words.
type errNoDir struct{}

func (errNoDir) Error() string        { return "no such directory" }
func (errNoDir) Is(target error) bool { return target == fs.ErrNotExist }
