package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/history"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/project"
	"github.com/pipegen/pipegen/internal/site"
	"github.com/pipegen/pipegen/internal/term"
)

var buildCommand = &command{
	name:    "build",
	args:    "[--out DIR] [--as-of DATE] [--base-url URL] [--dir DIR]",
	summary: "write the dashboard as a static site",
	help: `
Build checks the repository, computes the metrics and writes the dashboard:
an overview with the funnel and charts, every deal, every owner, the stages
and what changed in the review window, plus metrics.json and deals.csv.

The site is written in one step: a repository with errors, or any failure,
writes nothing and leaves the previous site as it was. Links are relative,
so the site works from any sub-path (--base-url sets canonical links) and
from file://.

The charts are drawn by a build of ECharts embedded in pipegen and written
into the site: the dashboard needs no network, neither to build nor to
view.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		out := fs.String("out", "", "write the site into `DIR` (default: site/ in the repository)")
		asOf := fs.String("as-of", "", "build as of `DATE` (YYYY-MM-DD); default as_of in pipeline.yaml, else today")
		baseURL := fs.String("base-url", "", "the site's public `URL`, for canonical links")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: fmt.Sprintf("build takes no arguments, got %q", args[0]), hint: "pass the repository with --dir and the output with --out"}
			}
			start := time.Now()
			flagAsOf, err := parseDateFlag("as-of", *asOf)
			if err != nil {
				return err
			}
			if *baseURL != "" && !strings.HasPrefix(*baseURL, "https://") && !strings.HasPrefix(*baseURL, "http://") {
				return &usageError{msg: fmt.Sprintf("--base-url %q is not a web address", *baseURL), hint: "write it like https://acme.github.io/sales-pipeline/"}
			}
			proj, err := loadChecked(e, *dir, flagAsOf)
			if err != nil {
				return err
			}
			opt := metrics.Options{AsOf: proj.AsOf}
			h, past := lastReview(ctx, e, *dir, proj, opt)
			opt.Past = past
			in := site.Prepare(proj.Repo, opt)
			in.History = h
			repoURL := repositoryURL(proj.Repo.Pipeline, e.getenv)
			s := site.New(in, site.Options{BaseURL: *baseURL, EditBase: editBase(repoURL, e.getenv), CommitBase: commitBase(repoURL)})
			target := *out
			if target == "" {
				target = filepath.Join(*dir, "site")
			}
			if _, err := s.Write(target); err != nil {
				return err
			}
			pagesN := 0
			for _, p := range s.Paths() {
				if strings.HasSuffix(p, ".html") {
					pagesN++
				}
			}
			fmt.Fprintf(e.stdout, "built %s for %s in %s → %s\n", format.Count(pagesN, "page", "pages"), format.Count(len(in.Details.Deals), "deal", "deals"), format.Duration(time.Since(start)), term.Clean(target))
			return nil
		}
	},
}

// fileBase is where a file's path is put for a link to the file on the
// repository's site: repoURL/kind/REF/. REF is the GitHub Actions
// variable refVar in a workflow (a branch to edit, GITHUB_REF_NAME; the
// commit to show, GITHUB_SHA), else HEAD, the default branch.
func fileBase(repoURL, kind, refVar string, getenv func(string) string) string {
	if repoURL == "" {
		return ""
	}
	ref := getenv(refVar)
	if ref == "" || getenv("GITHUB_REPOSITORY") == "" {
		ref = "HEAD"
	}
	return repoURL + "/" + kind + "/" + ref + "/"
}

// editBase is where a deal's path is put for its "Edit this file" link.
func editBase(repoURL string, getenv func(string) string) string {
	return fileBase(repoURL, "edit", "GITHUB_REF_NAME", getenv)
}

// repositoryURL is the repository's web address: GitHub's in a workflow
// (GITHUB_SERVER_URL and GITHUB_REPOSITORY), else repository in
// pipeline.yaml, else "".
func repositoryURL(p *model.Pipeline, getenv func(string) string) string {
	server, repo := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY")
	if server != "" && repo != "" {
		return strings.TrimSuffix(server, "/") + "/" + repo
	}
	return strings.TrimSuffix(p.Repository, "/")
}

// commitBase is where a commit's hash is appended for a link to it.
func commitBase(repoURL string) string {
	if repoURL == "" {
		return ""
	}
	return repoURL + "/commit/"
}

// lastReview reads what git says of the deals at the last review of opt,
// with the parse cache on disk that PIPEGEN_CACHE_DIR places (or turns
// off). Git failing does not stop a build: the numbers then start from
// the files, and the warning says why.
func lastReview(ctx context.Context, e *env, dir string, proj *project.Project, opt metrics.Options) (*history.History, *metrics.LastReview) {
	cache := history.OpenCache(history.CacheDir(e.getenv))
	h, past, err := proj.LastReview(ctx, dir, opt, history.Options{Loader: e.loader, Cache: cache})
	if err != nil {
		fmt.Fprintf(e.stderr, "pipegen: warning: reading the git history: %v; the movement starts from the files as they are\n", term.Clean(err.Error()))
		return nil, nil
	}
	return h, past
}
