package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/suggest"
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
	commands = []*command{checkCommand, metricsCommand, buildCommand, serveCommand, diffCommand, initCommand, newCommand, moveCommand, schemaCommand, versionCommand}
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
	case "-version", "--version":
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
		return &usageError{msg: err.Error(), hint: fmt.Sprintf("run pipegen %s -h for usage", c.name)}
	}
	loader, err := loaderFromEnv(e.getenv)
	if err != nil {
		return err
	}
	e.loader = loader
	return runFn(ctx, e, positional)
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

func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("pipegen turns a git repository of sales deals into a pipeline dashboard.\n\n")
	b.WriteString("Usage:\n\n\tpipegen <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun \"pipegen help <command>\" or \"pipegen <command> -h\" for a command's flags.\n")
	b.WriteString("Every command takes --dir, the pipeline repository (default \".\").\n")
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
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}
