package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pipegen/pipegen/internal/scaffold"
)

var initCommand = &command{
	name:    "init",
	args:    "[DIR]",
	summary: "start a pipeline repository: pipeline.yaml, a sample deal, CI workflows",
	help: `
Init writes the files of a new pipeline repository into DIR (default: the
current folder, or --dir), creating it if needed:

	pipeline.yaml                          stages, owners and settings, commented
	deals/example-deal.yaml                a sample deal to copy
	.gitignore                             leaves site/ and node_modules/ out of git
	.github/workflows/pipeline-check.yml   checks every pull request
	.github/workflows/pages.yml            publishes the dashboard on GitHub Pages

Init never overwrites a file: when any of them already exists it writes
nothing, names the files in the way and exits 1.

The workflows install this pipegen's release with the pipegen/pipegen
action, or, when this pipegen is a development build, the newest release it
knows of.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := fs.String("dir", "", "the folder to write the repository into, `DIR` (default: the current folder)")
		return func(_ context.Context, e *env, args []string) error {
			if len(args) > 1 {
				return &usageError{msg: fmt.Sprintf("init takes one folder, got %d arguments", len(args)), hint: "run pipegen init DIR"}
			}
			target := *dir
			if len(args) == 1 {
				target = args[0]
			}
			if info, err := os.Stat(target); err == nil && !info.IsDir() {
				return &usageError{msg: fmt.Sprintf("%s is not a folder", target), hint: "pass a new or existing folder for the repository"}
			}
			written, err := scaffold.Write(target, scaffold.Options{Version: thisBuild().release})
			var exists *scaffold.ExistsError
			if errors.As(err, &exists) {
				// A plain error: exit 1, as the folder's content is in the way.
				if len(exists.Paths) == 1 {
					return fmt.Errorf("%s already exists; init wrote nothing: move it aside or run pipegen init in a new folder", exists.Paths[0])
				}
				return fmt.Errorf("%s already exist; init wrote nothing: move them aside or run pipegen init in a new folder", strings.Join(exists.Paths, ", "))
			}
			if err != nil {
				return err
			}
			for _, p := range written {
				fmt.Fprintf(e.stdout, "created %s\n", p)
			}
			writeNextSteps(e, target)
			return nil
		}
	},
}

func writeNextSteps(e *env, dir string) {
	var b strings.Builder
	b.WriteString("\nNext steps:\n")
	n := 1
	step := func(format string, args ...any) {
		fmt.Fprintf(&b, "  %d. ", n)
		fmt.Fprintf(&b, format, args...)
		b.WriteString("\n")
		n++
	}
	if filepath.Clean(dir) != "." {
		step("cd %s", dir)
	}
	step("Edit pipeline.yaml: your team's name, owners, stages and targets.")
	step("Add your deals under deals/, copying example-deal.yaml, and delete the sample before your first commit.")
	step("Check them: pipegen check")
	step("Preview the dashboard: pipegen serve")
	step("Push to GitHub; in Settings → Pages, set Source to \"GitHub Actions\".")
	fmt.Fprint(e.stdout, b.String())
}
