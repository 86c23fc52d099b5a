package project

import (
	"os"
	"path/filepath"

	"github.com/pipegen/pipegen/internal/load"
)

// Find returns the pipeline repository that holds the folder start, as git
// finds its work tree: start itself when it has a pipeline.yaml, else the
// nearest folder above it that has one. The search stops at the top of a
// git work tree (a folder with .git) and at the root of the file system,
// so a pipeline.yaml of another project further up is never taken. It
// reports false when no folder has one.
func Find(start string) (string, bool) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", false
	}
	for dir := abs; ; {
		if info, err := os.Stat(filepath.Join(dir, load.PipelineFile)); err == nil && info.Mode().IsRegular() {
			return dir, true
		}
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return "", false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
