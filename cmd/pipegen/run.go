package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/project"
	"github.com/pipegen/pipegen/internal/suggest"
	"github.com/pipegen/pipegen/internal/term"
)

// command is one pipegen subcommand.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	help    string // the longer description shown by "pipegen CMD -h"
	flags   func(fs *flag.FlagSet) func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch of the outside world.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// loader reads the repository with the limits the environment sets.
	loader load.Loader
}

var commands []*command

func init() {
	commands = []*command{checkCommand, metricsCommand, buildCommand, serveCommand, diffCommand, initCommand, newCommand, moveCommand, importCommand, schemaCommand, versionCommand}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run executes one pipegen command line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{stdout: stdout, stderr: stderr, getenv: osGetenv}
	if len(args) == 0 {
		writeUsage(stderr)
		return &usageError{msg: "no command given", hint: "run pipegen help for the list of commands"}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			c := lookup(rest[0])
			if c == nil {
				return unknownCommand(rest[0])
			}
			fs := newFlagSet(c)
			c.flags(fs)
			writeCommandUsage(stdout, c, fs)
			return nil
		}
		writeUsage(stdout)
		return nil
	case "-v", "-version", "--version":
		name = "version"
	}
	c := lookup(name)
	if c == nil {
		return unknownCommand(name)
	}
	fs := newFlagSet(c)
	runFn := c.flags(fs)
	positional, err := parseFlags(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		writeCommandUsage(stdout, c, fs)
		return nil
	}
	if err != nil {
		return flagError(c, fs, err)
	}
	loader, err := loaderFromEnv(e.getenv)
	if err != nil {
		return err
	}
	e.loader = loader
	findRepo(e, c, fs)
	return runFn(ctx, e, positional)
}

// findRepo sets a --dir that was not given: for init, the current
// folder; for the others, the pipeline repository that holds the current
// folder, found as git finds its work tree, so that a command run in
// deals/ works. It says which folder it took when that is not the current
// one.
func findRepo(e *env, c *command, fs *flag.FlagSet) {
	if fs.Lookup("dir") == nil || set(fs, "dir") {
		return
	}
	fs.Set("dir", ".")
	if c == initCommand {
		return
	}
	found, ok := project.Find(".")
	if !ok {
		return
	}
	wd, err := os.Getwd()
	if err != nil {
		return
	}
	rel, err := filepath.Rel(wd, found)
	if err != nil || rel == "." {
		return
	}
	fs.Set("dir", rel)
	fmt.Fprintf(e.stderr, "pipegen: note: using the pipeline repository in %s\n", term.Clean(rel))
}

func newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses flags that may come before, between or after the
// positional arguments, as in "pipegen move acme won --date 2026-11-02".
// A lone "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func unknownCommand(name string) error {
	if strings.HasPrefix(name, "-") {
		msg := fmt.Sprintf("unknown flag %q", name)
		if s := suggest.Closest(strings.TrimLeft(name, "-"), []string{"help", "version"}); s != "" {
			msg += fmt.Sprintf(" — did you mean --%s?", s)
		}
		return &usageError{msg: msg, hint: "flags come after the command, like pipegen check --format json; run pipegen help for the commands"}
	}
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	msg := fmt.Sprintf("unknown command %q", name)
	if s := suggest.Closest(name, names); s != "" {
		msg += fmt.Sprintf(" — did you mean %q?", s)
	}
	return &usageError{msg: msg, hint: "run pipegen help for the list of commands"}
}

// flagAliases are the flags people reach for that a command has under
// another name, with what to say instead of "unknown flag".
var flagAliases = map[string]struct{ flag, hint string }{
	"serve port":    {"addr", "serve listens on --addr HOST:PORT: --addr :9000 is port 9000 on loopback, --addr 0.0.0.0:9000 every address"},
	"serve host":    {"addr", "serve listens on --addr HOST:PORT, like --addr 127.0.0.1:8080"},
	"serve listen":  {"addr", "serve listens on --addr HOST:PORT, like --addr 127.0.0.1:8080"},
	"build output":  {"out", "build writes the site into --out DIR, like --out public"},
	"check json":    {"format", "pass --format json"},
	"diff json":     {"format", "pass --format json"},
	"metrics json":  {"format", "pass --format json"},
	"diff markdown": {"format", "pass --format markdown"},
}

// flagError turns the flag package's parse error into one in pipegen's
// voice: flags written --flag, a mistyped one answered with the flag
// meant.
func flagError(c *command, fs *flag.FlagSet, err error) error {
	usage := fmt.Sprintf("run pipegen %s -h for its flags", c.name)
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		name = strings.TrimPrefix(name, "-")
		msg = fmt.Sprintf("unknown flag --%s for pipegen %s", name, c.name)
		if a, ok := flagAliases[c.name+" "+name]; ok {
			return &usageError{msg: fmt.Sprintf("%s — did you mean --%s?", msg, a.flag), hint: a.hint}
		}
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := suggest.Closest(name, names); s != "" {
			msg += fmt.Sprintf(" — did you mean --%s?", s)
		}
		return &usageError{msg: msg, hint: usage}
	}
	// "flag needs an argument: -format", "invalid value … for flag -dir: …"
	msg = flagName.ReplaceAllString(msg, "$1--$2")
	return &usageError{msg: msg, hint: usage}
}

// flagName finds a flag named with one dash in the flag package's errors.
var flagName = regexp.MustCompile(`(^|: | flag )-([a-z][a-z-]*)`)

func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("pipegen turns a git repository of sales deals into a pipeline dashboard.\n\n")
	b.WriteString("Usage:\n\n\tpipegen <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun \"pipegen help <command>\" or \"pipegen <command> -h\" for a command's flags.\n")
	b.WriteString("Every command takes --dir, the pipeline repository (default: the current folder,\nor the nearest folder above it with a pipeline.yaml, within its git work tree).\n")
	b.WriteString("Exit codes: 0 ok, 1 the input has errors, 2 the command was used wrongly.\n")
	b.WriteString("A file over 1MiB is refused; PIPEGEN_MAX_FILE_SIZE (like 2MiB) sets another limit.\n")
	io.WriteString(w, b.String())
}

func writeCommandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: pipegen %s %s\n\n%s\n", c.name, c.args, strings.TrimSpace(c.help))
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		writeFlags(w, fs)
	}
}

// writeFlags lists a command's flags as they are typed, --flag, each with
// its usage and any default.
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  --%s", f.Name)
		if arg != "" {
			fmt.Fprintf(&b, " %s", arg)
		}
		fmt.Fprintf(&b, "\n    \t%s", strings.ReplaceAll(usage, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		b.WriteString("\n")
	})
	io.WriteString(w, b.String())
}
