package site

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// marker is a file every site pipegen writes, so that it only ever replaces
// a folder it wrote itself.
const marker = ".pipegen-site"

// Write puts the site into the folder out, replacing what was there in one
// step: the files are written to a new folder beside it, which then takes
// out's place. A failure leaves the previous site exactly as it was.
func Write(out string, files Files) error {
	return write(out, func(tmp string) error {
		w := newDirWriter(tmp)
		for _, p := range files.Paths() {
			if err := w.file(p, files[p]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Write renders the site straight into the folder out, on every core,
// without holding all the pages in memory, and replaces out in one step as
// Write does. It returns the number of files written.
func (s *Site) Write(out string) (int, error) {
	paths := s.Paths()
	err := write(out, func(tmp string) error {
		// Pages are drawn on every core and written by one goroutine:
		// creating files in one folder from several threads contends on the
		// folder and is slower than one writer.
		w := newDirWriter(tmp)
		type file struct {
			path string
			body []byte
		}
		files := make(chan file, 64)
		written := make(chan error, 1)
		go func() {
			var err error
			for f := range files {
				if err == nil {
					err = w.file(f.path, f.body)
				}
			}
			written <- err
		}()
		err := s.each(paths, func(p string, b []byte) error {
			files <- file{p, b}
			return nil
		})
		close(files)
		return cmp.Or(err, <-written)
	})
	return len(paths), err
}

// write prepares a new folder beside out, fills it, and swaps it in.
func write(out string, fill func(tmp string) error) error {
	out = filepath.Clean(out)
	if info, err := os.Stat(out); err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%s exists and is not a folder", out)
		}
		if err := replaceable(out); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	removeStale(parent, "."+base+".new-")
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // after a swap, this removes the old site
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, marker), []byte("written by pipegen build; the whole folder is replaced on each build\n"), 0o644); err != nil {
		return err
	}
	return swap(tmp, out)
}

// dirWriter writes files under a folder, creating each subfolder once.
type dirWriter struct {
	root string
	dirs sync.Map
}

func newDirWriter(root string) *dirWriter { return &dirWriter{root: root} }

func (w *dirWriter) file(p string, b []byte) error {
	// The last guard: file names are made safe where they are made, and
	// nothing is ever written outside the site's folder.
	if !filepath.IsLocal(filepath.FromSlash(p)) || strings.Contains(p, `\`) {
		return fmt.Errorf("refusing to write %q: not a path inside the site", p)
	}
	full := filepath.Join(w.root, filepath.FromSlash(p))
	dir := filepath.Dir(full)
	if _, done := w.dirs.Load(dir); !done {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		w.dirs.Store(dir, true)
	}
	return os.WriteFile(full, b, 0o644)
}

// replaceable refuses to replace a folder that pipegen did not write: an
// empty folder or an earlier site may go, anything else stays.
func replaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
		return nil
	}
	return fmt.Errorf("refusing to replace %s: it is not empty and was not written by pipegen build (choose another --out)", dir)
}

// swap makes the folder fresh take the place of out; on return fresh holds
// the previous site (or nothing), for the caller to remove.
func swap(fresh, out string) error {
	if _, err := os.Stat(out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(fresh, out)
	}
	if runtime.GOOS == "linux" {
		if err := exchange(fresh, out); err == nil {
			return nil
		}
	}
	// Elsewhere: two renames, with a brief moment where out is missing.
	old := fresh + ".old"
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(fresh, out); err != nil {
		os.Rename(old, out)
		return err
	}
	return os.Rename(old, fresh)
}

// removeStale removes the half-written folders of builds that were killed
// (a folder of a build still running elsewhere is younger than ten minutes
// and stays).
func removeStale(parent, prefix string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 10*time.Minute {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}
