package serve

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
// not ten thousand. Which files are deals is decided by load.DealFiles, as
// for check: whenever a change is more than an edit of known deal files
// (a file added, removed or renamed, a folder, a link), the deals folder is
// listed again, so that the preview never disagrees with check.
type repoCache struct {
	dir           string
	loader        load.Loader
	pipelineStamp stamp
	pipeline      *model.Pipeline
	pipelineDiags []diag.Diagnostic
	deals         map[string]*parsedDeal // by slash path relative to dir
	listDiags     []diag.Diagnostic      // about files that are not deals (.yml, links)
	loaded        bool
}

func newRepoCache(dir string, loader load.Loader) *repoCache {
	return &repoCache{dir: dir, loader: loader, deals: map[string]*parsedDeal{}}
}

// refresh brings the cache up to date and returns the repository and the
// loader's diagnostics. dirty names the files or folders (slash paths
// relative to dir) that events said changed; with full, or on the first
// call, everything is listed again. It returns how many files it parsed.
func (c *repoCache) refresh(dirty []string, full bool) (*model.Repo, []diag.Diagnostic, int) {
	parsed := 0
	if !c.loaded || full || slices.Contains(dirty, load.PipelineFile) || c.pipelineChanged() {
		c.pipeline, c.pipelineDiags = c.loader.ReadPipeline(c.dir)
		c.pipelineStamp = c.statPipeline()
		parsed++
	}
	toParse, edited := c.editedDeals(dirty)
	if !c.loaded || full || !edited {
		toParse = c.relist(dirty)
		c.loaded = true
	}
	if len(toParse) > 0 {
		deals, diags := c.loader.ReadDeals(c.dir, toParse)
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

// editedDeals returns the deal files among dirty when every changed path
// under deals/ is a deal file already known that is still a regular file:
// an edit, the common case, which needs no new listing. edited is false
// when anything else changed.
func (c *repoCache) editedDeals(dirty []string) (files []string, edited bool) {
	for _, rel := range dirty {
		if rel == load.PipelineFile {
			continue
		}
		if _, known := c.deals[rel]; !known {
			return nil, false
		}
		info, err := os.Lstat(filepath.Join(c.dir, filepath.FromSlash(rel)))
		if err != nil || !info.Mode().IsRegular() {
			return nil, false
		}
		files = append(files, rel)
	}
	return files, true
}

// relist lists the deal files again and returns those to parse: new ones,
// changed ones and the dirty ones (an edit may keep a file's size and
// time). Files that are gone leave the cache.
func (c *repoCache) relist(dirty []string) []string {
	files, listDiags, err := load.DealFiles(c.dir)
	if err != nil {
		listDiags = append(listDiags, diag.Diagnostic{File: load.DealsDir, Severity: diag.Error, Code: "unreadable",
			Message: "cannot list the deals: " + err.Error(), Hint: "check the folder's permissions"})
	}
	c.listDiags = listDiags
	present := make(map[string]bool, len(files))
	isDirty := make(map[string]bool, len(dirty))
	for _, rel := range dirty {
		isDirty[rel] = true
	}
	var toParse []string
	for _, f := range files {
		present[f] = true
		if c.changed(f) || isDirty[f] {
			toParse = append(toParse, f)
		}
	}
	for f := range c.deals {
		if !present[f] {
			delete(c.deals, f)
		}
	}
	return toParse
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
