package serve

import (
	"context"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/pipegen/pipegen/internal/load"
)

// change is a batch of file events: the paths that changed (slash paths
// relative to the repository) or, when events may have been lost, full.
type change struct {
	paths []string
	full  bool
}

// Debounce timings: a burst of events (an editor's save, a git checkout of
// hundreds of files) becomes one change once it has been quiet for quiet,
// or at the latest after maxWait.
const (
	quiet   = 25 * time.Millisecond
	maxWait = 300 * time.Millisecond
)

// watcher watches pipeline.yaml and every folder under deals/, adding
// folders as they are created. fsnotify is not recursive, and watching
// folders rather than files survives editors' atomic saves.
type watcher struct {
	dir string
	fs  *fsnotify.Watcher
}

func newWatcher(dir string) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{dir: dir, fs: fw}
	if err := fw.Add(dir); err != nil {
		fw.Close()
		return nil, err
	}
	w.addTree(filepath.Join(dir, load.DealsDir))
	return w, nil
}

// addTree watches a folder and every folder below it.
func (w *watcher) addTree(root string) {
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if e.IsDir() {
			if p != root && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			w.fs.Add(p)
		}
		return nil
	})
}

// ignored reports whether an event under deals/ (rel is its slash path in
// the repository) is about something check never reads: a hidden file or
// folder, or an editor's temporary file (vim's 4913, emacs' #x# and ~,
// .tmp) that is not a deal file — load decides which files are deals.
func ignored(rel string) bool {
	if load.Hidden(rel) {
		return true
	}
	base := path.Base(rel)
	temp := strings.HasSuffix(base, "~") || base == "4913" || strings.HasPrefix(base, "#") ||
		strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") || strings.HasSuffix(base, ".tmp")
	return temp && load.Classify(rel) == load.NotRead
}

// run sends one change per burst of relevant events until ctx ends.
func (w *watcher) run(ctx context.Context, out chan<- change) {
	defer w.fs.Close()
	var pending change
	seen := map[string]bool{}
	var timer, deadline <-chan time.Time
	flush := func() {
		if len(pending.paths) > 0 || pending.full {
			select {
			case out <- pending:
			case <-ctx.Done():
			}
		}
		pending, seen = change{}, map[string]bool{}
		timer, deadline = nil, nil
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			rel, ok := w.relevant(ev)
			if !ok {
				continue
			}
			if ev.Has(fsnotify.Create) {
				// A new folder may already hold files: watch it and its
				// subfolders; the change lists it again.
				if full := filepath.Join(w.dir, filepath.FromSlash(rel)); isDir(full) {
					w.addTree(full)
				}
			}
			if !seen[rel] {
				seen[rel] = true
				pending.paths = append(pending.paths, rel)
			}
			timer = time.After(quiet)
			if deadline == nil {
				deadline = time.After(maxWait)
			}
		case _, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			// Events were lost (the kernel queue overflowed): list everything.
			pending.full = true
			timer = time.After(quiet)
			if deadline == nil {
				deadline = time.After(maxWait)
			}
		case <-timer:
			flush()
		case <-deadline:
			flush()
		}
	}
}

// relevant returns the path of an event relative to the repository, when it
// concerns pipeline.yaml or something under deals/.
func (w *watcher) relevant(ev fsnotify.Event) (string, bool) {
	if ev.Op == fsnotify.Chmod {
		return "", false
	}
	rel, err := filepath.Rel(w.dir, ev.Name)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	switch {
	case rel == load.PipelineFile || rel == load.DealsDir:
		return rel, true
	case strings.HasPrefix(rel, load.DealsDir+"/") && !ignored(rel):
		return rel, true
	}
	return "", false
}
