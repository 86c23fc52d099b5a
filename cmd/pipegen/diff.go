package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/pipegen/pipegen/internal/diff"
	"github.com/pipegen/pipegen/internal/project"
)

var diffCommand = &command{
	name:    "diff",
	args:    "--base REV [--format text|markdown|json] [--as-of DATE] [--dir DIR]",
	summary: "show what a change does to the pipeline",
	help: `
Diff compares the repository with its version at git revision REV and says
what the change does to the pipeline: deals added, moved from one stage to
another, won, lost (with the reason), values changed; the open and weighted
pipeline before and after; and the metrics of the current window that
moved. Both sides are computed as of the same day.

--format markdown is made for a pull-request comment or a GitHub Actions
job summary: pipegen diff --base origin/main --format markdown >> "$GITHUB_STEP_SUMMARY".
Each deal is named by its title and id; when the repository's address is
known (GITHUB_SERVER_URL and GITHUB_REPOSITORY in a workflow, else
repository in pipeline.yaml), the title links to the deal's file. The
repository must pass pipegen check first.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		base := fs.String("base", "", "compare with git revision `REV` (required)")
		formatFlag := fs.String("format", "text", "output `FORMAT`: text, markdown or json")
		asOf := fs.String("as-of", "", "compute both sides as of `DATE`; default as_of in pipeline.yaml, else today")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: fmt.Sprintf("diff takes no arguments, got %q", args[0]), hint: "pass the revision with --base"}
			}
			if *base == "" {
				return &usageError{msg: "diff needs --base", hint: "pass the revision to compare with, like --base origin/main"}
			}
			if *formatFlag != "text" && *formatFlag != "markdown" && *formatFlag != "json" {
				return &usageError{msg: fmt.Sprintf("unknown format %q", *formatFlag), hint: "use --format text, markdown or json"}
			}
			flagAsOf, err := parseDateFlag("as-of", *asOf)
			if err != nil {
				return err
			}
			old, oldDiags, err := repoAt(e, *dir, *base)
			if err != nil {
				return err
			}
			head, err := loadChecked(e, *dir, flagAsOf)
			if err != nil {
				return err
			}
			usable, skipped := project.Usable(old, oldDiags, head.Repo.Pipeline, project.Options{AsOf: head.AsOf})
			c := diff.Compare(usable, head.Repo, head.AsOf)
			c.Skipped = append(c.Skipped, skipped...)
			switch *formatFlag {
			case "markdown":
				return diff.WriteMarkdown(e.stdout, c, diff.Links{FileBase: fileBase(repositoryURL(head.Repo.Pipeline, e.getenv), "blob", "GITHUB_SHA", e.getenv)})
			case "json":
				return diff.WriteJSON(e.stdout, c)
			}
			return diff.WriteText(e.stdout, c)
		}
	},
}
