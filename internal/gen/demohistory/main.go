// Command demohistory writes a demo pipeline repository with back-dated git
// history, so that the dashboard shows the movement since the last review:
//
//	go run ./internal/gen/demohistory DIR
//	go run ./cmd/pipegen serve --dir DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/model"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demohistory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./internal/gen/demohistory [flags] DIR\n\n"+
			"Writes a new pipeline repository into DIR (a new or empty folder) with a git\n"+
			"history of back-dated commits: deals created, moved, pushed, won and lost.\n\n")
		fs.PrintDefaults()
	}
	deals := fs.Int("deals", 300, "write `N` deals")
	months := fs.Int("months", 12, "`N` months of history, up to --end")
	end := fs.String("end", "2026-11-27", "the last day of the history, `DATE`, pinned as as_of in pipeline.yaml")
	seed := fs.Uint64("seed", 1, "the random `SEED`: the same seed writes the same repository")
	versions := fs.Int("versions", 0, "keep at most `N` versions of each deal's file (0: every change is a version)")
	perWeek := fs.Int("commits-per-week", 100, "about `N` commits a week on the main line, when there is enough to commit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	endDate, err := model.ParseDate(*end)
	if err != nil {
		fmt.Fprintf(stderr, "demohistory: --end: %v\n", err)
		return 2
	}
	if *deals < 1 || *months < 1 || *perWeek < 1 || *versions < 0 {
		fmt.Fprintln(stderr, "demohistory: --deals, --months and --commits-per-week are 1 or more, --versions 0 or more")
		return 2
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "demohistory: %s exists and is not empty: name a new folder\n", dir)
		return 2
	}
	began := time.Now()
	opt := gen.HistoryOptions{
		Options:        gen.Options{Seed: *seed, Deals: *deals, End: endDate, Months: *months},
		CommitsPerWeek: *perWeek,
		Versions:       *versions,
	}
	if err := gen.WriteHistory(ctx, dir, opt); err != nil {
		fmt.Fprintf(stderr, "demohistory: %v\n", err)
		return 1
	}
	commits, merges := count(dir, "--first-parent"), count(dir, "--merges")
	fmt.Fprintf(stdout, "Wrote %s: %d deals, %d months of history to %s, %d commits on main (%d merges), in %s.\n\n",
		dir, *deals, *months, endDate, commits, merges, time.Since(began).Round(time.Millisecond))
	fmt.Fprintf(stdout, "See the dashboard, with the movement since the last review on its review page:\n\n")
	fmt.Fprintf(stdout, "  go run ./cmd/pipegen serve --dir %s\n\n", quote(dir))
	fmt.Fprintf(stdout, "or write it to %s/site:\n\n  go run ./cmd/pipegen build --dir %s\n\n", dir, quote(dir))
	fmt.Fprintf(stdout, "and look at the history: git -C %s log --first-parent --stat\n", quote(dir))
	return 0
}

// count returns the number of commits of HEAD that git rev-list counts
// with flag, or -1.
func count(dir, flag string) int {
	cmd := exec.Command("git", "-C", dir, "rev-list", "--count", flag, "HEAD")
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.Output()
	if err != nil {
		return -1
	}
	n := 0
	fmt.Sscan(strings.TrimSpace(string(out)), &n)
	return n
}

// quote quotes a folder name for a POSIX shell when it needs it.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
