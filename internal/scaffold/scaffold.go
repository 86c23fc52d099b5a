// Package scaffold holds the files of a new pipeline repository — a
// commented pipeline.yaml, a sample deal, a .gitignore and the GitHub
// Actions workflows that check pull requests and publish the dashboard —
// and writes them for pipegen init.
//
// Write never overwrites: a user who runs init in the wrong folder, or twice,
// must not lose a pipeline.yaml they have edited.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// files holds the templates, under files/ with the paths they are written to.
//
//go:embed all:files
var files embed.FS

// Files are the paths Write creates, relative to the repository and
// slash-separated, in the order it creates and reports them.
var Files = []string{
	"pipeline.yaml",
	"deals/example-deal.yaml",
	".gitignore",
	".github/workflows/pipeline-check.yml",
	".github/workflows/pages.yml",
}

// versionMarker stands in the templates for the pipegen release the
// workflows install.
const versionMarker = "@@VERSION@@"

// Release is the newest pipegen release: the version that the workflows of
// init install when no other is asked for (a development build of pipegen
// has no release of its own to pin), and the one this repository's own
// workflows pin. Raise it when a release is published.
const Release = "v0.1.0"

// Options are the choices a scaffold leaves to its caller.
type Options struct {
	// Version is the pipegen release the workflows install: a release tag
	// such as v1.2.0, both for the pipegen/pipegen action and for the
	// binary it downloads. Empty means Release.
	Version string
}

// releaseTag matches a semantic version tag: v1.2.0, v1.3.0-rc.1. It allows
// nothing that could break out of the YAML it is written into.
var releaseTag = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// pseudoVersion matches the end of a Go pseudo-version, the version go
// gives a commit that no tag names: v0.0.0-20261127101500-0123456789ab.
var pseudoVersion = regexp.MustCompile(`[-.][0-9]{14}-[0-9a-f]{12}$`)

// IsRelease reports whether v names a pipegen release: a tag such as v1.2.0
// or v1.3.0-rc.1, not a Go pseudo-version, nor a build of a modified tree
// (v1.2.0+dirty).
func IsRelease(v string) bool {
	return releaseTag.MatchString(v) && !pseudoVersion.MatchString(v)
}

// ExistsError reports the files that Write would have overwritten.
type ExistsError struct {
	Paths []string // as Write would have returned them: dir joined with each file
}

func (e *ExistsError) Error() string {
	if len(e.Paths) == 1 {
		return fmt.Sprintf("%s already exists; init does not overwrite files", e.Paths[0])
	}
	return fmt.Sprintf("%s already exist; init does not overwrite files", strings.Join(e.Paths, ", "))
}

// Write creates the files of a new pipeline repository in dir, creating dir
// and the folders inside it as needed, and returns the paths it wrote (dir
// joined with each of Files).
//
// If any of the files already exists, Write writes nothing and returns an
// *ExistsError naming every one of them. If writing fails part way, it
// removes what it had created.
func Write(dir string, opt Options) ([]string, error) {
	version := opt.Version
	if version == "" {
		version = Release
	}
	if !IsRelease(version) {
		return nil, fmt.Errorf("version %q is not a pipegen release such as %s", version, Release)
	}
	contents := make([][]byte, len(Files))
	for i, name := range Files {
		b, err := files.ReadFile(path.Join("files", name))
		if err != nil {
			return nil, fmt.Errorf("scaffold %s: %w", name, err)
		}
		contents[i] = []byte(strings.ReplaceAll(string(b), versionMarker, version))
	}

	targets := make([]string, len(Files))
	var existing []string
	seen := map[string]bool{}
	for i, name := range Files {
		targets[i] = filepath.Join(dir, filepath.FromSlash(name))
		in, err := blocking(dir, name)
		if err != nil {
			return nil, err
		}
		if in != "" && !seen[in] {
			seen[in] = true
			existing = append(existing, in)
		}
	}
	if len(existing) > 0 {
		return nil, &ExistsError{Paths: existing}
	}

	w := &writer{}
	for i, target := range targets {
		if err := w.write(target, contents[i]); err != nil {
			w.undo()
			return nil, err
		}
	}
	return targets, nil
}

// blocking returns the path in dir that stops name from being created
// without overwriting anything: the file itself when it exists (as anything,
// even a folder or a link), or a folder on its way that exists as a file.
// It returns "" when nothing is in the way.
func blocking(dir, name string) (string, error) {
	parts := strings.Split(name, "/")
	p := dir
	for i, part := range parts {
		p = filepath.Join(p, part)
		info, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		last := i == len(parts)-1
		if last || !isDir(p, info) {
			return p, nil
		}
	}
	return "", nil
}

// isDir reports whether p, described by info from Lstat, is a folder or a
// link to one.
func isDir(p string, info fs.FileInfo) bool {
	if info.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Stat(p)
		return err == nil && target.IsDir()
	}
	return info.IsDir()
}

// writer creates files and folders and remembers them, so that a failed
// Write can take them back.
type writer struct {
	created []string // files and folders, in the order they were created
}

func (w *writer) write(target string, content []byte) error {
	if err := w.mkdirAll(filepath.Dir(target)); err != nil {
		return err
	}
	// O_EXCL: a file that appeared since the check above is still not
	// overwritten.
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w.created = append(w.created, target)
	if _, err := f.Write(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// mkdirAll is os.MkdirAll that records each folder it creates.
func (w *writer) mkdirAll(dir string) error {
	info, err := os.Stat(dir)
	if err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%s is not a folder", dir)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := w.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	w.created = append(w.created, dir)
	return nil
}

// undo removes what the writer created, newest first, so that folders are
// empty by the time they are removed.
func (w *writer) undo() {
	for i := len(w.created) - 1; i >= 0; i-- {
		os.Remove(w.created[i])
	}
	w.created = nil
}
