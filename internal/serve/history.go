package serve

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/history"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/project"
	"github.com/pipegen/pipegen/internal/term"
)

// historyCache keeps the git history between rebuilds: it is read again
// only when HEAD moves or the last review's day changes, not on every
// save (an edit in the working tree is "now", which the files already
// say). Parsed file versions are kept across reads, and on disk between
// runs: the first read loads the cache file PIPEGEN_CACHE_DIR places (or
// turns off), and each read that parsed or logged something writes it.
type historyCache struct {
	head   string
	cutoff model.Date
	h      *history.History
	cache  *history.Cache
	opened bool // cache was made a disk cache (or the environment said off)
}

// read returns the history for a rebuild of proj; nil when git fails (the
// log says why; the movement then starts from the files).
func (hc *historyCache) read(opt Options, proj *project.Project, mopt metrics.Options) *history.History {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	head := headCommit(ctx, opt.Dir)
	day := metrics.ReviewDay(proj.Repo.Pipeline, mopt)
	if hc.h != nil && head == hc.head && day == hc.cutoff {
		return hc.h
	}
	if !hc.opened {
		hc.opened = true
		if dir := history.CacheDir(os.Getenv); dir != "" {
			hc.cache = history.OpenCache(dir)
		}
	}
	h, _, err := proj.LastReview(ctx, opt.Dir, mopt, history.Options{Loader: opt.Loader, Cache: hc.cache})
	if err != nil {
		fmt.Fprintf(opt.Log, "pipegen: warning: reading the git history: %s; the movement starts from the files as they are\n", term.Clean(err.Error()))
		hc.h = nil
		return nil
	}
	hc.head, hc.cutoff, hc.h = head, day, h
	return h
}

// headCommit returns the commit HEAD names in dir's repository, or "" when
// there is none (not a repository, no commit yet, no git).
func headCommit(ctx context.Context, dir string) string {
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--quiet", "HEAD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
