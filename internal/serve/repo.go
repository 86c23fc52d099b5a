package serve

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// stamp tells whether a file changed since it was parsed.
type stamp struct {
	size int64
	mod  time.Time
}

func stampOf(info fs.FileInfo) stamp { return stamp{info.Size(), info.ModTime()} }

type parsedDeal struct {
	stamp stamp
	deal  *model.Deal
	diags []diag.Diagnostic
}

// repoCache keeps every parsed file of a pipeline repository and parses
// again only the files that changed: a save in an editor re-reads one file,
// not ten thousand.
type repoCache struct {
	dir           string
	pipelineStamp stamp
	pipeline      *model.Pipeline
	pipelineDiags []diag.Diagnostic
	deals         map[string]*parsedDeal // by slash path relative to dir
	listDiags     []diag.Diagnostic      // about files that are not deals (.yml, links)
	loaded        bool
}

func newRepoCache(dir string) *repoCache {
	return &repoCache{dir: dir, deals: map[string]*parsedDeal{}}
}

// refresh brings the cache up to date and returns the repository and the
// loader's diagnostics. dirty names the files or folders (slash paths
// relative to dir) that events said changed; with full, or on the first
// call, the whole deals folder is listed again, and files whose size or
// time changed are parsed again. It returns how many files it parsed.
func (c *repoCache) refresh(dirty []string, full bool) (*model.Repo, []diag.Diagnostic, int) {
	parsed := 0
	if !c.loaded || full || slices.Contains(dirty, load.PipelineFile) || c.pipelineChanged() {
		c.pipeline, c.pipelineDiags = load.ReadPipeline(c.dir)
		c.pipelineStamp = c.statPipeline()
		parsed++
	}
	var toParse []string
	if !c.loaded || full {
		files, listDiags, err := load.DealFiles(c.dir)
		if err != nil {
			listDiags = append(listDiags, diag.Diagnostic{File: load.DealsDir, Severity: diag.Error, Code: "unreadable",
				Message: "cannot list the deals: " + err.Error(), Hint: "check the folder's permissions"})
		}
		c.listDiags = listDiags
		present := make(map[string]bool, len(files))
		for _, f := range files {
			present[f] = true
			if c.changed(f) {
				toParse = append(toParse, f)
			}
		}
		for f := range c.deals {
			if !present[f] {
				delete(c.deals, f)
			}
		}
		c.loaded = true
	} else {
		toParse = c.dirtyFiles(dirty)
	}
	if len(toParse) > 0 {
		deals, diags := load.ReadDeals(c.dir, toParse)
		for i, f := range toParse {
			info, err := os.Lstat(filepath.Join(c.dir, filepath.FromSlash(f)))
			if err != nil {
				delete(c.deals, f)
				continue
			}
			c.deals[f] = &parsedDeal{stamp: stampOf(info), deal: deals[i], diags: diags[i]}
		}
		parsed += len(toParse)
	}
	repo, diags := c.repo()
	return repo, diags, parsed
}

// dirtyFiles turns changed paths into the deal files to parse again,
// dropping deleted ones from the cache. A changed folder is listed again.
func (c *repoCache) dirtyFiles(dirty []string) []string {
	var out []string
	for _, rel := range dirty {
		if rel == load.PipelineFile || !strings.HasPrefix(rel, load.DealsDir+"/") && rel != load.DealsDir {
			continue
		}
		info, err := os.Lstat(filepath.Join(c.dir, filepath.FromSlash(rel)))
		switch {
		case errors.Is(err, fs.ErrNotExist) || err != nil:
			// Gone: a file, or a whole folder of them.
			for f := range c.deals {
				if f == rel || strings.HasPrefix(f, rel+"/") {
					delete(c.deals, f)
				}
			}
		case info.IsDir():
			filepath.WalkDir(filepath.Join(c.dir, filepath.FromSlash(rel)), func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if strings.HasPrefix(e.Name(), ".") && e.IsDir() && p != filepath.Join(c.dir, filepath.FromSlash(rel)) {
					return filepath.SkipDir
				}
				if !e.IsDir() && path.Ext(e.Name()) == ".yaml" && !strings.HasPrefix(e.Name(), ".") {
					r, _ := filepath.Rel(c.dir, p)
					out = append(out, filepath.ToSlash(r))
				}
				return nil
			})
		case path.Ext(rel) == ".yaml" && !strings.HasPrefix(path.Base(rel), "."):
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *repoCache) changed(rel string) bool {
	e, ok := c.deals[rel]
	if !ok {
		return true
	}
	info, err := os.Lstat(filepath.Join(c.dir, filepath.FromSlash(rel)))
	return err != nil || stampOf(info) != e.stamp
}

func (c *repoCache) statPipeline() stamp {
	info, err := os.Lstat(filepath.Join(c.dir, load.PipelineFile))
	if err != nil {
		return stamp{}
	}
	return stampOf(info)
}

func (c *repoCache) pipelineChanged() bool { return c.statPipeline() != c.pipelineStamp }

// repo assembles the repository from the cache, deals in file order.
func (c *repoCache) repo() (*model.Repo, []diag.Diagnostic) {
	files := make([]string, 0, len(c.deals))
	for f := range c.deals {
		files = append(files, f)
	}
	slices.Sort(files)
	repo := &model.Repo{Pipeline: c.pipeline, Deals: make([]*model.Deal, len(files))}
	diags := append([]diag.Diagnostic(nil), c.pipelineDiags...)
	diags = append(diags, c.listDiags...)
	for i, f := range files {
		repo.Deals[i] = c.deals[f].deal
		diags = append(diags, c.deals[f].diags...)
	}
	diag.Sort(diags)
	return repo, diags
}
